"""Where the database lives: ``PACER_DB`` (set by ``--db``) or the platform's user data folder."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

APP_NAME = "PACER Desktop"
FILE_NAME = "pacer.sqlite3"
DEFAULT_KEEP_BACKUPS = 14


def workstation_name() -> str:
    """This computer's network name, recorded with every entry. Read without the socket module,
    whose import cost 3 ms of the window's start-up."""
    name = os.environ.get("COMPUTERNAME", "") if os.name == "nt" else os.uname().nodename
    return name or "unknown workstation"


def keep_backups_setting() -> int:
    """How many daily backups to keep: ``$PACER_KEEP_BACKUPS`` (0 turns them off), else 14."""
    configured = os.environ.get("PACER_KEEP_BACKUPS", "").strip()
    if not configured:
        return DEFAULT_KEEP_BACKUPS
    try:
        value = int(configured)
    except ValueError:
        value = -1
    if value < 0:
        from .errors import StorageError
        raise StorageError(f"PACER_KEEP_BACKUPS: {configured!r} is not a whole number of backups (0 or more)")
    return value


#: The form of a study ID when ``PACER_STUDY_ID_PATTERN`` is not set, and an example of it.
DEFAULT_STUDY_ID_PATTERN = r"PACER-[0-9]{3}"


def study_id_pattern_setting() -> tuple[str, str]:
    """The form of a study ID (issue 19): ``$PACER_STUDY_ID_PATTERN``, a regular expression the whole
    ID must match, else ``PACER-`` and three digits; and an example to show ("PACER-001")."""
    configured = os.environ.get("PACER_STUDY_ID_PATTERN", "").strip()
    if not configured:
        return DEFAULT_STUDY_ID_PATTERN, "PACER-001"
    return configured, os.environ.get("PACER_STUDY_ID_EXAMPLE", "").strip() or configured


def default_db_path() -> Path:
    """``$PACER_DB`` when set, else ``<user data dir>/PACER Desktop/pacer.sqlite3``."""
    configured = os.environ.get("PACER_DB")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir
    return Path(user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME


#: Wrong PINs in a row that lock an account, and for how long (issue 18), when not set.
DEFAULT_PIN_ATTEMPTS = 5
DEFAULT_PIN_LOCK_MINUTES = 15


def pin_lockout_setting() -> tuple[int, timedelta]:
    """How many wrong PINs in a row lock an account (``$PACER_PIN_ATTEMPTS``, else 5) and for how
    long (``$PACER_PIN_LOCK_MINUTES``, else 15 minutes); both whole numbers of at least 1."""
    return (_positive_whole("PACER_PIN_ATTEMPTS", DEFAULT_PIN_ATTEMPTS, "wrong PINs"),
            timedelta(minutes=_positive_whole("PACER_PIN_LOCK_MINUTES", DEFAULT_PIN_LOCK_MINUTES, "minutes")))


def _positive_whole(name: str, default: int, unit: str) -> int:
    configured = os.environ.get(name, "").strip()
    if not configured:
        return default
    if not configured.isascii() or not configured.isdigit() or int(configured) < 1:
        from .errors import StorageError
        raise StorageError(f"{name}: {configured!r} is not a whole number of {unit} (1 or more)")
    return int(configured)
