"""Where the database lives: ``PACER_DB`` (set by ``--db``) or the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "PACER Desktop"
FILE_NAME = "pacer.sqlite3"


def default_db_path() -> Path:
    """``$PACER_DB`` when set, else ``<user data dir>/PACER Desktop/pacer.sqlite3``."""
    configured = os.environ.get("PACER_DB")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir
    return Path(user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME
