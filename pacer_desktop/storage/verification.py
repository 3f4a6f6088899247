"""Everything ``verify-db`` checks, on any connection: SQLite's integrity check, the append-only
triggers compared by their full SQL text, the audit log's hash chain, and every audited row against
the hash recorded when it was written.

The checks only read, so they run on a read-only connection (``verify-db``, a backup before it is
restored) as well as on the open store's own.
"""

from __future__ import annotations

import functools
import re
import sqlite3

from . import schema

_GENESIS = "0" * 64


def problems(conn: sqlite3.Connection, *, integrity: bool = True) -> list[str]:
    """Problems found in the database behind ``conn`` (empty: all well)."""
    found: list[str] = []
    if integrity:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            found += [f"integrity check: {line}" for line in check]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    found += trigger_problems(conn, applied_migrations(conn, tables))
    found += chain_problems(conn)[0]
    for table in schema.AUDITED_TABLES:
        if table in tables:
            found += table_problems(conn, table)
    return found


def applied_migrations(conn: sqlite3.Connection, tables: set[str] | None = None) -> frozenset[str]:
    if tables is None:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "_sqlite_migrations" not in tables:
        return frozenset()
    return frozenset(r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (schema.migrations.name,)))


@functools.lru_cache(maxsize=8)
def expected_triggers(applied: frozenset[str]) -> dict[str, str]:
    """The triggers PACER's migrations write, by name, with their full SQL: the migrations that the
    file records as applied are run on an empty database in memory and their triggers read back."""
    from sqlite_utils import Database
    conn = sqlite3.connect(":memory:")
    try:
        db = Database(conn, execute_plugins=False)
        for step in schema.migrations._migrations:
            if step.name in applied:
                step.fn(db)
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    finally:
        conn.close()


def trigger_problems(conn: sqlite3.Connection, applied: frozenset[str]) -> list[str]:
    """Each trigger must be there with exactly the SQL PACER wrote: one with the right name that
    refuses nothing is as bad as none (issue 17, point 8)."""
    found: list[str] = []
    want = expected_triggers(applied)
    have = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    for name, sql in want.items():
        m = re.fullmatch(r"(\w+)_no_(update|delete)", name)
        if name not in have:
            if m:
                found.append(f"{m[1]}: the trigger that forbids {m[2].upper()} is missing"
                             " (the database was changed outside PACER)")
            else:
                found.append(f"trigger {name} is missing (the database was changed outside PACER)")
        elif have[name] != sql:
            found.append(f"trigger {name}: its SQL is not what PACER wrote, so it may no longer refuse"
                         " changes (the database was changed outside PACER)")
    for name in sorted(set(have) - set(want)):
        found.append(f"trigger {name}: not written by PACER (the database was changed outside PACER)")
    return found


def chain_problems(conn: sqlite3.Connection) -> tuple[list[str], int]:
    """Problems of the audit log's hash chain, and the last row id up to which it is intact."""
    from .store import _canonical, _sha256
    found: list[str] = []
    prev, expected_id, intact_to = _GENESIS, 1, 0
    cur = conn.execute("SELECT * FROM audit_log ORDER BY id")
    names = [d[0] for d in cur.description]
    for values in cur:
        row = dict(zip(names, values))
        broken = False
        if row["id"] != expected_id:
            found.append(f"audit log: rows {expected_id} to {row['id'] - 1} are missing")
            broken = True
        if row["prev_sha256"] != prev:
            found.append(f"audit log row {row['id']}: does not follow the row before it (chain broken)")
            broken = True
        content = {k: v for k, v in row.items() if k != "sha256"}
        if _sha256(_canonical(content)) != row["sha256"]:
            found.append(f"audit log row {row['id']}: its content does not match its hash (changed)")
            broken = True
        if not broken and intact_to == row["id"] - 1:
            intact_to = row["id"]
        prev, expected_id = row["sha256"], row["id"] + 1
    return found, intact_to


def table_problems(conn: sqlite3.Connection, table: str) -> list[str]:
    from .store import _as_first_written, _canonical, _sha256
    found: list[str] = []
    recorded = dict(conn.execute(
        "SELECT row_id, content_sha256 FROM audit_log WHERE table_name = ?", (table,)).fetchall())
    cur = conn.execute(f"SELECT * FROM [{table}] ORDER BY id")
    names = [d[0] for d in cur.description]
    for values in cur:
        row = dict(zip(names, values))
        want = recorded.pop(row["id"], None)
        if want is None:
            found.append(f"{table} row {row['id']}: not in the audit log (added outside PACER)")
        elif _sha256(_canonical(row)) != want and _sha256(_canonical(_as_first_written(table, row))) != want:
            found.append(f"{table} row {row['id']}: differs from what was recorded (changed outside PACER)")
    for row_id in sorted(recorded):
        found.append(f"{table} row {row_id}: recorded in the audit log but missing (deleted outside PACER)")
    return found
