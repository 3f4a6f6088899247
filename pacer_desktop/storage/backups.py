"""Backups and restores: SQLite's backup API into a folder beside the database, one copy a day
(kept ``keep_backups`` deep), the full ``quick_check`` before each daily copy, and a restore that
replaces the contents and records itself in one transaction.

A copy's age is read from the time stamp in its name, written with the store's clock (never from
the file's modification time, which the file system stamps with its own clock).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from . import audit, files, keys, schema
from .opening import BUSY_TIMEOUT_S, readonly
from .errors import CorruptDatabase, RequestError, StorageError

if TYPE_CHECKING:
    from .store import Store, User

BACKUP_EVERY = timedelta(hours=24)


def age(store: Store, copy: Path) -> timedelta:
    """How old a copy is by the store's clock, from the stamp in its name (its modification time
    only for a file named otherwise)."""
    found = re.search(r"-(\d{8}T\d{12}Z)", copy.name)
    if found:
        made = datetime.fromisoformat(found.group(1))
    else:
        made = datetime.fromtimestamp(copy.stat().st_mtime, UTC)
    return store.clock() - made



def backup(store: Store, dest_dir: Path | None = None, *, tag: str = "") -> Path:
    """Copy the database with SQLite's backup API; returns the new file.

    Into the default folder, the oldest copies beyond ``keep_backups`` are removed, and so is
    what a copy cut short (the process killed) left behind, once it is a day old: no copy
    takes that long, so it is no longer being written.
    """
    folder = Path(dest_dir) if dest_dir else store.backups_dir
    folder.mkdir(parents=True, exist_ok=True)
    stamp = store.clock().strftime(files.STAMP_FORMAT)
    dest = folder / f"{store.path.stem}-{stamp}{'-' + tag if tag else ''}.sqlite3"
    copy_to(store, dest)
    from . import anchors  # with the copy, after the window is shown
    dest = anchors.name_with_chain(dest)  # the chain's length and head, outside the database
    if dest_dir is None and store.keep_backups > 0:
        for old in backup_files(store)[:-store.keep_backups]:
            old.unlink(missing_ok=True)
        for cut_short in folder.glob(f"{store.path.stem}-*.sqlite3.partial"):
            with contextlib.suppress(OSError):
                if age(store, cut_short) > BACKUP_EVERY:
                    cut_short.unlink()
    return dest

def copy_to(store: Store, dest: Path, *, exclusive: bool = False) -> Path:
    """A consistent copy of what is committed, read through a connection of its own; returns
    the copy. ``exclusive``: ``dest`` only names the folder, stem and suffix, and the copy gets
    a name no file has (never overwrites, :func:`files.place_exclusively`).

    The copy is one backup step, so one read transaction: with the database in WAL mode,
    writes (from this store or another process) go on meanwhile and are simply not in it.
    """
    tmp = dest.with_name(f"{dest.name}.{os.getpid()}.{threading.get_ident()}.partial" if exclusive
                         else dest.name + ".partial")
    source = sqlite3.connect(f"file:{quote(str(store.path.absolute()))}?mode=ro", uri=True,
                             timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    try:
        target = sqlite3.connect(str(tmp))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
            source.close()
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
    except (sqlite3.DatabaseError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        if files.is_disk_full(exc, dest.parent):
            raise files.disk_full(dest.parent, f"write the copy {dest.name}") from None
        raise
    if exclusive:
        return files.place_exclusively(tmp, dest.parent, dest.stem, dest.suffix, at=store.clock())
    os.replace(tmp, dest)
    files.fsync_dir(dest.parent)
    return dest

def backup_files(store: Store) -> list[Path]:
    if not store.backups_dir.is_dir():
        return []
    return sorted(store.backups_dir.glob(f"{store.path.stem}-*.sqlite3"))

def daily_backup(store: Store) -> Path | None:
    """A copy into the backups folder unless the newest is less than a day old (or copies are
    turned off); returns the new file. Safe from any thread, and it never holds up the store's
    reads and writes (:func:`copy_to`).

    The full ``quick_check`` runs here, not on opening (its cost grows with the file): before
    each copy, and on the first call after the window opened the store (``daily_backup=False``). A damaged file raises
    :class:`CorruptDatabase` and is not copied, so the good copies already made are kept.
    """
    files_ = backup_files(store) if store.keep_backups > 0 else []
    due = store.keep_backups > 0 and not (
        files_ and age(store, files_[-1]) < BACKUP_EVERY)
    if due or store._check_pending:
        check(store)
    if not due:
        return None
    return backup(store)

def check(store: Store) -> None:
    """SQLite's ``quick_check`` over the whole file, on a read-only connection of its own (so
    entries go on being saved meanwhile); raises :class:`CorruptDatabase` when it fails."""
    from . import checkup  # SQLite's full check, with the daily copy (after the window is shown)
    result = checkup.quick_check(store.path)
    store._check_pending = False
    if result != ["ok"]:
        raise CorruptDatabase(files.damaged(store.path, f"integrity check: {result[0]}")
                              + " No backup was made today, so the earlier copies are kept.")

_FIRST_AUDIT_ROW = "SELECT sha256 FROM audit_log ORDER BY id LIMIT 1"


def restore_refusal(store: Store, source: Path) -> str | None:
    """Why ``source`` is not a copy of this database, or None when it is. Every copy of a
    database begins its audit log with the same row as the database; a copy of another one (the
    training database's, another ward's) passes every check of verify-db, yet restoring it would
    put that database's patients in place of this one's. A log still empty tells nothing: None."""
    with store._lock:
        mine = store._conn.execute(_FIRST_AUDIT_ROW).fetchone()
    try:
        conn = readonly(Path(source))
        try:
            theirs = conn.execute(_FIRST_AUDIT_ROW).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # not a PACER backup at all: trusted_backup says so in its own words
        return None
    if mine is None or theirs is None or mine[0] == theirs[0]:
        return None
    return (f"{Path(source).name} is a copy of another PACER database, not of {store.path.name} (their audit"
            " logs begin with different entries; so does what this database held before another one was"
            " restored over it on purpose): restoring it would put that database's patients in place of this"
            " one's. Nothing was restored")


def restore_from(store: Store, user: User, source: Path, *, other_database: bool = False) -> Path:
    """Replace the contents with the backup ``source``; the current contents are first copied
    aside (never deleted, never over another copy). Returns the path of the copy set aside.
    A copy of another database is refused (:func:`restore_refusal`) unless ``other_database``.

    The backup must pass every check of verify-db first. It is copied into a new file beside
    the database, brought up to date, and its restore record appended there; that file then
    replaces the contents in one SQLite transaction, so the replacement and its record are
    one step: a restore cut short leaves the database as it was.
    """
    source = Path(source)
    from . import checkup
    checkup.trusted_backup(source)
    with files.restore_lock(store.path):
        if not other_database and (refusal := restore_refusal(store, source)):  # inside the lock: no
            raise RequestError(refusal)  # other restore can change this database between check and copy
        aside = copy_to(store, store.path.with_name(f"{store.path.stem}.before-restore.sqlite3"),
                              exclusive=True)
        prepared = prepare_restore(store.path, source, user, aside, clock=store.clock)
        try:
            src = readonly(prepared)
            try:
                with store._lock:
                    src.backup(store._conn)  # one step: one write transaction on the database
                    store._parts_cache.clear()
                    store._models.clear()
            finally:
                src.close()
        except sqlite3.OperationalError as exc:
            if files.is_disk_full(exc, store.path):
                raise files.disk_full(store.path, "restore the backup (the database is as it was)") from None
            raise StorageError(f"could not restore {source.name} ({exc}); the database is as it was,"
                               f" and a copy of it is in {aside}") from None
        finally:
            prepared.unlink(missing_ok=True)
    return aside


def prepare_restore(path: Path, source: Path, user: User, aside: Path, *, clock) -> Path:
    """A new file beside ``path`` holding ``source`` brought up to date with its restore record
    already in its audit log: putting it in place is then the one step that restores and records."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.restoring")
    tmp.unlink(missing_ok=True)
    src = readonly(source)
    conn = sqlite3.connect(str(tmp), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        src.backup(conn)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("BEGIN IMMEDIATE")
        if schema.pending_migrations(conn):
            schema.migrate(conn)
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        audit.append(conn, user, f"restore from {source.name} (previous contents kept in {aside.name})",
                     None, None, None, at=clock(), key=keys.own_key())
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        src.close()
        tmp.unlink(missing_ok=True)
        raise
    conn.close()
    src.close()
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    return tmp


def restore_over_damaged(path: Path, user: User, source: Path, *, clock) -> Path:
    """Restore ``source`` over a file SQLite cannot read: the damaged file (and its -wal) is copied
    aside byte for byte, never deleted; returns the copy's path."""
    path, source = Path(path), Path(source)
    from . import checkup
    checkup.trusted_backup(source)
    with files.restore_lock(path):
        aside = files.copy_bytes_aside(path)
        prepared = prepare_restore(path, source, user, aside, clock=clock)
        try:
            # The old -wal belongs to the damaged file: SQLite would lay it over the new one.
            for side in ("-wal", "-shm"):
                path.with_name(path.name + side).unlink(missing_ok=True)
            os.replace(prepared, path)
            files.fsync_dir(path.parent)
        finally:
            prepared.unlink(missing_ok=True)
    return aside
