"""Start-up time: process start to main window shown, with a 30-day patient loaded, against a bare
PySide6 window in the same run (goal of issue 16: at most 2.5× the bare window). Writes benchmarks/RESULTS-startup.md.

    .venv/bin/python benchmarks/startup.py [--runs 15]

Each sample is a whole new process timed from the parent: the bare window, and the real
``pacer-desktop`` command (interpreter start, imports, database open with its daily-backup check,
evaluation, window shown) with ``PACER_EXIT_AFTER_SHOWN=1``, which makes it quit as soon as its
event loop runs with the window shown and prints what the header showed and when.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1366, 768); w.show()
QTimer.singleShot(0, lambda: (print(f"at: {time.time():.6f}"), app.quit()))  # shown: the event loop runs
app.exec()
"""

#: The application as users start it: the ``pacer-desktop`` console script of this environment.
APP = [str(Path(sys.executable).with_name("pacer-desktop"))]


def build_patient(db: Path, settings: Path) -> int:
    """A patient 30 days after infusion: temperatures every 4 h, assessments every 12 h, doses."""
    os.environ["PACER_SETTINGS_DIR"] = str(settings)
    from pacer_desktop.core.case import Assessment, Case, CrsInputs, IcansInputs, Medication, Patient, Temperature, Weight
    from pacer_desktop.storage import Store, User
    now = datetime.now(UTC).replace(microsecond=0)
    infusion = now - timedelta(days=30)
    temps, assessments, meds = [], [], []
    for h in range(0, 30 * 24, 4):
        at = infusion + timedelta(hours=h)
        value = Decimal("38.9") if 20 <= h <= 40 else Decimal("37.0")
        temps.append(Temperature(at=at, value=value, unit="C"))
    for h in range(0, 30 * 24, 12):
        at = infusion + timedelta(hours=h, minutes=30)
        assessments.append(Assessment(at=at, crs=CrsInputs(hypotension="none", oxygen_device="none"),
                                      icans=IcansInputs(capd_score=0)))
    for h in range(24, 8 * 24, 12):
        meds.append(Medication(at=infusion + timedelta(hours=h, minutes=5), drug="anakinra", dose_mg=Decimal(59)))
    case = Case(protocol="pacer-1", timezone="UTC", infusion_at=infusion,
                patient=Patient(date_of_birth=(now - timedelta(days=3700)).date(), sex_at_birth="female"),
                weights=(Weight(at=infusion - timedelta(days=1), kg=Decimal("23.4")),),
                temperatures=tuple(temps), assessments=tuple(assessments), medications=tuple(meds))
    with Store.open(db, keep_backups=0) as store:
        pid = store.import_case(User("AB", "nurse", "bench"), case, mrn="BENCH-30", name="Thirty Days")
        store.backup()  # today's backup exists, as on every start but the first of the day
    from PySide6.QtCore import QSettings
    s = QSettings(f"{settings}/pacer-desktop.ini", QSettings.Format.IniFormat)
    s.setValue(f"last_patient/{db}", pid)  # the window reopens the last patient
    s.sync()
    return len(temps) + len(assessments) + len(meds) + 1


def sample(command: str | list[str], env: dict) -> tuple[float, float]:
    """Seconds from process start to its exit, and to the moment it reported the window shown."""
    args = [sys.executable, "-c", command] if isinstance(command, str) else command
    start, clock = time.perf_counter(), time.time()
    out = subprocess.run(args, check=True, env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    if args is APP and not ("shown: Thirty Days" in out and "Anakinra" in out):
        raise SystemExit(f"the patient was not on screen: {out!r}")
    shown_at = next(float(line.split()[1]) for line in out.splitlines() if line.startswith("at: "))
    return time.perf_counter() - start, shown_at - clock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, settings = Path(tmp) / "bench.sqlite3", Path(tmp) / "settings"
        entries = build_patient(db, settings)
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "PACER_DB": str(db), "PACER_SETTINGS_DIR": str(settings), "PACER_EXIT_AFTER_SHOWN": "1"}
        # Compiled modules, as on any installed system: the warm-up runs write the bytecode cache
        # (into a temporary folder, even where PYTHONDONTWRITEBYTECODE is set) and every sample reads it.
        # The third row repeats PACER with no cache for our own package (compiled on every start).
        no_cache = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        for _ in range(2):
            sample(BARE, env), sample(APP, env), sample(APP, no_cache)  # caches: bytecode, files
        bare, app, app_no_cache = [], [], []
        for _ in range(args.runs):  # interleaved, so all see the same machine state
            bare.append(sample(BARE, env))
            app.append(sample(APP, env))
            app_no_cache.append(sample(APP, no_cache))
    def cells(samples: list[tuple[float, float]]) -> tuple[float, float, str]:
        exits, shown = [x for x, _ in samples], [y for _, y in samples]
        return (statistics.median(shown), statistics.median(exits),
                f"{statistics.median(shown):.3f} s | {min(shown):.3f} s | {max(shown):.3f} s |"
                f" {statistics.median(exits):.3f} s |")
    (sb, xb, bare_cells), (sa, xa, app_cells), (sn, xn, no_cache_cells) = cells(bare), cells(app), cells(app_no_cache)
    rows = [
        "| what | to shown, median | min | max | to exit, median |", "|---|---|---|---|---|",
        f"| bare PySide6 QMainWindow | {bare_cells}",
        f"| `pacer-desktop`, 30-day patient ({entries} entries) reopened | {app_cells}",
        f"| ratio (goal: to shown <= 2.5×) | {sa / sb:.2f}× | | | {xa / xb:.2f}× |",
        f"| `pacer-desktop` as above, our modules compiled on every start (no bytecode cache) | {no_cache_cells}",
        f"| its ratio | {sn / sb:.2f}× | | | {xn / xb:.2f}× |",
    ]
    text = "\n".join([
        "# Start-up: process start to main window shown", "",
        f"`.venv/bin/python benchmarks/startup.py --runs {args.runs}`, {datetime.now(UTC):%Y-%m-%d},"
        f" Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs,"
        f" QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}. Each sample is a new process timed from the parent."
        " \"To shown\": until the child reports that its event loop runs with the window shown (for"
        " `pacer-desktop`, with the patient's name and status line in the header, which the benchmark"
        " checks). \"To exit\": until the process has ended. Modules compiled (bytecode cache written by"
        " warm-up runs) unless said.",
        "", *rows, ""])
    (ROOT / "benchmarks" / "RESULTS-startup.md").write_text(text)
    print(text)
    return 0 if sa <= 2.5 * sb else 1


if __name__ == "__main__":
    sys.exit(main())
