"""Anchors outside the database (issue 17, point 8): the audit chain's length and head (the last
row's id and hash), carried in every backup's file name (``pacer-<stamp>-chain-42-9f86d081884c7d65
.sqlite3``) and checkable against one read off paper (``verify-db --anchor 42:9f86d081884c7d65``).

The head is written with its first 16 hex digits (64 bits: short enough to copy by hand, far too
long to match by trying); one given with more digits is compared in full.

The database must extend every anchor taken since the last recorded restore: row LENGTH of its
audit log still has hash HEAD. Entries cut off the end, or a chain rewritten from an earlier row,
no longer do, even when every hash (and, with the key, every HMAC) was recomputed.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from glob import escape as glob_escape
from pathlib import Path

from .files import fsync_dir
from .opening import readonly

HEAD_CHARS = 16
_FORM = re.compile(r"([0-9]{1,18}):([0-9a-f]{16,64})")  # a length SQLite's whole numbers hold
_STAMP = re.compile(r"-[0-9]{8}T[0-9]{12}Z")
_NAME = re.compile(r"-([0-9]{8}T[0-9]{12}Z)-chain-([0-9]+)-([0-9a-f]{16,64})(?:-[^.]*)?\.sqlite3$")


@dataclass(frozen=True)
class Anchor:
    """The audit chain's length and head as it stood at a moment (a backup, a printout)."""
    length: int
    head: str

    def __str__(self) -> str:
        return f"{self.length}:{self.head}"


def parse(text: str) -> Anchor | None:
    """``LENGTH:HEAD`` (e.g. ``42:9f86d081884c7d65``, 16 to 64 hex digits of the last row's hash) as
    an :class:`Anchor`; None if not that form."""
    m = _FORM.fullmatch(text.strip().lower())
    return Anchor(int(m[1]), m[2]) if m and int(m[1]) > 0 else None


def head_of(conn: sqlite3.Connection) -> Anchor | None:
    row = conn.execute("SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return Anchor(row[0], row[1]) if row else None


def name_with_chain(copy: Path) -> Path:
    """Rename the new backup ``copy`` to carry its own chain's length and head; returns the new path."""
    conn = readonly(copy)
    try:
        anchor = head_of(conn)
    finally:
        conn.close()
    if anchor is None:
        return copy
    chain = f"-chain-{anchor.length}-{anchor.head[:HEAD_CHARS]}"
    named = copy.with_name(_STAMP.sub(lambda m: m[0] + chain, copy.name, count=1))
    if named == copy:
        return copy
    os.replace(copy, named)
    fsync_dir(named.parent)
    return named


def of_backups(folder: Path, stem: str) -> list[tuple[str, Anchor, datetime]]:
    """The anchors in the names of the backups of the database ``<stem>.sqlite3`` in ``folder``:
    (file name, anchor, when made). Another database's copies in the same folder are not its."""
    found = []
    if folder.is_dir():
        for file in sorted(folder.glob(f"{glob_escape(stem)}-*-chain-*.sqlite3")):
            if (m := _NAME.search(file.name)) and m.start() == len(stem):
                made_at = datetime.fromisoformat(m[1])
                found.append((file.name, Anchor(int(m[2]), m[3]), made_at))
    return found


_RESTORED = re.compile(r"^restore from \S*?-chain-([0-9]+)-([0-9a-f]{16,64})(?:-[^.\s]*)?\.sqlite3 ")


def restore_records(conn: sqlite3.Connection) -> list[tuple]:
    """The restore records, (id, action, prev_sha256, at) in id order (verify-db has them from its
    pass over the audit log)."""
    return conn.execute("SELECT id, action, prev_sha256, at FROM audit_log WHERE action LIKE 'restore from %'"
                        " ORDER BY id").fetchall()


def check_restores(conn: sqlite3.Connection, records: list[tuple] | None = None) -> tuple[list[str], int]:
    """Each restore record names the backup it restored, and so that backup's chain length and
    head: the record must follow exactly that row (row LENGTH, its hash starting with HEAD), else
    the chain before it was rewritten. Returns the problems and how many records were checked.
    ``records``: those of :func:`restore_records`, when already read."""
    found, checked = [], 0
    for row_id, action, prev, _ in restore_records(conn) if records is None else records:
        m = _RESTORED.match(action)
        if not m:
            continue  # a backup named before anchors were added: nothing to compare
        checked += 1
        length, head = int(m[1]), m[2]
        if row_id != length + 1 or not (prev or "").startswith(head):
            found.append(f"audit log row {row_id} (a restore): does not follow the backup it restored"
                         f" (row {length}, hash {head}…): the chain before it was rewritten (changed outside PACER)")
    return found, checked


def last_restore_at(conn: sqlite3.Connection) -> datetime | None:
    row = conn.execute("SELECT at FROM audit_log WHERE action LIKE 'restore from %' ORDER BY id DESC LIMIT 1").fetchone()
    return datetime.fromisoformat(row[0]) if row else None


def problem(conn: sqlite3.Connection, anchor: Anchor, what: str) -> str | None:
    """Why the database does not extend ``anchor`` (None: it does)."""
    row = conn.execute("SELECT sha256 FROM audit_log WHERE id = ?", (anchor.length,)).fetchone()
    if row is None:
        have = head_of(conn)
        return (f"{what}: the audit log had {anchor.length} rows then and has {have.length if have else 0}"
                " now: entries were cut off (changed outside PACER)")
    if not row[0].startswith(anchor.head):
        return (f"{what}: audit log row {anchor.length} is not the one it recorded: the chain was rewritten"
                " (changed outside PACER)")
    return None


def check_backups(conn: sqlite3.Connection, folder: Path, stem: str,
                  records: list[tuple] | None = None) -> tuple[list[str], int]:
    """Problems with the anchors of the backups in ``folder`` made since the last restore, and how
    many were checked. ``records``: those of :func:`restore_records`, when already read."""
    if records is None:
        since = last_restore_at(conn)
    else:
        since = datetime.fromisoformat(records[-1][3]) if records else None
    found, checked = [], 0
    for name, anchor, made_at in of_backups(folder, stem):
        if since is not None and made_at <= since:
            continue  # the restore replaced the chain those copies recorded
        checked += 1
        if p := problem(conn, anchor, f"backup {name}"):
            found.append(p)
    return found, checked
