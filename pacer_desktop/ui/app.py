"""Start the window: ``pacer-desktop`` with no command (``--db`` chooses the database)."""

from __future__ import annotations

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
        window = MainWindow(store)
        window.resize(1366, 768)
        window.show()
        return app.exec()
    finally:
        store.close()
