"""``pacer-desktop self-test``: the installation check for pharmacy and IT staff.

It runs the example cases shipped with the application through the engine and compares them
with their expected results, writes and reads a temporary database, renders an order sheet, and
opens and closes the window when a display (or offscreen Qt) is available. One line per check;
exit 1 when any check fails. It behaves the same from source and from the PyInstaller bundle.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def differences(expected, got, path: str = "result") -> list[str]:
    """Fields of ``expected`` that ``got`` lacks or has otherwise; extra fields in ``got`` are fine.

    Lists are compared in order and by length; booleans only equal booleans (case-format).
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return [f"{path}: expected an object, got {got!r}"]
        out = []
        for key, value in expected.items():
            out += [f"{path}.{key}: missing"] if key not in got else differences(value, got[key], f"{path}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {got!r}"]
        return [d for i, (e, g) in enumerate(zip(expected, got)) for d in differences(e, g, f"{path}[{i}]")]
    same = expected is got if isinstance(expected, bool) or isinstance(got, bool) else expected == got
    return [] if same else [f"{path}: expected {expected!r}, got {got!r}"]


def check_protocol() -> str:
    from . import protocols
    p = protocols.load()
    return f"protocol {p.id} loads and validates (sha256 {p.sha256[:12]}…)"


def check_examples() -> str:
    from .core import timeutil
    from .core.result import output_data
    if not timeutil.tzdata_zone_names():
        raise AssertionError("the tzdata package's zone list is not in this installation: each time zone"
                             " would be checked by walking the system's zone folders (Windows has none)")
    from .evaluation import evaluate_text
    from .resource_files import resource, resource_names
    names = [n for n in resource_names("examples") if n.endswith(".case.json")]
    if not names:
        raise AssertionError("no example cases ship with this installation")
    for name in names:
        got = output_data(evaluate_text(resource(f"examples/{name}").read_bytes()))
        expected = json.loads(resource(f"examples/{name.replace('.case.json', '.expected.json')}").read_bytes())
        problems = differences(expected, got)
        if problems:
            raise AssertionError(f"{name}: {problems[0]}" + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""))
    return f"{len(names)} example cases give their expected results"


def _example_case():
    from .core.caseio import parse_case
    from .resource_files import resource
    return parse_case(resource("examples/01-standard-course.case.json").read_bytes())


def check_database(folder: Path) -> str:
    from decimal import Decimal

    from .storage import Store, User
    user = User(initials="ST", role="pharmacist", workstation="self-test")
    case = _example_case()
    # The store's clock is the example's own "now": its entries are then never in the future,
    # whatever the workstation's date (issue 16: one clock).
    store = Store.open(folder / "self-test.sqlite3", clock=lambda: case.now)
    try:
        pid = store.add_patient(user, mrn="SELFTEST-1", name="Self Test", date_of_birth=case.patient.date_of_birth,
                                sex_at_birth=case.patient.sex_at_birth, developmental_delay=False,
                                infusion_at=case.infusion_at, timezone=case.timezone)
        store.add_weight(user, pid, at=case.weights[0].at, kg=case.weights[0].kg)
        store.add_temperature(user, pid, at=case.temperatures[0].at, value=Decimal("38.7"), unit="C")
    finally:
        store.close()
    store = Store.open(folder / "self-test.sqlite3", clock=lambda: case.now)
    try:
        stored = store.case_for(store.patient_by_mrn("SELFTEST-1").id)
        if [w.kg for w in stored.weights] != [case.weights[0].kg] or len(stored.temperatures) != 1:
            raise AssertionError("entries read back differ from those written")
        problems = store.verify()
        if problems:
            raise AssertionError("; ".join(problems))
    finally:
        store.close()
    return "a temporary database is written, reopened, read back and verified"


def check_order_sheet(folder: Path) -> str:
    from .reports.content import PatientHeader
    from .reports.documents import make_job, render
    case = _example_case()
    header = PatientHeader(name="Self Test", mrn="SELFTEST-1", date_of_birth=case.patient.date_of_birth,
                           sex_at_birth=case.patient.sex_at_birth)
    pdf = render(make_job("order", case, header, printed_by="self-test"))
    if not pdf.startswith(b"%PDF") or b"/Type /Page" not in pdf:
        raise AssertionError("the order sheet is not a PDF with a page")
    (folder / "order-sheet.pdf").write_bytes(pdf)
    return f"an order sheet renders ({len(pdf) // 1024} KB, fonts embedded)"


def check_print_preview(folder: Path) -> str:
    """The window's print path: the order sheet rasterised by QtPdf and painted onto a QPrinter
    (set to write a PDF file, so no printer is needed)."""
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from .ui.printing import print_pdf, rasterise
    QApplication.instance() or QApplication(sys.argv[:1])
    pdf = (folder / "order-sheet.pdf").read_bytes()
    pages = rasterise(pdf)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(folder / "printed.pdf"))
    printed = print_pdf(pdf, printer)
    if printed != len(pages) or not (folder / "printed.pdf").read_bytes().startswith(b"%PDF"):
        raise AssertionError("the order sheet did not print to the PDF printer")
    return f"print preview and printing through Qt ({len(pages)} page, QtPdf and QtPrintSupport)"


WIDGET_CALLS = 20_000


def widget_calls_child(calls: int = WIDGET_CALLS) -> int:
    """Make ``calls`` Qt calls that return nothing and print how far ``None``'s reference count moved.

    Runs in a child process: a faulty Qt binding (PySide6 6.12.0 on Python 3.11 drops a reference
    to ``None`` on each such call) aborts the process with ``none_dealloc`` after a few thousand,
    which the parent then reports instead of dying itself.
    """
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication.instance() or QApplication(sys.argv[:1])
    label = QLabel("x")
    before = sys.getrefcount(None)
    for i in range(calls):
        label.setText("a" if i % 2 else "b")
        label.hide()
    drift = before - sys.getrefcount(None)
    print(f"drift {drift}")
    del label, app
    return 0


def _child_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "self-test", "--widget-calls-child"]
    return [sys.executable, "-m", "pacer_desktop", "self-test", "--widget-calls-child"]


def check_long_run() -> str:
    """A long run of widget calls does not crash and does not leak references to ``None``."""
    done = subprocess.run(_child_command(), capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")})
    drift = next((line.split()[1] for line in done.stdout.splitlines() if line.startswith("drift ")), None)
    if done.returncode != 0 or drift is None:
        said = done.stderr.strip().splitlines() or ["no message"]
        last = next((line for line in said if line.startswith("Fatal Python error")), said[-1])
        raise AssertionError(f"{2 * WIDGET_CALLS} Qt calls ended the process (exit {done.returncode}: {last}); "
                             "this Qt binding is faulty, install the locked PySide6 version")
    if abs(int(drift)) > 100:
        raise AssertionError(f"{2 * WIDGET_CALLS} Qt calls moved None's reference count by {drift}; "
                             "this Qt binding is faulty and would crash in a long shift")
    return f"{2 * WIDGET_CALLS} Qt calls in a child process, None's reference count steady (drift {drift})"


def display_available() -> bool:
    return bool(os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or sys.platform in ("win32", "darwin"))


def check_window(folder: Path) -> str:
    from PySide6.QtWidgets import QApplication

    from .storage import Store
    from .ui.main_window import MainWindow
    app = QApplication.instance() or QApplication(sys.argv[:1])
    store = Store.open(folder / "window.sqlite3")
    try:
        window = MainWindow(store)
        window.resize(1366, 768)
        window.show()
        deadline = time.monotonic() + 10
        while not window.isVisible() and time.monotonic() < deadline:
            app.processEvents()
        app.processEvents()
        shown = window.isVisible()
        window.close()
        app.processEvents()
    finally:
        store.close()
    if not shown:
        raise AssertionError("the main window did not appear")
    return f"the main window opens and closes ({app.platformName()})"


def run(out=sys.stdout) -> int:
    failures = 0
    with tempfile.TemporaryDirectory(prefix="pacer-self-test-") as tmp:
        folder = Path(tmp)
        checks: list[tuple[str, Callable[[], str] | None]] = [
            ("protocol", check_protocol),
            ("engine", check_examples),
            ("database", lambda: check_database(folder)),
            ("printing", lambda: check_order_sheet(folder)),
            ("window", (lambda: check_window(folder)) if display_available() else None),
            ("preview", (lambda: check_print_preview(folder)) if display_available() else None),
            ("long-run", check_long_run),
        ]
        for name, check in checks:
            if check is None:
                print(f"skip  {name:<9} no display (set QT_QPA_PLATFORM=offscreen to check it anyway)", file=out)
                continue
            try:
                detail = check()
            except Exception as exc:  # noqa: BLE001 - every failure becomes one line
                failures += 1
                print(f"FAIL  {name:<9} {type(exc).__name__}: {exc}", file=out)
            else:
                print(f"ok    {name:<9} {detail}", file=out)
    print("self-test passed" if not failures else f"self-test FAILED: {failures} check(s)", file=out)
    out.flush()
    return 0 if not failures else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("self-test", help="check this installation (engine, database, printing, window)",
                       description="Check this installation: example cases through the engine, a temporary "
                                   "database, an order sheet, and the window when a display is available. "
                                   "Prints one line per check; exits 1 if any check fails.")
    p.add_argument("--widget-calls-child", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=lambda args: widget_calls_child() if args.widget_calls_child else run())
