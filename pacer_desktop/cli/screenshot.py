"""Window commands for ``pacer-desktop`` (no Qt import here: parsing runs on every start)."""

from __future__ import annotations

import argparse

from .common import EXIT_OK, InputError

SHOTS = (("1-temperature-and-grading", 0, 0), ("2-temperature-chart", 0, 1),
         ("3-dose-and-schedule", 1, None), ("4-eligibility", 2, None))


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "screenshot", help="render each main screen of a case to PNG (offscreen)",
        description="Load CASE.json into a temporary database, open the window at the case's 'now'"
                    " and save each main screen as a PNG in DIR.")
    p.add_argument("--case", required=True, metavar="CASE.json", help="the case file")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the PNG files")
    p.add_argument("--size", default="1366x768", help="window size, e.g. 1366x768")
    p.set_defaults(func=cmd_screenshot)


#: The window sizes a screenshot may have: a small laptop to an 8K screen (beyond, Qt cannot paint).
SMALLEST, LARGEST = (640, 480), (7680, 4320)


def window_size(text: str) -> tuple[int, int]:
    """``1366x768`` as (width, height); an input error for anything else."""
    import re
    m = re.fullmatch(r"\s*(\d{1,5})\s*[x×]\s*(\d{1,5})\s*", text.lower())
    if m is None or not all(lo <= int(n) <= hi for n, lo, hi in zip(m.groups(), SMALLEST, LARGEST)):
        raise InputError(f"--size: {text!r} is not a window size such as 1366x768 (from"
                         f" {SMALLEST[0]}x{SMALLEST[1]} to {LARGEST[0]}x{LARGEST[1]}); nothing was saved")
    return int(m[1]), int(m[2])


def cmd_screenshot(args: argparse.Namespace) -> int:
    import os
    import tempfile
    from pathlib import Path

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..core.caseio import parse_case
    from ..evaluation import prepare
    case = prepare(parse_case(Path(args.case).read_bytes()))
    width, height = window_size(args.size)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PACER_SETTINGS_DIR"] = tmp  # never the workstation's own settings
        from PySide6.QtWidgets import QApplication

        from ..storage import Store, User
        from ..ui.main_window import MainWindow
        app = QApplication.instance() or QApplication([])
        clock = lambda: case.now  # noqa: E731 - the one clock (issue 16): the case is shown at its own now
        store = Store.open(Path(tmp) / "screenshot.sqlite3", keep_backups=0, clock=clock)
        try:
            user = User(initials="DOC", role="research", workstation="screenshot")
            pid = store.import_case(user, case, mrn="DEMO-0001", name=f"Example {Path(args.case).stem.split('.')[0]}")
            window = MainWindow(store, user=user, clock=clock, ask_who=False)
            window.resize(width, height)
            window.show()
            window.open_patient(pid)
            for name, screen, tab in SHOTS:
                window.show_screen(screen)
                if tab is not None:
                    window.grading.tabs.setCurrentIndex(tab)
                app.processEvents()
                path = out / f"{name}.png"
                window.grab().save(str(path))
                print(path)
            window.close()
        finally:
            store.close()
    return EXIT_OK
