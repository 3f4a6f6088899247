"""A bare PySide6 hello window, the baseline of benchmarks/bundle.py (frozen the same way as the app)."""

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
window.resize(1366, 768)
window.show()


def shown() -> None:  # quit once shown, as PACER_EXIT_AFTER_SHOWN does for the app, saying when
    print(f"at: {time.time():.6f}", flush=True)
    app.quit()


QTimer.singleShot(0, shown)
app.exec()
