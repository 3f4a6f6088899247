"""Start-up in instructions, not seconds: where the window's start goes, free of machine noise.

Wall-clock start-up on a shared 2-core VM moves by 10 % or more from run to run (the CPU's speed
changes under us), which hides changes of a few milliseconds. Valgrind's callgrind counts the
instructions a process executes; the count repeats to within 0.1 %. This script counts them for
the bare PySide6 window of ``startup.py`` and for the window's start cut off after each of its
stages (the same 30-day patient), and writes benchmarks/RESULTS-startup-instructions.md.

    .venv/bin/python benchmarks/startup_instructions.py      # needs valgrind (apt install valgrind)

Instructions are a proxy: they leave out waiting for the disk and the cost of cache misses, so the
ratio here is close to, not the same as, the wall-clock ratio of ``startup.py``.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from startup import BARE, build_patient  # noqa: E402 - the same bare window and patient

#: The window's start, as ui/app.py runs it, stopped (os._exit) after stage STAGE.
STAGED = """
import os, sys
STAGE = int(os.environ["STAGE"])
def stop(n):
    if STAGE == n:
        sys.stdout.flush(); os._exit(0)
stop(0)
import pacer_desktop.cli, pacer_desktop.ui.app  # engine, storage, presenters: before Qt, as run() has them
stop(1)
from PySide6.QtWidgets import QApplication
stop(2)
import pacer_desktop.ui.main_window as mw
stop(3)
app = QApplication(sys.argv[:1])
from pacer_desktop.storage import Store
store = Store.open(None, daily_backup=False)
stop(4)
if STAGE == 5:
    mw.MainWindow.reopen_last = lambda self: None
w = mw.MainWindow(store, ask_who=False)
stop(5)
stop(6)
w.resize(1366, 768); w.show()
stop(7)
from PySide6 import QtCore
from PySide6.QtCore import QTimer
def shown():
    # PySide builds its Qt namespace (~100 enums) on first use; the start path uses none of it
    print("pydantic loaded:", "pydantic" in sys.modules)
    print("Qt namespace built:", "Qt" in vars(QtCore), flush=True)
    os._exit(0)
QTimer.singleShot(0, shown)
app.exec()
"""

STAGES = [
    (0, "Python and site (the bare window pays this too)"),
    (1, "our engine, storage and presenters, and the standard library they need"),
    (2, "PySide6 QtWidgets imported (the bare window pays most of this)"),
    (3, "the window's own modules"),
    (4, "QApplication and the database opened"),
    (5, "the window built, no patient yet"),
    (6, "the last patient reopened: read, evaluated, shown in every widget"),
    (7, "show()"),
    (8, "event loop running (window shown)"),
]

BARE_EXIT = BARE.replace("app.quit()))", "sys.stdout.flush(), __import__('os')._exit(0)))")

#: bundle.py's two references, run from source and cut off once shown as the stages are: the
#: hello window (one label), and the static copy of the window (its widgets, no code of ours).
SCRIPT_EXIT = """
import os, runpy, sys
from PySide6.QtWidgets import QApplication
QApplication.quit = staticmethod(lambda: (sys.stdout.flush(), os._exit(0)))  # no teardown counted
runpy.run_path({path!r}, run_name="__main__")
"""


def instructions(code: str, env: dict) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable, "-c", code],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def main() -> int:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt install valgrind)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        db, settings = Path(tmp) / "bench.sqlite3", Path(tmp) / "settings"
        entries = build_patient(db, settings)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PACER_DB": str(db),
               "PACER_SETTINGS_DIR": str(settings), "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled modules, as on any installed system
        warm = subprocess.run([sys.executable, "-c", STAGED], env={**env, "STAGE": "8"}, cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
        jobs = [("bare", BARE_EXIT, env)] + [(n, STAGED, {**env, "STAGE": str(n)}) for n, _ in STAGES]
        jobs += [(name, SCRIPT_EXIT.format(path=str(ROOT / "benchmarks" / script)), env)
                 for name, script in (("hello", "bare_window.py"), ("static", "static_window.py"))]
        for _name, code, job_env in jobs[-2:]:  # their modules compiled too (runpy and what it imports)
            subprocess.run([sys.executable, "-c", code], env=job_env, cwd=ROOT, check=True, capture_output=True)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            counts = dict(zip([j[0] for j in jobs], pool.map(lambda j: instructions(j[1], j[2]), jobs)))
    bare, full, hello, static = counts["bare"], counts[8], counts["hello"], counts["static"]
    rows = ["| stage | instructions to here | this stage |", "|---|---|---|"]
    previous = 0
    for n, what in STAGES:
        rows.append(f"| {what} | {counts[n] / 1e6:,.0f} M | {(counts[n] - previous) / 1e6:+,.0f} M |")
        previous = counts[n]
    text = "\n".join([
        "# Start-up in instructions (callgrind)", "",
        f"`.venv/bin/python benchmarks/startup_instructions.py`, {datetime.now(UTC):%Y-%m-%d}, Python"
        f" {platform.python_version()}, QT_QPA_PLATFORM=offscreen, a 30-day patient ({entries} entries)."
        " Instructions executed by the whole process up to each point (counts repeat to within 0.1 %;"
        " stages cut off with os._exit, so no teardown is counted).", "",
        f"- bare PySide6 window, to its event loop: {bare / 1e6:,.0f} M",
        f"- PACER Desktop, to its event loop with the patient shown: {full / 1e6:,.0f} M",
        f"- ratio: {full / bare:.2f}× (goal of issue 16, in seconds: at most 2.5×)",
        f"- when shown, PySide's `Qt` namespace was built: {warm.endswith('True')} (its ~100 enums cost"
        " about 117 M instructions, about 20 ms; since issue 16 the window uses it freely, a cost accepted for clarity)",
        f"- pydantic loaded when shown: {'pydantic loaded: True' in warm}"
        " (issue 16: on first use, a form's check or a case file)",
        f"- bundle.py's references, from source: the hello window (one label) {hello / 1e6:,.0f} M; the static"
        f" copy of the window (benchmarks/static_window.py: its widgets and rows, fixed text, no code of ours)"
        f" {static / 1e6:,.0f} M, {static / hello:.2f}× the hello window. PACER Desktop is {full / hello:.2f}×"
        f" the hello window (goal of issue 6, frozen, in seconds: at most 1.3×).", "",
        *rows, ""])
    (ROOT / "benchmarks" / "RESULTS-startup-instructions.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
