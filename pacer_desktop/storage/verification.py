"""Everything ``verify-db`` checks, on any connection: SQLite's integrity check, the append-only
triggers compared by their full SQL text, the audit log's hash chain and its HMACs (see below), and
every audited row against the hash recorded when it was written.

The checks only read, so they run on a read-only connection (``verify-db``, a backup before it is
restored) as well as on the open store's own.

Speed (issue 17: a ward's file, 1.7 million rows, is checked in a few seconds): SQLite itself writes
each row as the canonical JSON text the store hashed (``json_object`` with the keys in sorted order,
the same text as ``audit.canonical``), so Python only hashes bytes and compares; a row whose text
does not match is checked again the store's own way (``_canonical``) before it is called changed, and
where SQLite cannot write the text (no JSON functions, a BLOB in a row) every row is. One pass over
the audit log checks the chain and the newest row signed by each key, whose HMAC vouches for every
row before it; only when something is wrong is every row's HMAC computed, to name each row that
fails (docs/integrity.md: what this leaves out). Nothing is kept per row, and a large file's rows
are checked on two cores (``shares``: the rows from one id on in a second process).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac as _hmac
import re
import sqlite3
from pathlib import Path

from . import anchors, schema, shares
from .anchors import check_restores
from .audit import as_first_written, canonical, sha256
from .seals import Runs, Seal, known_keys, mac_states, well_signed


_GENESIS = "0" * 64
_NOT_HASHED = ("sha256", "hmac")  # an audit row's own hash and its HMAC are never part of its hash


@dataclasses.dataclass
class _Parts:
    """Each check's findings, so that :func:`problems` and :func:`report` list them in their order."""
    first: list[str]  # integrity check, triggers, chain
    sealed: Seal | None
    restores: list[tuple]  # the restore records: (id, action, prev_sha256, at), in id order
    tables: list[str]


def _check(conn: sqlite3.Connection, *, integrity: bool, hmac: bool, share: bool = False) -> _Parts:
    beside = shares.IntegrityBeside(conn) if integrity else None
    split = shares.Split()
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        known = known_keys() if hmac else None
        if share and "audit_log" in tables:  # the rows from an id on in a second process (shares)
            split = shares.start(conn, known, ["audit_log", *(t for t in schema.AUDITED_TABLES if t in tables)])
        first = trigger_problems(conn, applied_migrations(conn, tables))
        audit = _audit_begin(conn, known, split)
        table_rows = [_table_begin(conn, table, split) for table in schema.AUDITED_TABLES if table in tables]
        chain, _, sealed, restores = audit()
        first += chain
        rows = [text for parts in table_rows for part in parts() for text in part]
        if "users" in tables:  # issue 18: accounts change in place, each change audited with its hash
            from .accounts import problems as account_problems
            rows += account_problems(conn)
    except BaseException:
        if beside is not None:
            beside.result()  # a damaged file: SQLite's own error comes first, as before
        raise
    finally:
        split.close()
    return _Parts((beside.result() if beside else []) + first, sealed, restores, rows)


def problems(conn: sqlite3.Connection, *, integrity: bool = True, hmac: bool = True,
             restores: bool = True) -> list[str]:
    """Problems found in the database behind ``conn`` (empty: all well)."""
    parts = _check(conn, integrity=integrity, hmac=hmac)
    restored = check_restores(conn, parts.restores)[0] if restores else []
    return parts.first + (parts.sealed.problems if parts.sealed else []) + restored + parts.tables


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


# -- rows against their hashes, the way SQLite writes them --------------------------------------

def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]


def _canonical_sql(columns: list[str]) -> str:
    """SQL for a row as ``audit.canonical`` writes it (keys sorted, compact, non-ASCII as is), as
    UTF-8 bytes. Column names come from the file, so they are quoted as names and as strings."""
    pairs = ", ".join("'{}', \"{}\"".format(c.replace("'", "''"), c.replace('"', '""')) for c in sorted(columns))
    return f"CAST(json_object({pairs}) AS BLOB)"


@functools.cache
def _sqlite_writes_json() -> bool:
    try:
        return sqlite3.connect(":memory:").execute("""SELECT json_object('a', 'é"\n', 'b', 1, 'c', NULL)""")\
            .fetchone()[0] == '{"a":"é\\"\\n","b":1,"c":null}'
    except sqlite3.Error:
        return False


def _fast_then_store_s_way(check):
    """``check(fast=True)``, or ``check(fast=False)`` when SQLite cannot write the text (no JSON
    functions, too many columns, a BLOB in a row: an error, never a wrong text)."""
    if _sqlite_writes_json():
        try:
            return check(fast=True)
        except sqlite3.OperationalError:
            pass  # run again the store's own way; a damaged file raises there as well
    return check(fast=False)


def _row(conn: sqlite3.Connection, table: str, rowid: int) -> dict:
    cur = conn.execute(f"SELECT * FROM [{table}] WHERE rowid = ?", (rowid,))
    return dict(zip([d[0] for d in cur.description], cur.fetchone()))


def _store_s_hash(row: dict) -> str | None:
    """The hash the store would record for ``row``; None for a value it never writes (a BLOB put in
    with the sqlite3 program), so that the row is reported as changed rather than stopping the check."""
    try:
        return sha256(canonical(row))
    except (TypeError, ValueError):
        return None


def chain_problems(conn: sqlite3.Connection) -> tuple[list[str], int]:
    """Problems of the audit log's hash chain, and the last row id up to which it is intact."""
    found, intact_to, _, _ = _audit_pass(conn, None)
    return found, intact_to


def _audit_pass(conn: sqlite3.Connection, known: dict[str, bytes] | None,
                split: shares.Split | None = None) -> tuple[list[str], int, Seal | None, list[tuple]]:
    """The audit log in id order (in two ranges, one in a second process, with ``split``): the hash
    chain and, when ``known`` (keys by id) is given, the HMACs (read again in this process, every
    row's HMAC computed, when anything is wrong: :func:`seals.well_signed`). Returns the
    chain's problems, the last id up to which it is intact, what the HMACs say (None without
    ``known``) and the restore records (id, action, prev_sha256, at) in id order."""
    return _audit_begin(conn, known, split)()


def _audit_begin(conn: sqlite3.Connection, known: dict[str, bytes] | None, split: shares.Split | None):
    """:func:`_audit_pass`, begun (``shares.Split.begin``): this process's range is checked now."""
    columns = _columns(conn, "audit_log")
    later = (split or shares.Split()).begin("audit_log", lambda bounds: audit_part(conn, known, bounds, columns))

    def result() -> tuple[list[str], int, Seal | None, list[tuple]]:
        parts = later()
        if known is not None and "hmac" in columns and any(part["newest"] for part in parts) \
                and not well_signed(parts, known):
            # Something is wrong: every row's own HMAC, so that the report names each row that fails.
            parts = [_fast_then_store_s_way(functools.partial(_audit_rows, conn, columns, known, every_mac=True))]
        return (*shares.chain_and_seal(parts, known, "hmac" in columns),
                [tuple(row) for part in parts for row in part["restores"]])
    return result


def audit_part(conn: sqlite3.Connection, known: dict[str, bytes] | None, bounds: tuple,
               columns: list[str] | None = None) -> dict:
    """The audit rows in ``bounds`` (see :func:`_audit_rows`); also what the second process runs."""
    columns = columns or _columns(conn, "audit_log")
    return _fast_then_store_s_way(functools.partial(_audit_rows, conn, columns, known, bounds=bounds))


def _audit_rows(conn: sqlite3.Connection, columns: list[str], known: dict[str, bytes] | None, *,
                fast: bool, bounds: tuple = (None, None), every_mac: bool = False) -> dict:
    """The audit rows with ``bounds[0] <= id < bounds[1]`` (None: no bound) as :func:`_audit_pass`
    checks them, starting from the row before as the pass over all rows would: what they say, to be
    put together with the other ranges' by :func:`shares.chain_and_seal`. Each row's HMAC is checked
    only with ``every_mac``; otherwise the newest row of each key is returned, for
    :func:`seals.well_signed`."""
    sha256, compare = hashlib.sha256, _hmac.compare_digest
    signed = "hmac" in columns
    sealing = known is not None and signed
    macs = mac_states(known) if sealing else {}
    checked, unsigned, bad, removed, not_here, newest = Runs(), Runs(), Runs(), Runs(), {}, {}
    ok = checked.add
    seen_signed, prefix, inner, outer = False, None, None, None
    prev, expected_id, first_break, total = _GENESIS, 1, None, 0
    where, args = shares.between("id", bounds)
    if bounds[0] is not None:  # carry on from the row before, as if every row before had been read
        before = conn.execute("SELECT id, sha256 FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1",
                              (bounds[0],)).fetchone()
        if before is not None:
            prev, expected_id = before[1], before[0] + 1
        seen_signed = sealing and conn.execute("SELECT EXISTS (SELECT 1 FROM audit_log WHERE id < ? AND hmac IS"
                                               " NOT NULL)", (bounds[0],)).fetchone()[0] == 1
    text = _canonical_sql([c for c in columns if c not in _NOT_HASHED]) if fast else "NULL"
    # The restore records come with this pass (a flag per row) rather than a scan of their own.
    # sha256 and hmac as text: a BLOB put there with the sqlite3 program is then a mismatch, not an error
    mac = "CAST(hmac AS TEXT)" if signed else "NULL"
    cur = conn.execute(f"SELECT rowid, id, prev_sha256, CAST(sha256 AS TEXT), {mac}, {text},"
                       f" action LIKE 'restore from %' FROM audit_log {where} ORDER BY id", args)
    found: list[str] = []
    restores: list[int] = []
    for rowid, row_id, prev_sha, row_sha, value, content, restore in cur:  # 843,000 times on a ward's file: lean
        total += 1
        if (row_id != expected_id or prev_sha != prev or content is None or sha256(content).hexdigest() != row_sha) \
                and _audit_row_broken(conn, found, rowid, row_id, prev_sha, row_sha, expected_id, prev) \
                and first_break is None:
            first_break = expected_id - 1  # the chain is intact up to the row before
        prev, expected_id = row_sha, row_id + 1
        if restore:
            restores.append(rowid)
        if not sealing:
            continue
        # The HMAC, as keys.mac_ok checks it, from each key's hash states made once (mac_states).
        if value is None:
            (removed.add if seen_signed else unsigned.add)(row_id)
            continue
        seen_signed = True
        if prefix is None or not value.startswith(prefix):  # not the previous row's key
            states = macs.get(value.split(":", 1)[0])
            if states is None:
                not_here.setdefault(value.split(":", 1)[0], Runs()).add(row_id)
                continue
            prefix, inner, outer = states
        if not every_mac:
            newest[prefix] = row_id, row_sha, value
            ok(row_id)  # vouched for by the newest row's HMAC, which seals.well_signed checks
            continue
        h = inner.copy()
        h.update(row_sha.encode("ascii"))
        mac = outer.copy()
        mac.update(h.digest())
        if compare(mac.hexdigest(), value[len(prefix):]):
            ok(row_id)
        else:
            bad.add(row_id)
    return {"found": found, "first_break": first_break, "end": expected_id - 1, "total": total, "checked": checked,
            "unsigned": unsigned, "bad": bad, "removed": removed, "not_here": not_here,
            "newest": {prefix[:-1]: list(row) for prefix, row in newest.items()},
            "restores": [conn.execute("SELECT id, action, prev_sha256, at FROM audit_log WHERE rowid = ?",
                                      (rowid,)).fetchone() for rowid in restores]}


def _audit_row_broken(conn: sqlite3.Connection, found: list[str], rowid: int, row_id: int, prev_sha: str,
                      row_sha: str, expected_id: int, prev: str) -> bool:
    """An audit row that the quick test in ``_audit_rows`` did not pass, looked at closely: adds
    what is wrong to ``found``; False when its SQLite text only differed from the store's."""
    broken = False
    if row_id != expected_id:
        found.append(f"audit log: rows {expected_id} to {row_id - 1} are missing")
        broken = True
    if prev_sha != prev:
        found.append(f"audit log row {row_id}: does not follow the row before it (chain broken)")
        broken = True
    row = _row(conn, "audit_log", rowid)
    if _store_s_hash({k: v for k, v in row.items() if k not in _NOT_HASHED}) != row_sha:
        found.append(f"audit log row {row_id}: its content does not match its hash (changed)")
        broken = True
    return broken


def table_problems(conn: sqlite3.Connection, table: str, split: shares.Split | None = None) -> list[str]:
    """Every row of ``table`` against the hash the audit log recorded when it was written. The rows
    and the audit log's records of them are read side by side in id order (the audit log's index on
    table and row), so memory does not grow with the file. With ``split``, the rows from an id on
    are checked in a second process."""
    return [text for part in _table_begin(conn, table, split)() for text in part]


def _table_begin(conn: sqlite3.Connection, table: str, split: shares.Split | None):
    columns = _columns(conn, table)
    return (split or shares.Split()).begin(table, lambda bounds: table_part(conn, table, bounds, columns))


def table_part(conn: sqlite3.Connection, table: str, bounds: tuple, columns: list[str] | None = None) -> list[str]:
    """The rows of ``table`` with ``bounds[0] <= id < bounds[1]`` and the audit records of such ids."""
    columns = columns or _columns(conn, table)
    return _fast_then_store_s_way(functools.partial(_table_rows, conn, table, columns, bounds=bounds))


def _table_rows(conn: sqlite3.Connection, table: str, columns: list[str], *, fast: bool,
                bounds: tuple = (None, None)) -> list[str]:
    sha256 = hashlib.sha256
    # A row written before a migration added columns was hashed without them (schema.ADDED_COLUMNS).
    added = [c for c in schema.ADDED_COLUMNS.get(table, ()) if c in columns]
    full, first = "NULL", "NULL"
    if fast:
        full = _canonical_sql(columns)
        if added:
            empty = " AND ".join(f'"{c}" IS NULL' for c in added)
            first = f"CASE WHEN {empty} THEN {_canonical_sql([c for c in columns if c not in added])} END"
    found: list[str] = []
    where, args = shares.between("row_id", bounds)
    recorded = conn.cursor().execute(f"SELECT row_id, content_sha256 FROM audit_log WHERE table_name = ?"
                                     f" {where.replace('WHERE', 'AND')} ORDER BY row_id", (table, *args))
    where, args = shares.between("id", bounds)
    cur = conn.cursor().execute(f"SELECT rowid, id, {full}, {first} FROM [{table}] {where} ORDER BY id", args)
    record = next(recorded, None)
    for rowid, row_id, as_now, as_first in cur:
        while record is not None and record[0] < row_id:
            found.append(f"{table} row {record[0]}: recorded in the audit log but missing (deleted outside PACER)")
            record = next(recorded, None)
        if record is None or record[0] != row_id:
            found.append(f"{table} row {row_id}: not in the audit log (added outside PACER)")
            continue
        want, record = record[1], next(recorded, None)
        if as_now is not None and sha256(as_now).hexdigest() == want:
            continue
        if as_first is not None and sha256(as_first).hexdigest() == want:
            continue
        row = _row(conn, table, rowid)
        if _store_s_hash(row) != want and _store_s_hash(as_first_written(table, row)) != want:
            found.append(f"{table} row {row_id}: differs from what was recorded (changed outside PACER)")
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
           anchor: object = None, share: bool = False) -> Report:
    """Every check of :func:`problems`, with the HMAC's coverage, the anchors of the backups in
    ``backups`` made since the last restore, and ``anchor`` (one read off paper) when given. With
    ``share``, a large file's rows are checked on two cores (:mod:`shares`); the report is the same."""
    parts = _check(conn, integrity=True, hmac=True, share=share)
    sealed = parts.sealed
    found = parts.first + parts.tables + sealed.problems
    checked = [sealed.coverage_text()]
    if backups is not None:
        cut, n = anchors.check_backups(conn, backups, stem, parts.restores)
        found += cut
        checked.append(f"the audit chain extends the chain of {n} backup(s) made since the last restore"
                       if not cut else f"anchors of {n} backup(s) made since the last restore checked")
    wrong, n = check_restores(conn, parts.restores)
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
