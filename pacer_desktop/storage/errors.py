"""Storage errors: each carries a message a nurse or pharmacist can act on.

Kept free of SQLite imports so the command line can recognise them without loading sqlite_utils.
"""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot do what was asked; ``str(error)`` is the user-facing message."""


class RequestError(StorageError):
    """What was asked names something the database does not hold, or holds already (an MRN, a
    study ID), or a file that is not a PACER database: the command line's input error (exit 2)."""


class NotAPacerDatabase(RequestError):
    """The file exists but is not a PACER database (empty, another program's file, random bytes)."""


class NewerDatabase(StorageError):
    """The file was written by a newer version of the application."""


class CorruptDatabase(StorageError):
    """The file is a damaged PACER database (truncated, failed integrity check)."""


class ReadOnlyDatabase(RequestError):
    """The file cannot be written (permissions or a read-only medium): like a file that is not a
    PACER database, something given that the command cannot use (exit 2)."""


class AppendOnlyViolation(StorageError):
    """Something tried to change or delete a stored clinical row."""


def missing_database(path) -> RequestError:
    """No database file at ``path``, for a command that only uses an existing one (a typo in
    --db must not start a new, empty database)."""
    return RequestError(f"no database at {path}: check the path given with --db (or PACER_DB);"
                        " `pacer-desktop users init` starts a new one; nothing was created")
