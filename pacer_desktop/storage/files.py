"""The database as a file: a full disk told apart from damage, copies that never overwrite, one
restore at a time, checks that open the file read-only, and a restore over a damaged file.

What the file holds is judged by SQLite itself, through a read-only connection that reads the
write-ahead log too; sizes are never compared to decide (a crash in the middle of a checkpoint
leaves a main file shorter than its header says, and SQLite reads it perfectly from the -wal).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from .errors import StorageError


#: Below this much free space, an I/O error while writing is taken to be the disk being full.
FULL_BELOW_BYTES = 16 * 1024 * 1024


class DiskFull(StorageError):
    """The disk holding the database (or its copy) has no room left; nothing stored was lost."""


def _free_bytes(path: Path) -> int | None:
    folder = path if path.is_dir() else path.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def is_disk_full(exc: BaseException, path: Path) -> bool:
    """Whether ``exc`` (an SQLite or OS error) means the disk holding ``path`` is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return True
    text = str(exc).lower()
    if "disk is full" in text:
        return True
    if "disk i/o error" in text or isinstance(exc, OSError):
        free = _free_bytes(path)
        return free is not None and free < FULL_BELOW_BYTES
    return False


def disk_full(path: Path, doing: str) -> DiskFull:
    """The message for a full disk: say so, that nothing was lost, and what to free."""
    free = _free_bytes(path)
    left = f" ({free // (1024 * 1024)} MB left)" if free is not None else ""
    backups = path.parent / "backups"
    return DiskFull(
        f"The disk that holds {path} is full{left}, so PACER could not {doing}; nothing was lost:"
        " every entry saved before is still in the database. To go on, free some space on that disk (empty the"
        f" recycle bin, move old files, or move old copies out of {backups} to another drive; keep the"
        " newest), then try again.")


def damaged(path: Path, exc: BaseException | str) -> str:
    """The message for a file SQLite itself could not read."""
    wal = path.with_name(path.name + "-wal")
    detail = str(exc)
    try:
        with path.open("rb") as f:
            header = f.read(100)
        size = path.stat().st_size
        page_size = int.from_bytes(header[16:18], "big")
        pages = int.from_bytes(header[28:32], "big")
        if not wal.exists() and len(header) == 100 and size < pages * (65536 if page_size == 1 else page_size):
            # SQLite refused it; the sizes only explain why
            detail += f"; it is truncated ({size} of {pages * page_size} bytes)"
    except OSError:
        pass
    return (f"{path} is a damaged PACER database ({detail}). PACER left it untouched; restore a backup"
            " with `pacer-desktop restore` (the damaged file is kept aside), or recover what can still be"
            " read with `pacer-desktop salvage`.")


# -- copies that never overwrite -----------------------------------------------------------------

def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


#: The time stamp in the name of every copy (backups, copies set aside): UTC to the microsecond,
#: ISO 8601's basic format, e.g. ``20261201T104113123456Z``; ``datetime.fromisoformat`` reads it back.
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"


def place_exclusively(tmp: Path, folder: Path, stem: str, suffix: str, *, at: datetime | None = None) -> Path:
    """Link the finished file ``tmp`` into ``folder`` under a name no file has: ``stem``, a time
    stamp to the microsecond, and a counter if even that is taken (never overwrites)."""
    stamp = (at or datetime.now(UTC)).strftime(STAMP_FORMAT)
    for n in range(1, 1000):
        dest = folder / f"{stem}-{stamp}{'' if n == 1 else f'-{n}'}{suffix}"
        try:
            os.link(tmp, dest)
        except FileExistsError:
            continue
        tmp.unlink(missing_ok=True)
        fsync_dir(folder)
        return dest
    raise StorageError(f"could not find a free name for a copy in {folder}")


def copy_bytes_aside(path: Path) -> Path:
    """A byte-for-byte copy of ``path`` (and of its -wal, beside the copy) under a new name, for a
    file SQLite cannot read whole: the copy is exactly what was there."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.aside.partial")
    _copy_synced(path, tmp)
    aside = place_exclusively(tmp, path.parent, f"{path.stem}.before-restore", ".sqlite3")
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        _copy_synced(wal, aside.with_name(aside.name + "-wal"))
    return aside


def _copy_synced(source: Path, dest: Path) -> None:
    with source.open("rb") as src, dest.open("xb") as out:
        shutil.copyfileobj(src, out, 1024 * 1024)
        out.flush()
        os.fsync(out.fileno())


# -- one restore at a time -----------------------------------------------------------------------

@contextlib.contextmanager
def restore_lock(path: Path) -> Iterator[None]:
    """Hold the restore lock of the database at ``path``; a second restore meanwhile is refused
    with a clear message. The operating system drops the lock when the process ends."""
    lock = path.with_name(path.name + ".restore-lock")
    with lock.open("a+b") as f:
        try:
            _lock(f.fileno())
        except OSError:
            raise StorageError(f"another restore of {path} is under way (from this or another PACER"
                               " window or command); nothing was replaced. Wait for it to finish, check"
                               " the result, and restore again only if needed.") from None
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                _unlock(f.fileno())


def _lock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl
        fcntl.flock(fd, fcntl.LOCK_UN)
