"""A bare PySide6 hello window, the baseline of benchmarks/startup.py and benchmarks/bundle.py."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
window.resize(1366, 768)
window.show()
QTimer.singleShot(0, app.quit)  # quit once shown, as PACER_EXIT_AFTER_SHOWN does for the app
app.exec()
