"""Everything ``verify-db`` checks, on any connection: SQLite's integrity check, the append-only
triggers compared by their full SQL text, the audit log's hash chain, and every audited row against
the hash recorded when it was written.

The checks only read, so they run on a read-only connection (``verify-db``, a backup before it is
restored) as well as on the open store's own.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import sqlite3
from pathlib import Path

from . import schema

_GENESIS = "0" * 64


def problems(conn: sqlite3.Connection, *, integrity: bool = True, hmac: bool = True,
             restores: bool = True) -> list[str]:
    """Problems found in the database behind ``conn`` (empty: all well)."""
    found: list[str] = []
    if integrity:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            found += [f"integrity check: {line}" for line in check]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    found += trigger_problems(conn, applied_migrations(conn, tables))
    found += chain_problems(conn)[0]
    if hmac:
        found += seal(conn).problems
    if restores:
        from .anchors import check_restores
        found += check_restores(conn)[0]
    for table in schema.AUDITED_TABLES:
        if table in tables:
            found += table_problems(conn, table)
    if "users" in tables:  # issue 18: accounts change in place, each change audited with its hash
        from .accounts import problems as account_problems
        found += account_problems(conn)
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
        content = {k: v for k, v in row.items() if k not in ("sha256", "hmac")}  # hmac: never hashed
        if _sha256(_canonical(content)) != row["sha256"]:
            found.append(f"audit log row {row['id']}: its content does not match its hash (changed)")
            broken = True
        if not broken and intact_to == row["id"] - 1:
            intact_to = row["id"]
        prev, expected_id = row["sha256"], row["id"] + 1
    return found, intact_to


def table_problems(conn: sqlite3.Connection, table: str) -> list[str]:
    """Every row of ``table`` against the hash the audit log recorded when it was written. The rows
    and the audit log's records of them are read side by side in id order (the audit log's index on
    table and row), so memory does not grow with the file."""
    from .store import _as_first_written, _canonical, _sha256
    found: list[str] = []
    recorded = conn.cursor().execute(
        "SELECT row_id, content_sha256 FROM audit_log WHERE table_name = ? ORDER BY row_id", (table,))
    cur = conn.cursor().execute(f"SELECT * FROM [{table}] ORDER BY id")
    names = [d[0] for d in cur.description]
    record = next(recorded, None)
    for values in cur:
        row = dict(zip(names, values))
        while record is not None and record[0] < row["id"]:
            found.append(f"{table} row {record[0]}: recorded in the audit log but missing (deleted outside PACER)")
            record = next(recorded, None)
        if record is None or record[0] != row["id"]:
            found.append(f"{table} row {row['id']}: not in the audit log (added outside PACER)")
            continue
        want, record = record[1], next(recorded, None)
        if _sha256(_canonical(row)) != want and _sha256(_canonical(_as_first_written(table, row))) != want:
            found.append(f"{table} row {row['id']}: differs from what was recorded (changed outside PACER)")
    while record is not None:
        found.append(f"{table} row {record[0]}: recorded in the audit log but missing (deleted outside PACER)")
        record = next(recorded, None)
    return found


@dataclasses.dataclass
class Report:
    """What verify-db found: problems (the file was changed or damaged), what was checked, and
    the plain sentence when edits cannot be checked here (the key is not on this workstation)."""
    problems: list[str]
    checked: list[str]
    not_here: str


def report(conn: sqlite3.Connection, *, backups: Path | None = None, stem: str = "pacer",
           anchor: object = None) -> Report:
    """Every check of :func:`problems`, with the HMAC's coverage, the anchors of the backups in
    ``backups`` made since the last restore, and ``anchor`` (one read off paper) when given."""
    from . import anchors
    found = problems(conn, hmac=False, restores=False)
    sealed = seal(conn)
    found += sealed.problems
    checked = [sealed.coverage_text()]
    if backups is not None:
        cut, n = anchors.check_backups(conn, backups, stem)
        found += cut
        checked.append(f"the audit chain extends the chain of {n} backup(s) made since the last restore"
                       if not cut else f"anchors of {n} backup(s) made since the last restore checked")
    wrong, n = anchors.check_restores(conn)
    found += wrong
    if n:
        checked.append(f"{n} restore record(s) follow the chain of the backup each restored"
                       if not wrong else f"{n} restore record(s) checked against their backups")
    if anchor is not None:
        if p := anchors.problem(conn, anchor, f"anchor {anchor.length}:{anchor.head[:12]}…"):
            found.append(p)
        else:
            checked.append(f"the audit chain extends the anchor {anchor.length}:{anchor.head[:12]}…")
    if not found and (now := anchors.head_of(conn)) is not None:
        checked.append(f"anchor to write down: {now.length}:{now.head[:anchors.HEAD_CHARS]} (the audit chain's"
                       " length and head today; `verify-db --anchor` checks later that the chain still extends it)")
    return Report(found, checked, sealed.not_here_text())


# -- the HMAC (issue 17, point 8) ------------------------------------------------------------------

def _ranges(ids: list[int]) -> str:
    """``[3, 4, 5, 9]`` as "3 to 5, 9"."""
    parts: list[str] = []
    start = prev = None
    for i in ids + [None]:
        if start is not None and (i is None or i != prev + 1):
            parts.append(str(start) if start == prev else f"{start} to {prev}")
            start = None
        if i is not None and start is None:
            start = i
        prev = i
    return ", ".join(parts)


@dataclasses.dataclass
class Seal:
    """What the audit rows' HMACs say, checked with the keys on this workstation."""
    total: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    checked: list[int] = dataclasses.field(default_factory=list)
    unsigned: list[int] = dataclasses.field(default_factory=list)  # written before 0005_audit_hmac
    not_here: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # key id -> rows

    @property
    def checkable(self) -> bool:
        return not self.not_here

    def not_here_text(self) -> str:
        """The plain sentence when some rows' key is not on this workstation ("" when all are)."""
        return _not_here_sentence({kid: _ranges(ids) for kid, ids in self.not_here.items()})

    def coverage_text(self) -> str:
        signed = sorted(self.checked + [i for ids in self.not_here.values() for i in ids])
        if not signed:
            return (f"HMAC: none of the {self.total} audit rows is signed yet (written before the upgrade"
                    " that added the audit key); the next entry will be")
        text = f"HMAC: rows {signed[0]} to {signed[-1]} of {self.total} are signed"
        if self.checked:
            text += f", {len(self.checked)} checked with this workstation's keys"
        if signed[0] > 1:
            text += (f" (rows 1 to {signed[0] - 1} were written before the upgrade that added the audit"
                     f" key; row {signed[0]}'s signature covers their hash chain)")
        return text


def seal(conn: sqlite3.Connection, known: dict[str, bytes] | None = None) -> Seal:
    """Check every audit row's HMAC whose key is here; note the rows whose key is not."""
    from . import keys
    if "hmac" not in {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")}:
        n = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        return Seal(total=n, unsigned=list(range(1, n + 1)))
    if known is None:
        known = keys.known_keys()
    result = Seal()
    bad: list[int] = []
    removed: list[int] = []
    seen_signed = False
    for row_id, sha, value in conn.execute("SELECT id, sha256, hmac FROM audit_log ORDER BY id"):
        result.total += 1
        if value is None:
            (removed if seen_signed else result.unsigned).append(row_id)
            continue
        seen_signed = True
        kid = value.split(":", 1)[0]
        key = known.get(kid)
        if key is None:
            result.not_here.setdefault(kid, []).append(row_id)
        elif keys.mac_ok(key, sha, value):
            result.checked.append(row_id)
        else:
            bad.append(row_id)
    if bad:
        result.problems.append(
            f"audit log rows {_ranges(bad)}: their HMAC does not match (a row was changed outside PACER"
            " and its hashes recomputed; the first of these rows, or an entry it records, is where)")
    if removed:
        result.problems.append(f"audit log rows {_ranges(removed)}: their HMAC was removed (changed outside PACER)")
    return result


def key_status(conn: sqlite3.Connection) -> str:
    """Whether the keys of the signed rows are here, without checking each HMAC (for the window):
    "" when they are, else :meth:`Seal.not_here_text`."""
    from . import keys
    if "hmac" not in {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")}:
        return ""
    known = keys.known_keys()
    missing: dict[str, str] = {}
    for kid, first, last in conn.execute(
            f"SELECT substr(hmac, 1, {keys.KEY_ID_CHARS}) AS kid, min(id), max(id) FROM audit_log"
            " WHERE hmac IS NOT NULL GROUP BY kid ORDER BY min(id)"):
        if kid not in known:
            missing[kid] = str(first) if first == last else f"{first} to {last}"
    text = _not_here_sentence(missing)
    if not text:
        return ""
    return "cannot be checked here: " + text.removeprefix("edits cannot be checked here: ")


def _not_here_sentence(rows_by_key: dict[str, str]) -> str:
    if not rows_by_key:
        return ""
    rows = "; ".join(f"rows {r} (key {kid})" for kid, r in rows_by_key.items())
    return ("edits cannot be checked here: the audit key that signed " + rows + " is not on this"
            " workstation (the database was moved or restored from elsewhere). Until an administrator"
            " imports it (`pacer-desktop key export --out FILE` on the workstation that wrote them,"
            " then `pacer-desktop key import FILE` here), a change made with the sqlite3 program and"
            " every hash recomputed would not be seen.")
