"""Checking a PACER file on disk without writing to it: SQLite's quick check, everything
``verify-db`` checks on a read-only connection, and the check a backup passes before it may
replace anything (issue 17)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from . import files
from .errors import CorruptDatabase, RequestError, StorageError
from .opening import inspect, readonly


def quick_check(path: Path) -> list[str]:
    """SQLite's ``quick_check`` over the whole file on a read-only connection (``["ok"]``: well)."""
    try:
        conn = readonly(path)
        try:
            return [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def verify_file(path: Path, *, integrity: bool = True) -> list[str]:
    """Everything verify-db checks, on a read-only connection: the file is not changed."""
    from . import verification  # not for the daily quick check, which every start runs
    return _read_only(path, lambda conn: verification.problems(conn, integrity=integrity))


def verify_report(path: Path, *, anchor: object = None):
    """Everything verify-db checks and says (:func:`verification.report`), read-only; the anchors
    are those beside the backups in the ``backups`` folder next to ``path``. A large file's rows are
    checked on two cores (``shares``: a second process)."""
    from . import verification
    path = Path(path)
    return _read_only(path, lambda conn: verification.report(conn, backups=path.parent / "backups",
                                                              stem=path.stem, anchor=anchor, share=True))


def _read_only(path: Path, check):
    """``check(conn)`` on a read-only connection to the PACER database at ``path``, which must
    exist and pass the open check; SQLite's errors become the damaged-file message."""
    path = Path(path)
    if not path.exists():
        raise StorageError(f"{path}: no such file")
    inspect(path, need_write=False)
    conn = readonly(path)
    try:
        return check(conn)
    except sqlite3.DatabaseError as exc:
        raise StorageError(files.damaged(path, exc)) from None
    finally:
        conn.close()


def trusted_backup(source: Path) -> None:
    """Refuse a backup that fails any check of verify-db, before anything is replaced."""
    source = Path(source)
    if not source.exists():
        raise RequestError(f"{source}: no such file; nothing was replaced")
    instead = "choose another backup to restore"  # the file named is the problem, not --db
    try:
        inspect(source, need_write=False, instead=instead)
    except CorruptDatabase:
        raise RequestError(f"{source} is damaged (SQLite cannot read it whole), so it cannot be restored;"
                           f" nothing was replaced; {instead}.") from None
    found = verify_file(source)
    if found:
        shown = "; ".join(found[:5]) + (f"; and {len(found) - 5} more" if len(found) > 5 else "")
        raise StorageError(f"{source} fails verification ({len(found)} problem(s): {shown}), so it"
                           " cannot be trusted as a backup; nothing was replaced. Choose another backup"
                           " (`pacer-desktop --db FILE verify-db` checks one).")
