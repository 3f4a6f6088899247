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


def run(db_path: Path | str | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ..storage import Store, StorageError
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("PACER Desktop")
    try:
        store = Store.open(Path(db_path) if db_path else None)
    except StorageError as exc:
        QMessageBox.critical(None, "PACER Desktop cannot open its database", str(exc))
        return 1
    try:
        exit_after_shown = os.environ.get("PACER_EXIT_AFTER_SHOWN") == "1"
        window = MainWindow(store, ask_who=not exit_after_shown)
        window.resize(1366, 768)
        window.show()
        if exit_after_shown:
            from PySide6.QtCore import QTimer

            def report_and_quit() -> None:  # what was on screen when the benchmark's timer stops
                print(f"shown: {window.header.title.text()} | {window.header.status.text()}", flush=True)
                app.quit()
            QTimer.singleShot(0, report_and_quit)
        return app.exec()
    finally:
        store.close()
