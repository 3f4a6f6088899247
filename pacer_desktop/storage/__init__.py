"""Local storage of every entry (SQLite through sqlite-utils).

The names below are loaded on first use so that importing ``pacer_desktop.storage.commands`` (which
every command line start does) does not load sqlite_utils.
"""

from __future__ import annotations

from .errors import (AppendOnlyViolation, CorruptDatabase, NewerDatabase, NotAPacerDatabase,
                     ReadOnlyDatabase, StorageError)
from .location import default_db_path

_FROM_STORE = ("Store", "User", "PatientRecord", "EntryRecord", "KINDS", "ROLES")

__all__ = ["AppendOnlyViolation", "CorruptDatabase", "NewerDatabase", "NotAPacerDatabase",
           "ReadOnlyDatabase", "StorageError", "default_db_path", *_FROM_STORE]


def __getattr__(name: str):
    if name in _FROM_STORE:
        from . import store
        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
