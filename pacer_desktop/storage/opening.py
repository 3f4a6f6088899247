"""Opening the database file: the open check (what the file is, judged by SQLite on a read-only
connection, in a time that does not grow with the file), the read-only and the writing connection,
and the creation of a new database that never leaves a half-made file in place.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path
from urllib.parse import quote

from . import files, schema
from .errors import CorruptDatabase, NewerDatabase, NotAPacerDatabase, ReadOnlyDatabase

BUSY_TIMEOUT_S = 30.0
_SQLITE_MAGIC = b"SQLite format 3\x00"



def inspect(path: Path, *, need_write: bool = True, instead: str = "choose another file with --db") -> None:
    """Refuse a file that is not a readable PACER database of this version, writing nothing.

    The header is read as plain bytes to tell a foreign file from ours; whether ours is readable is
    judged by SQLite itself, through a read-only connection that reads the write-ahead log too
    (immutable when no WAL file exists, so no -wal/-shm file is created next to it). Sizes are never
    compared: a crash in the middle of a checkpoint leaves a main file shorter than its header says,
    and SQLite reads every entry from the -wal. The cost does not grow with the file: the full
    ``quick_check`` runs with the daily backup and in ``verify-db`` (issue 17).
    """
    if path.is_dir():
        raise NotAPacerDatabase(f"{path} is a folder, not a database file")  # the input: exit 2
    size = path.stat().st_size
    if size == 0:
        raise NotAPacerDatabase(f"{path} is empty: it is not a PACER database. PACER left it untouched;"
                                f" {instead}.")
    with path.open("rb") as f:
        header = f.read(100)
    if not header.startswith(_SQLITE_MAGIC):
        raise NotAPacerDatabase(f"{path} is not a PACER database (it is not an SQLite file)."
                                f" PACER left it untouched; {instead}.")
    if len(header) < 100:
        raise CorruptDatabase(files.damaged(path, f"only {size} bytes"))
    if int.from_bytes(header[68:72], "big") != schema.APPLICATION_ID:
        raise NotAPacerDatabase(f"{path} is an SQLite database of another program, not a PACER"
                                f" database. PACER left it untouched; {instead}.")
    if need_write:
        mode = path.stat().st_mode
        if not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise ReadOnlyDatabase(f"{path} is read-only, and PACER opens its database for writing, even to"
                                   " read or export it (SQLite's journal beside it, the audit log's record of"
                                   " prints and study exports). PACER left it untouched; make the file writable,"
                                   " or copy it to a folder you may write to and give the copy with --db.")
    try:
        conn = readonly(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            names = {r[0] for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'pacer'")} \
                if "_sqlite_migrations" in tables else set()
            for table in tables:  # the first and last row of each table: a few pages, whatever the size
                # (two queries: SQLite looks min() or max() up in the index only when it is alone)
                conn.execute(f"SELECT min(rowid) FROM [{table}]").fetchone()
                conn.execute(f"SELECT max(rowid) FROM [{table}]").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if files.is_disk_full(exc, path):
            raise files.disk_full(path, "open the database") from None
        raise CorruptDatabase(files.damaged(path, exc)) from None
    unknown = names - schema.known_migration_names()
    if version > schema.schema_version() or unknown:
        raise NewerDatabase(f"{path} was written by a newer version of PACER Desktop (schema"
                            f" {version}; this version knows {schema.schema_version()}). PACER left"
                            " it untouched; use the newer version.")


def readonly(path: Path) -> sqlite3.Connection:
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return sqlite3.connect(f"file:{quote(str(path.absolute()))}?{flags}", uri=True,
                           timeout=BUSY_TIMEOUT_S, check_same_thread=False)


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()  # e.g. a full disk: no connection left holding the file
        raise
    return conn


def create(path: Path) -> bool:
    """Build a new database beside ``path`` and link it into place; False if one appeared meanwhile.

    A crash leaves at most a stray ``*.creating`` file, never a half-made database at ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.creating")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        from sqlite_utils import Database
        db = Database(conn, execute_plugins=False)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        schema.migrations.apply(db)
        conn.execute(f"PRAGMA user_version = {schema.schema_version()}")
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    try:
        os.link(tmp, path)
        created = True
    except FileExistsError:
        created = False
    finally:
        tmp.unlink(missing_ok=True)
    files.fsync_dir(path.parent)
    return created
