"""Start the window: ``pacer-desktop`` with no command (``--db`` chooses the database).

``PACER_EXIT_AFTER_SHOWN=1`` makes the window quit as soon as it has been shown, without asking
who is working: the start-up benchmarks time process start to window shown with it. It prints the
header's first line and status line as they were shown, so that a benchmark can check the patient
was on screen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..storage import Store, StorageError


def run(db_path: Path | str | None = None, *, fast_exit: bool = False) -> int:
    """Open the window and run until it closes; returns the exit code.

    ``fast_exit`` (the ``pacer-desktop`` command) ends the process as soon as the window has
    closed, every queued write has landed and the database is closed: tearing down each widget
    and module one by one took about 0.1 s and saves nothing. Tests leave it off.
    """
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("PACER Desktop")
    try:
        store = Store.open(Path(db_path) if db_path else None, daily_backup=False)
    except StorageError as exc:
        QMessageBox.critical(None, "PACER Desktop cannot open its database", str(exc))
        return 1
    try:
        exit_after_shown = os.environ.get("PACER_EXIT_AFTER_SHOWN") == "1"
        window = MainWindow(store, ask_who=not exit_after_shown)
        window.show_on_screen()  # fitted to the screen less its task bar (issue 14 §4)
        window.back_up_daily()  # off the GUI thread: a large database takes seconds to copy
        if exit_after_shown:
            from PySide6.QtCore import QTimer

            def report_and_quit() -> None:  # what was on screen when the benchmark's timer stops
                import time
                print(f"shown: {window.header.title.text()} | {window.header.status.text()}")
                print(f"at: {time.time():.6f}", flush=True)  # wall clock, for the benchmarks
                app.quit()
            QTimer.singleShot(0, report_and_quit)
        code = app.exec()
        window.ops.wait()  # never lose an entry: queued writes land before the database closes
    finally:
        store.close()
    if fast_exit:
        window.settings.sync()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
