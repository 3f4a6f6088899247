"""Start-up with a ward's database: the window on a 1,000-patient file, with and without the day's backup due.

    .venv/bin/python benchmarks/ward_start.py [--db PATH] [--runs 7]

``startup.py`` times start-up with one patient in the file; this times the real ``pacer-desktop``
command on the file ``storage.py`` builds (1,000 patients × 30 days, about 455 MB; built first into
``--db`` when that file does not exist), to window shown and to exit, in two states, interleaved:

- **backup done**: the newest copy in ``backups/`` is a minute old (every start but the first of
  the day);
- **backup due**: the newest copy is 25 hours old, so the daily copy is made. The window makes it
  on a background thread after it is shown, so it shows in "to exit" (the process waits for the
  copy to finish), not in "to shown".

It also times the two whole-file passes of opening, in-process: the integrity check that every
open runs (``PRAGMA quick_check``) and the backup copy. Writes benchmarks/RESULTS-ward-start.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = str(Path(sys.executable).with_name("pacer-desktop"))


def build(db: Path) -> None:
    print(f"building {db} with benchmarks/storage.py (about a minute)", file=sys.stderr)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "storage.py"), "--db", str(db), "--build-only"],
                   check=True, stdout=subprocess.DEVNULL)


def sample(db: Path, env: dict) -> tuple[float, float]:
    """Seconds from process start to window shown, and to process exit."""
    start, clock = time.perf_counter(), time.time()
    out = subprocess.run([APP, "--db", str(db)], env=env, check=True, capture_output=True, text=True).stdout
    shown = float(next(line.split()[1] for line in out.splitlines() if line.startswith("at: ")))
    return shown - clock, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database built by storage.py (built here if missing)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "ward.sqlite3"
        if not db.exists():
            build(db)
        backups = db.parent / "backups"
        kept = sorted(backups.glob(f"{db.stem}-*.sqlite3"))
        if not kept:
            raise SystemExit(f"{db}: no copy in {backups}; build the file with storage.py")
        kept = kept[-1]
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "PACER_EXIT_AFTER_SHOWN": "1", "PACER_SETTINGS_DIR": str(Path(tmp) / "settings"),
               "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache"),
               "XDG_CONFIG_HOME": str(db.parent / "config")}  # the audit key storage.py made with the file
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        results: dict[str, list[tuple[float, float]]] = {"backup done": [], "backup due": []}
        for round_no in range(args.runs + 1):  # round 0 warms the page and bytecode caches
            for state, age_h in (("backup done", 1 / 60), ("backup due", 25)):
                for extra in backups.glob(f"{db.stem}-*.sqlite3"):
                    if extra != kept:
                        extra.unlink()
                then = time.time() - age_h * 3600
                os.utime(kept, (then, then))
                s = sample(db, env)
                made = len(list(backups.glob(f"{db.stem}-*.sqlite3"))) - 1
                if made != (state == "backup due"):
                    raise SystemExit(f"{state}: {made} copies made")
                if round_no:
                    results[state].append(s)
        for extra in backups.glob(f"{db.stem}-*.sqlite3"):
            if extra != kept:
                extra.unlink()

        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        t = time.perf_counter()
        conn.execute("PRAGMA quick_check").fetchall()
        check_s = time.perf_counter() - t
        target = Path(tmp) / "copy.sqlite3"
        t = time.perf_counter()
        conn.backup(sqlite3.connect(target))
        copy_s = time.perf_counter() - t
        conn.close()
    size_mb = db.stat().st_size / 1e6
    rows = ["| state | to shown, median | min | max | to exit, median |", "|---|---|---|---|---|"]
    for state, samples in results.items():
        shown, ended = [a for a, _ in samples], [b for _, b in samples]
        rows.append(f"| {state} | {statistics.median(shown):.3f} s | {min(shown):.3f} s | {max(shown):.3f} s |"
                    f" {statistics.median(ended):.3f} s |")
    text = "\n".join([
        "# Start-up with a ward's database",
        "",
        f"`.venv/bin/python benchmarks/ward_start.py --runs {args.runs}`, {datetime.now(UTC):%Y-%m-%d},"
        f" Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs,"
        f" QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}. The file built by `storage.py` ({size_mb:.0f} MB),"
        " no patient reopened; each sample is a new `pacer-desktop` process, the two states interleaved,"
        " page cache warm.",
        "",
        *rows,
        "",
        "Whole-file passes, in-process:",
        "",
        f"- integrity check run by every open (`PRAGMA quick_check`): {check_s:.3f} s",
        f"- the backup copy (SQLite backup API): {copy_s:.3f} s",
        "",
    ])
    (ROOT / "benchmarks" / "RESULTS-ward-start.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
