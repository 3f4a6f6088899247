"""The Print menu and Ctrl+P, made at start-up without loading the printing code.

:mod:`.printing` (QtPdf, the preview, the print dialog) is imported when the first document is
asked for: at start-up its import cost about 8 ms for a menu nobody has opened yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from ..reports import document_title

if TYPE_CHECKING:
    from .main_window import MainWindow

#: Document kinds in menu order (the titles are the reports' own).
KINDS = ("order", "mar", "eligibility", "grading")
#: The document Ctrl+P prints from each screen, by screen index (grading, dose, eligibility).
NATURAL_DOCUMENT = ("grading", "order", "eligibility")


def install(window: MainWindow) -> None:
    """Give the main window its Print menu (every document) and Ctrl+P (this screen's document:
    the grading summary, the order sheet or the eligibility checklist). ``window.printing`` is the
    :class:`~.printing.DocumentPrinter`, made on first use."""
    menu = window.menuBar().addMenu("&Print")
    menu.setObjectName("print_menu")
    natural = QAction("Print this screen's document…", window, objectName="print_natural")
    natural.setShortcuts(QKeySequence.StandardKey.Print)  # window-wide; not setShortcut: see MainWindow._actions
    natural.triggered.connect(lambda: window.printing.preview(NATURAL_DOCUMENT[window.tabs.currentIndex()]))
    menu.addAction(natural)
    menu.addSeparator()
    for kind in KINDS:
        action = QAction(f"{document_title(kind)}…", window, objectName=f"print_{kind}")
        action.triggered.connect(lambda _checked=False, kind=kind: window.printing.preview(kind))
        menu.addAction(action)


def make_printer(window: MainWindow):
    """The window's document printer, its messages shown in the status bar."""
    from .printing import DocumentPrinter
    printer = DocumentPrinter(window.state, window)
    printer.done.connect(lambda text: window.statusBar().showMessage(f"✓ {text}", 15000))
    printer.problem.connect(lambda text: window.statusBar().showMessage(f"⚠ {text}", 15000))
    return printer
