"""Storage benchmark (issues 3 and 17): a ward's file, each figure beside plain ``sqlite3`` doing
the same work in the same run.

    .venv/bin/python benchmarks/storage.py --db /tmp/vs/ward.sqlite3   # builds it once, then reuses it
    .venv/bin/python benchmarks/storage.py --patients 20 --heavy 2    # a quick run in a temporary folder

The ward: 1,000 patients × 30 days of hourly temperatures and four CRS/ICANS assessments a day, each
patient stored with ``import-case`` (one transaction, validated by the engine, audited). Beside it a
small file (2 patients, about 1 MB) and a copy of the ward that plain sqlite3 writes into (so the
ward's audit chain stays whole). The audit key lives in ``config/`` beside the file.

Each measurement alternates PACER and plain sqlite3 within every repeat, so both meet the same load
(other people's work on a shared machine moves the figures: the load average is printed), and is
given as min / median / max with the ratio of the medians:
- open: ``Store.open`` against ``sqlite3.connect`` and reading the schema, on the ward and the small file;
- load one patient's case: ``Store.case_for`` against a SELECT of the same rows;
- append one temperature with synchronous=FULL: ``add_temperature`` (which evaluates the whole case)
  and the store's write alone, against BEGIN IMMEDIATE, the same two rows (entry and audit row), COMMIT;
- export every case as JSON (``export-case --all``) against a SELECT of the same rows written as JSON;
- ``verify-db`` (everything it checks) against ``PRAGMA integrity_check``, wall and CPU time (the CPU
  time of the processes each starts and waits for included: verify-db checks a large file on two
  cores), and each one's peak memory in a process of its own (and in verify-db's second process).

``--only verify`` measures verify-db alone (for trying changes to it; the full run once at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DAYS = 30
_EXPORTED = ("patient_versions", "weights", "temperatures", "assessments", "medications", "escalations",
             "eligibility", "dose_outcomes", "restarts")


def make_case(rng: random.Random, infusion: datetime):
    from pacer_desktop.core.case import Assessment, Case, CrsInputs, IcansInputs, Patient, Temperature, Weight
    temps = []
    for h in range(DAYS * 24):
        value = Decimal(str(round(rng.uniform(36.4, 37.6), 1)))
        if 30 <= h <= 40 and h % 5 == 0:
            value = Decimal("38.9")  # a persistent fever on day 1, so the schedule is computed
        temps.append(Temperature(at=infusion + timedelta(hours=h, minutes=5), value=value, unit="C"))
    assessments = [
        Assessment(at=infusion + timedelta(hours=6 * k + 1),
                   crs=CrsInputs(hypotension="none", oxygen_device="none"),
                   icans=IcansInputs(tool="ice", ice_score=10))
        for k in range(DAYS * 4)
    ]
    return Case(protocol="pacer-1", timezone="America/Chicago",
                patient=Patient(date_of_birth=infusion.date().replace(year=infusion.year - 10), sex_at_birth="female"),
                weights=(Weight(at=infusion - timedelta(days=1), kg=Decimal("31.5")),),
                infusion_at=infusion, temperatures=tuple(temps), assessments=tuple(assessments),
                now=infusion + timedelta(days=DAYS, hours=1))


def build(path: Path, patients: int) -> None:
    from pacer_desktop.storage import Store, User
    rng = random.Random(3)
    infusion = (datetime.now(UTC) - timedelta(days=DAYS + 2)).replace(minute=0, second=0, microsecond=0)
    t0 = time.perf_counter()
    with Store.open(path, keep_backups=0) as store:
        for n in range(patients):
            store.import_case(User("BM", "research", "benchmark"), make_case(rng, infusion),
                              mrn=f"B{n:05d}", name=f"Bench Patient {n:05d}")
            if (n + 1) % 100 == 0:
                print(f"  {n + 1} patients stored ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    print(f"built {path.name}: {patients} patients in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def cpu_seconds() -> float:
    """CPU time of this process and of the processes it started and has waited for (user + system)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Pair:
    """Timings of PACER and of plain sqlite3 doing the same work, taken in turn."""

    def __init__(self, name: str, unit: str = "ms") -> None:
        self.name, self.unit = name, unit
        self.ours: list[float] = []
        self.plain: list[float] = []
        self.cpu_ours: list[float] = []
        self.cpu_plain: list[float] = []

    def run(self, ours, plain) -> None:
        for fn, wall, cpu in ((ours, self.ours, self.cpu_ours), (plain, self.plain, self.cpu_plain)):
            w, c = time.perf_counter(), cpu_seconds()
            fn()
            wall.append(time.perf_counter() - w)
            cpu.append(cpu_seconds() - c)

    def _spread(self, xs: list[float]) -> str:
        k = 1000 if self.unit == "ms" else 1
        return f"{min(xs) * k:.2f} / {statistics.median(xs) * k:.2f} / {max(xs) * k:.2f} {self.unit}"

    def line(self, cpu: bool = False) -> str:
        ratio = statistics.median(self.ours) / statistics.median(self.plain)
        text = (f"{self.name} (n={len(self.ours)}): PACER {self._spread(self.ours)}; plain sqlite3"
                f" {self._spread(self.plain)}; ratio of medians {ratio:.1f}x")
        if cpu:
            text += (f"\n    CPU time: PACER {self._spread(self.cpu_ours)}; plain sqlite3 {self._spread(self.cpu_plain)};"
                     f" ratio of medians {statistics.median(self.cpu_ours) / statistics.median(self.cpu_plain):.1f}x")
        return text


def plain_open(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def plain_rows(conn: sqlite3.Connection, patient_id: int) -> dict:
    out = {}
    for table in _EXPORTED:
        cur = conn.execute(f"SELECT * FROM current_{table} WHERE patient_id = ? ORDER BY id", (patient_id,))
        names = [d[0] for d in cur.description]
        out[table] = [dict(zip(names, row)) for row in cur]
    return out


def plain_export(path: Path, out: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with out.open("w") as f:
            for (pid,) in conn.execute("SELECT id FROM patients ORDER BY id").fetchall():
                f.write(json.dumps(plain_rows(conn, pid), separators=(",", ":"), ensure_ascii=False))
                f.write("\n")
    finally:
        conn.close()


def plain_append(conn: sqlite3.Connection, pid: int) -> None:
    """The rows an append writes (the entry, its audit row), with the same durability."""
    at = datetime.now(UTC).isoformat()
    conn.execute("BEGIN IMMEDIATE")
    cur = conn.execute("INSERT INTO temperatures (patient_id, at, at_offset_s, value, unit, entered_by, role,"
                       " workstation, entered_at) VALUES (?, ?, 0, '37.0', 'C', 'BM', 'research', 'benchmark', ?)",
                       (pid, at, at))
    last = conn.execute("SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    conn.execute("INSERT INTO audit_log (id, at, entered_by, role, workstation, action, table_name, row_id,"
                 " content_sha256, prev_sha256, sha256, hmac) VALUES (?, ?, 'BM', 'research', 'benchmark',"
                 " 'add temperature', 'temperatures', ?, ?, ?, ?, ?)",
                 (last[0] + 1, at, cur.lastrowid, "0" * 64, last[1], "1" * 64, "k" * 16 + ":" + "2" * 64))
    conn.execute("COMMIT")


def peak_rss_mb(code: str, env: dict) -> tuple[float, float]:
    """Peak memory of ``code`` run by Python in a process of its own, and the largest of the processes
    it started: its VmHWM (ru_maxrss would carry over the parent's from before the exec) and its
    children's ru_maxrss (0 when it started none)."""
    report = ("\nimport resource, sys; print(next(l.split()[1] for l in open('/proc/self/status')"
              " if l.startswith('VmHWM')), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code + report], env=env, cwd=ROOT, check=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    own, child = done.stderr.split()[-2:]
    return int(own) / 1024, int(child) / 1024


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return (f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
            f" load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def measure_verify(ward: Path, repeat: int) -> None:
    """verify-db (what `pacer-desktop verify-db` runs) against integrity_check, in turn; then each
    one's peak memory in a process of its own."""
    from pacer_desktop.storage.checkup import verify_report
    verify = Pair("verify-db against integrity_check", "s")

    def integrity() -> None:
        conn = sqlite3.connect(f"file:{ward}?mode=ro", uri=True)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()

    def verify_ours() -> None:
        found = verify_report(ward)
        assert not found.problems and not found.not_here, found

    for _ in range(repeat):
        verify.run(verify_ours, integrity)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    rss_verify, rss_second = peak_rss_mb(
        f"from pacer_desktop.cli import main; assert main(['--db', {str(ward)!r}, 'verify-db']) == 0", env)
    rss_plain, _ = peak_rss_mb(f"import sqlite3; sqlite3.connect('file:{ward}?mode=ro', uri=True)"
                               ".execute('PRAGMA integrity_check').fetchall()", env)
    print(verify.line(cpu=True))
    print(f"peak memory, each in a process of its own: verify-db {rss_verify:.0f} MB (its second process"
          f" {rss_second:.0f} MB); integrity_check {rss_plain:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of the quick measurements")
    parser.add_argument("--heavy", type=int, default=5, help="timed runs of open, export and verify")
    parser.add_argument("--db", type=Path, help="the ward's file: built when missing, else reused")
    parser.add_argument("--build-only", action="store_true", help="build the files when missing, measure nothing")
    parser.add_argument("--only", choices=["verify"], help="measure verify-db against integrity_check alone")
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory(prefix="pacer-bench-")
    ward = (args.db or Path(folder.name) / "ward.sqlite3").resolve()
    os.environ["XDG_CONFIG_HOME"] = str(ward.parent / "config")  # the audit key beside the files
    from pacer_desktop.storage import Store, User

    small, copy = ward.with_name(ward.stem + "-small.sqlite3"), ward.with_name(ward.stem + "-plain.sqlite3")
    for path, patients in ((ward, args.patients), (small, 2)):
        if not path.exists():
            build(path, patients)
    if args.build_only:
        return 0
    if not copy.exists():
        shutil.copyfile(ward, copy)
    print(machine())
    if args.only == "verify":
        measure_verify(ward, args.heavy)
        print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        return 0
    rng = random.Random(17)
    user = User("BM", "research", "benchmark")

    opening = {name: Pair(f"open the {name} file ({path.stat().st_size / 1e6:,.0f} MB)")
               for name, path in (("ward's", ward), ("small", small))}
    for _ in range(args.heavy):
        for name, path in (("ward's", ward), ("small", small)):
            opening[name].run(lambda: Store.open(path, keep_backups=0).close(), lambda: plain_open(path))

    store = Store.open(ward, keep_backups=0)
    ids = [p.id for p in store.patients()]
    rows = sum(store.db[t].count for t in ("weights", "temperatures", "assessments"))
    audit_rows = store.db["audit_log"].count
    plain_ro = sqlite3.connect(f"file:{ward}?mode=ro", uri=True)
    plain_rw = sqlite3.connect(copy, isolation_level=None)
    plain_rw.execute("PRAGMA journal_mode = WAL")
    plain_rw.execute("PRAGMA synchronous = FULL")

    load, cold, write = Pair("load one patient's case"), Pair("append, add_temperature (evaluates the case)"), \
        Pair("append, the store's write alone")
    for _ in range(args.repeat):
        pid = rng.choice(ids)
        load.run(lambda: store.case_for(pid), lambda: plain_rows(plain_ro, pid))
    for _ in range(args.repeat):
        pid = rng.choice(ids)
        at = datetime.now(UTC) - timedelta(minutes=1)
        cold.run(lambda: store.add_temperature(user, pid, at=at, value=Decimal("37.0"), unit="C"),
                 lambda: plain_append(plain_rw, pid))

    def write_only(pid: int) -> None:
        row = {"patient_id": pid, "at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(), "at_offset_s": 0,
               "value": "37.0", "unit": "C"}
        with store._transaction():
            store._insert(user, "temperatures", row, "add temperature")

    for _ in range(args.repeat):
        pid = rng.choice(ids)
        write.run(lambda: write_only(pid), lambda: plain_append(plain_rw, pid))
    store.close()
    plain_ro.close()
    plain_rw.close()

    export = Pair("export every case as JSON", "s")
    ours_out, plain_out = Path(folder.name) / "export.jsonl", Path(folder.name) / "plain.jsonl"

    def export_ours() -> None:
        with Store.open(ward, keep_backups=0) as s, ours_out.open("w") as f:
            s.export_all(f)  # what `pacer-desktop export-case --all` does

    for _ in range(args.heavy):
        export.run(export_ours, lambda: plain_export(ward, plain_out))

    print(f"patients: {len(ids)}; clinical rows: {rows:,}; audit rows: {audit_rows:,};"
          f" file {ward.stat().st_size / 1e6:,.0f} MB")
    for pair in (*opening.values(), load, cold, write):
        print(pair.line())
    print(export.line() + f" ({ours_out.stat().st_size / 1e6:.0f} MB; plain {plain_out.stat().st_size / 1e6:.0f} MB)")
    measure_verify(ward, args.heavy)
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
