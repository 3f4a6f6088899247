"""``pacer-desktop salvage DAMAGED --to NEW``: what SQLite can still read, into a new file.

The reading is SQLite's own, by the ``sqlite3`` program: its ``.recover`` (SQLite's recovery
extension, which also finds rows cut off from their table), or, where the program was built without
the page table ``.recover`` needs (Debian 12's is), its ``.dump``, which reads each table forwards
up to the damage and backwards from the end down to it. Python's ``sqlite3`` module has neither,
and PACER never reads pages itself. The damaged file is only read.

Then the audit chain is checked up to the damage, and for each table the report names the ids
that came back and the ids that were lost (row ids are handed out in order and rows are never
deleted, so every id up to the highest known one existed).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from . import schema
from .errors import NotAPacerDatabase, StorageError

_SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite3_program() -> str:
    """The ``sqlite3`` program: ``$PACER_SQLITE3``, beside the application (the bundle ships it),
    or on the PATH."""
    configured = os.environ.get("PACER_SQLITE3")
    if configured:
        return configured
    name = "sqlite3.exe" if os.name == "nt" else "sqlite3"
    if getattr(sys, "frozen", False):  # the bundle ships it (build_spec/pacer_desktop.spec)
        for folder in (Path(getattr(sys, "_MEIPASS", "")), Path(sys.executable).resolve().parent):
            if (folder / "sqlite_tools" / name).exists():
                return str(folder / "sqlite_tools" / name)
    found = shutil.which("sqlite3")
    if found:
        return found
    raise StorageError("salvage needs SQLite's own `sqlite3` program, and it was not found beside"
                       " PACER Desktop nor on the PATH. Install it (Debian or Ubuntu: `apt install"
                       " sqlite3`; Windows and macOS: the command-line tools from SQLite's download"
                       " page) or name it with PACER_SQLITE3, then run salvage again; nothing was written.")


@dataclasses.dataclass
class TableReport:
    """One table of a salvaged file: the row ids recovered, lost, and changed since recorded."""
    table: str
    recovered: list[int]
    lost: list[int]
    changed: list[int]


@dataclasses.dataclass
class SalvageReport:
    """What salvage recovered from a damaged file into a new one, and the audit chain up to the damage."""
    damaged: Path
    new: Path
    method: str
    chain_rows: int
    chain_intact_to: int
    chain_problems: list[str]
    tables: list[TableReport]
    lost_and_found: int

    def text(self) -> str:
        lines = [f"salvaged {self.damaged} into {self.new} with the sqlite3 program's {self.method}"]
        if self.method == ".dump":
            lines.append("(this sqlite3 program has no working .recover; .dump reads each table up to"
                         " the damage and back from its end, and may miss rows .recover would find)")
        if self.chain_problems:
            lines.append(f"audit chain: {self.chain_rows} rows recovered; intact and verified up to row"
                         f" {self.chain_intact_to}, then: " + "; ".join(self.chain_problems[:5]))
        else:
            lines.append(f"audit chain: all {self.chain_rows} recovered rows verified (rows 1 to"
                         f" {self.chain_intact_to})")
        for t in self.tables:
            line = f"{t.table}: {len(t.recovered)} recovered, {len(t.lost)} lost: " + (
                ", ".join(map(str, t.lost)) if t.lost else "none")
            if t.changed:
                line += "; damaged (not as recorded): " + ", ".join(map(str, t.changed))
            lines.append(line)
        if self.lost_and_found:
            lines.append(f"lost_and_found: {self.lost_and_found} rows SQLite found cut off from their table")
        lost = sum(len(t.lost) for t in self.tables)
        lines.append(f"total: {sum(len(t.recovered) for t in self.tables)} rows recovered, {lost} lost."
                     " Check the lost entries against paper records before the new file is used"
                     " (`pacer-desktop --db NEW verify-db` lists the same losses).")
        return "\n".join(lines)


def salvage(damaged: Path, new: Path) -> SalvageReport:
    damaged, new = Path(damaged), Path(new)
    if not damaged.is_file():
        raise StorageError(f"{damaged}: no such file")
    if new.exists():
        raise StorageError(f"{new} exists: salvage writes only a new file; choose another name."
                           " Nothing was written.")
    with damaged.open("rb") as f:
        header = f.read(100)
    if not header.startswith(_SQLITE_MAGIC) or int.from_bytes(header[68:72], "big") != schema.APPLICATION_ID:
        raise NotAPacerDatabase(f"{damaged} is not a PACER database; nothing was written.")
    user_version = int.from_bytes(header[60:64], "big")
    program = sqlite3_program()
    sql, method = _read(program, damaged)
    tmp = new.with_name(f"{new.name}.{os.getpid()}.salvaging")
    tmp.unlink(missing_ok=True)
    try:
        done = subprocess.run([program, str(tmp)], input=sql, capture_output=True, text=True)
        if not tmp.exists():
            raise StorageError(f"salvage could not write {new}: {done.stderr.strip()}")
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {user_version}")
            conn.execute("PRAGMA journal_mode = DELETE")
            report = _report(conn, damaged, new, method)
        finally:
            conn.close()
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        try:
            os.link(tmp, new)
        except FileExistsError:
            raise StorageError(f"{new} appeared meanwhile; nothing was written over it.") from None
    finally:
        tmp.unlink(missing_ok=True)
    return report


def _read(program: str, damaged: Path) -> tuple[str, str]:
    """The SQL that rebuilds what SQLite can read, and the dot command that gave it."""
    recover = subprocess.run([program, "-readonly", str(damaged), ".recover"], capture_output=True, text=True)
    if recover.returncode == 0 and "sql error" not in recover.stderr and "INSERT" in recover.stdout:
        return recover.stdout, ".recover"
    dump = subprocess.run([program, "-readonly", str(damaged), ".dump"], capture_output=True, text=True)
    if "CREATE TABLE" not in dump.stdout:
        raise StorageError(f"SQLite could read nothing from {damaged} ({(dump.stderr or recover.stderr).strip()});"
                           " nothing was written. Restore a backup with `pacer-desktop restore`.")
    sql = dump.stdout
    # .dump ends a damaged file's output with ROLLBACK, which would throw away what it read
    tail = "ROLLBACK; -- due to errors"
    if tail in sql:
        sql = sql.replace(tail, "COMMIT;")
    return sql, ".dump"


def _report(conn: sqlite3.Connection, damaged: Path, new: Path, method: str) -> SalvageReport:
    from . import verification
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    chain_problems, intact_to, chain_rows = [], 0, 0
    if "audit_log" in tables:
        chain_problems, intact_to = verification.chain_problems(conn)
        chain_rows = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    reports = []
    for table in schema.AUDITED_TABLES:
        if table not in tables:
            continue
        present = [r[0] for r in conn.execute(f"SELECT id FROM [{table}] ORDER BY id")]
        recorded = set()
        if "audit_log" in tables:
            recorded = {r[0] for r in conn.execute(
                "SELECT row_id FROM audit_log WHERE table_name = ? AND row_id IS NOT NULL", (table,))}
        highest = max([*present, *recorded], default=0)
        lost = sorted(set(range(1, highest + 1)) - set(present))
        changed = sorted({int(p.split(" row ")[1].split(":")[0]) for p in verification.table_problems(conn, table)
                          if "differs from what was recorded" in p})
        reports.append(TableReport(table, present, lost, changed))
    found = conn.execute("SELECT count(*) FROM lost_and_found").fetchone()[0] if "lost_and_found" in tables else 0
    return SalvageReport(damaged, new, method, chain_rows, intact_to, chain_problems, reports, found)
