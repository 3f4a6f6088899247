"""The audit chain: every stored row is inserted with its audit row in the same transaction.

Each audit row holds the SHA-256 of the row it records, the SHA-256 of the audit row before it
(so the rows form a chain from :data:`GENESIS`), its own SHA-256, and an HMAC of that under this
installation's key (:mod:`.keys`), which someone holding only the database file cannot recompute.
Both functions run inside the caller's write transaction; times come from the caller's clock.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from ..core.errors import CaseError
from . import keys, limits, schema

if TYPE_CHECKING:
    from .store import User

GENESIS = "0" * 64


def canonical(row: dict) -> str:
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def as_first_written(table: str, row: dict) -> dict:
    """``row`` without the columns a later migration added, when they are empty (schema.ADDED_COLUMNS)."""
    added = schema.ADDED_COLUMNS.get(table, ())
    if any(row.get(name) is not None for name in added):
        return row
    return {k: v for k, v in row.items() if k not in added}


def stamp(at: datetime) -> str:
    """A time as the audit log and ``entered_at`` write it."""
    return at.isoformat(timespec="microseconds")


def insert_row(conn: sqlite3.Connection, user: User, table: str, values: dict, at: datetime) -> tuple[int, str]:
    """Insert one attributed row; returns its id and the SHA-256 its audit row records.

    Every text a person typed is held to its limit here, the one door every row goes through."""
    if too_long := limits.problems(values):
        raise CaseError(too_long)
    row = {**values, "entered_by": user.initials, "role": user.role,
           "workstation": user.workstation, "entered_at": stamp(at)}
    names = list(row)
    cur = conn.execute(
        f"INSERT INTO {table} ({', '.join(f'[{n}]' for n in names)}) VALUES ({', '.join('?' * len(names))})",
        [row[n] for n in names])
    row_id = cur.lastrowid
    return row_id, sha256(canonical({"id": row_id, **row}))


def append(conn: sqlite3.Connection, user: User, action: str, table: str | None, row_id: int | None,
           content_sha256: str | None, *, at: datetime, key: bytes) -> None:
    """Append one audit row to the chain, signed with ``key`` (:func:`.keys.mac`)."""
    last = conn.execute("SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    entry = {"id": (last[0] + 1) if last else 1, "at": stamp(at),
             "entered_by": user.initials, "role": user.role, "workstation": user.workstation,
             "action": action, "table_name": table, "row_id": row_id,
             "content_sha256": content_sha256, "prev_sha256": last[1] if last else GENESIS}
    entry["sha256"] = sha256(canonical(entry))
    entry["hmac"] = keys.mac(key, entry["sha256"])
    names = list(entry)
    conn.execute(f"INSERT INTO audit_log ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                 [entry[n] for n in names])
