"""Crash test of the database (issue 17's acceptance): kill -9 a writer while it saves, many rounds.

    .venv/bin/python benchmarks/crash_test.py [ROUNDS] [--db FILE]

Each round starts ``tests/storage/writer.py`` (it prints each temperature's id only after its
transaction committed), kills it with SIGKILL after a random moment, then opens the database as
PACER does. At the end every printed id must be stored. Prints: rounds, entries confirmed (printed
by a writer before it was killed), entries lost (confirmed but not stored: must be 0), files refused
(an open that failed: must be 0), and verify-db's result. POSIX only (SIGKILL).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WRITER = ROOT / "tests" / "storage" / "writer.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", nargs="?", type=int, default=100)
    parser.add_argument("--db", type=Path, help="the database to crash (default: a new one in a temporary folder)")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    from pacer_desktop.storage import StorageError, Store, User
    folder = tempfile.mkdtemp(prefix="pacer-crash-")
    db = args.db or Path(folder) / "crash.sqlite3"
    with Store.open(db, keep_backups=0) as s:
        try:
            s.patient_by_mrn("CRASH")
        except StorageError:
            s.add_patient(User("CT", "nurse", "crash-test"), mrn="CRASH", name="Crash Test",
                          date_of_birth=date(2015, 1, 1), sex_at_birth="female", developmental_delay=False,
                          infusion_at=datetime.now(UTC) - timedelta(hours=72), timezone="UTC")
    rng = random.Random(args.seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    confirmed: set[int] = set()
    refused: list[str] = []
    started = time.perf_counter()
    for _ in range(args.rounds):
        child = subprocess.Popen([sys.executable, str(WRITER), str(db), "CRASH", "0"], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = child.stdout.readline()
        if not first.strip():  # the writer could not open the file: PACER refused it
            refused.append(child.stderr.read().strip())
            child.wait()
            continue
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        confirmed |= {int(x) for x in (first + out).split() if x.strip().isdigit()}
        try:  # open as PACER does after each crash
            Store.open(db, keep_backups=0).close()
        except StorageError as exc:
            refused.append(str(exc))
    with Store.open(db, keep_backups=0) as s:
        stored = {row[0] for row in s._conn.execute("SELECT id FROM temperatures")}
        problems = s.verify()
    lost = confirmed - stored
    print(f"rounds: {args.rounds}")
    print(f"entries confirmed: {len(confirmed)} (stored: {len(stored)})")
    print(f"entries lost: {len(lost)}")
    print(f"files refused: {len(refused)}")
    for text in refused[:5]:
        print(f"  refused: {text}")
    print(f"verify-db: {'ok' if not problems else f'{len(problems)} problem(s): ' + problems[0]}")
    print(f"time: {time.perf_counter() - started:.0f} s")
    return 0 if not lost and not refused and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
