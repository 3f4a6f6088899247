"""Start-up time: process start to main window shown, with a 30-day patient loaded, against a bare
PySide6 window in the same run (goal: at most 2× the bare window). Writes benchmarks/RESULTS-startup.md.

    .venv/bin/python benchmarks/startup.py [--runs 15]

Each sample is a whole new process (interpreter start, imports, database open, evaluation, first
paint) timed from the parent; the child quits as soon as the window has been shown and painted.
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
QTimer.singleShot(0, lambda: (print(time.time()), app.quit()))  # shown: the event loop runs
app.exec()
"""

APP = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from pacer_desktop.storage import Store, User
from pacer_desktop.ui.main_window import MainWindow
store = Store.open(None)  # as the application opens it: today's backup is checked for (and already made)
w = MainWindow(store, user=User("AB", "nurse", "bench"), ask_who=False)
w.resize(1366, 768); w.show()
assert w.state.patient_id is not None and w.state.result is not None, "patient not reopened"
assert "Thirty Days" in w.header.title.text() and "Anakinra" in w.header.status.text(), "header not filled"
QTimer.singleShot(0, lambda: (print(time.time()), app.quit()))  # shown: the event loop runs
app.exec()
store.close()
"""


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


def sample(code: str, env: dict) -> tuple[float, float]:
    """Seconds from process start to its exit, and to the moment it reported the window shown."""
    start, clock = time.perf_counter(), time.time()
    out = subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    return time.perf_counter() - start, float(out.split()[-1]) - clock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, settings = Path(tmp) / "bench.sqlite3", Path(tmp) / "settings"
        entries = build_patient(db, settings)
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "PACER_DB": str(db), "PACER_SETTINGS_DIR": str(settings)}
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
    def cells(samples: list[tuple[float, float]]) -> tuple[float, str]:
        exits, shown = [x for x, _ in samples], [y for _, y in samples]
        return statistics.median(exits), (f"{statistics.median(exits):.3f} s | {min(exits):.3f} s |"
                                          f" {max(exits):.3f} s | {statistics.median(shown):.3f} s |")
    (mb, bare_cells), (ma, app_cells), (mn, no_cache_cells) = cells(bare), cells(app), cells(app_no_cache)
    shown_ratio = statistics.median(y for _, y in app) / statistics.median(y for _, y in bare)
    rows = [
        "| what | median | min | max | median to shown |", "|---|---|---|---|---|",
        f"| bare PySide6 QMainWindow shown | {bare_cells}",
        f"| PACER main window, 30-day patient ({entries} entries) loaded | {app_cells}",
        f"| ratio (goal <= 2×) | {ma / mb:.2f}× | | | {shown_ratio:.2f}× |",
        f"| PACER as above, our modules compiled on every start (no bytecode cache) | {no_cache_cells}",
        f"| its ratio | {mn / mb:.2f}× | | | |",
    ]
    text = "\n".join([
        "# Start-up: process start to main window shown", "",
        f"`.venv/bin/python benchmarks/startup.py --runs {args.runs}`, {datetime.now(UTC):%Y-%m-%d},"
        f" Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs,"
        f" QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}. Each sample is a new process timed from the parent,"
        " start to exit (\"to shown\": to the child's report that its event loop runs with the window shown,"
        " before it quits and tears down); modules compiled (bytecode cache written by warm-up runs) unless said.",
        "", *rows, ""])
    (ROOT / "benchmarks" / "RESULTS-startup.md").write_text(text)
    print(text)
    return 0 if ma <= 2 * mb else 1


if __name__ == "__main__":
    sys.exit(main())
