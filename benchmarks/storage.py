"""Storage benchmark (issue 3): a ward's worth of data, timed honestly.

    .venv/bin/python benchmarks/storage.py                 # 1,000 patients (about 840,000 rows)
    .venv/bin/python benchmarks/storage.py --patients 50   # a quick run

Each patient has 30 days of hourly temperatures and four CRS/ICANS assessments a day, stored with
``import-case`` (one transaction per patient, validated by the engine, audited). Then:
- load one patient's case (``Store.case_for``), goal < 50 ms;
- append one entry with synchronous=FULL, goal < 10 ms: the full ``add_temperature`` (which
  evaluates the patient's whole case first) and the write alone (transaction, row, audit row, fsync);
- export every patient's case as JSON, goal < 10 s;
- the file size, and ``verify()`` over everything.
Times are medians of repeated runs on random patients; the database goes into a temporary folder
unless --db is given.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pacer_desktop.core.case import (Assessment, Case, CrsInputs, IcansInputs, Patient,  # noqa: E402
                                     Temperature, Weight)
from pacer_desktop.storage import Store, User  # noqa: E402

DAYS = 30
USER = User("BM", "research", "benchmark")


def make_case(rng: random.Random, infusion: datetime) -> Case:
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


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per measurement")
    parser.add_argument("--db", type=Path, help="database file to create (default: a temporary folder)")
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory(prefix="pacer-bench-")
    path = args.db or Path(folder.name) / "bench.sqlite3"
    if path.exists():
        sys.exit(f"{path} exists; give a new file")
    rng = random.Random(3)
    infusion = (datetime.now(UTC) - timedelta(days=DAYS + 2)).replace(minute=0, second=0, microsecond=0)

    store = Store.open(path, keep_backups=0)
    t0 = time.perf_counter()
    ids = []
    for n in range(args.patients):
        case = make_case(rng, infusion)
        ids.append(store.import_case(USER, case, mrn=f"B{n:05d}", name=f"Bench Patient {n:05d}"))
        if (n + 1) % 100 == 0:
            print(f"  {n + 1} patients stored ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    load_s = time.perf_counter() - t0
    rows = sum(store.db[t].count for t in ("weights", "temperatures", "assessments"))
    audit_rows = store.db["audit_log"].count

    case_load = timed(lambda: store.case_for(rng.choice(ids)), args.repeat)

    def append_full() -> None:
        pid = rng.choice(ids)
        store.add_temperature(USER, pid, at=datetime.now(UTC) - timedelta(minutes=1), value=Decimal("37.0"), unit="C")

    def append_write_only() -> None:
        pid = rng.choice(ids)
        at = datetime.now(UTC) - timedelta(minutes=1)
        with store._transaction():
            store._insert(USER, "temperatures", {"patient_id": pid, "at": at.isoformat(), "at_offset_s": 0,
                                                 "value": "37.0", "unit": "C"}, "add temperature")

    append = timed(append_full, args.repeat)

    def append_open_patient() -> None:
        pid = rng.choice(ids)
        store.case_for(pid)  # the window shows the patient before the nurse enters a reading
        t0 = time.perf_counter()
        store.add_temperature(USER, pid, at=datetime.now(UTC) - timedelta(minutes=1), value=Decimal("37.0"), unit="C")
        warm.append(time.perf_counter() - t0)

    warm: list[float] = []
    for _ in range(args.repeat):
        append_open_patient()
    write = timed(append_write_only, args.repeat)

    t0 = time.perf_counter()
    export = Path(folder.name) / "export.jsonl"
    with export.open("w") as f:
        store.export_all(f)  # what `pacer-desktop export-case --all` does
    export_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    problems = store.verify()
    verify_s = time.perf_counter() - t0
    store.close()
    size = path.stat().st_size
    t0 = time.perf_counter()
    Store.open(path, keep_backups=0).close()  # header check, quick_check, migrations
    open_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with Store.open(path, keep_backups=1):  # plus the daily backup copy
        open_backup_s = time.perf_counter() - t0

    p95 = lambda xs: sorted(xs)[int(0.95 * (len(xs) - 1))]  # noqa: E731
    print(f"patients: {args.patients}; clinical rows: {rows:,}; audit rows: {audit_rows:,}")
    print(f"store all (import-case, one transaction per patient): {load_s:.1f} s")
    print(f"load one patient's case: median {ms(statistics.median(case_load))}, p95 {ms(p95(case_load))} (goal < 50 ms)")
    print(f"append one entry, add_temperature to a random patient (cold): median {ms(statistics.median(append))},"
          f" p95 {ms(p95(append))} (goal < 10 ms)")
    print(f"append one entry to the patient on screen (rows already loaded): median"
          f" {ms(statistics.median(warm))}, p95 {ms(p95(warm))} (goal < 10 ms)")
    print(f"append one entry, write alone (FULL sync): median {ms(statistics.median(write))},"
          f" p95 {ms(p95(write))}")
    print(f"export every case as JSON: {export_s:.1f} s (goal < 10 s), {export.stat().st_size / 1e6:.0f} MB")
    print(f"verify(): {verify_s:.1f} s, {len(problems)} problem(s)")
    print(f"open the database: {open_s:.1f} s; with the daily backup: {open_backup_s:.1f} s")
    print(f"file size: {size / 1e6:.0f} MB ({size / max(rows, 1):.0f} bytes per clinical row)")
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
