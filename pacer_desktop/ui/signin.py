"""Who is working: initials and role at start and after 15 minutes without input."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..core.errors import Problem
from ..storage import User
from ..storage.location import workstation_name
from .widgets import Choice, FieldMessages, dialog_buttons

ROLES = ("nurse", "prescriber", "pharmacist", "research")
IDLE_MS = 15 * 60 * 1000


class WhoIsWorkingDialog(QDialog):
    """Initials and role; ``signed_in(User)`` on OK. Cannot be dismissed without an answer."""

    signed_in = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, reason: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is working?")
        self.setModal(True)
        self.initials = QLineEdit(objectName="initials")
        self.initials.setMaxLength(6)
        self.initials.setPlaceholderText("e.g. AB")
        self.role = Choice([(r, r) for r in ROLES])
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        intro = QLabel(reason or "Every entry is recorded under your initials and role.")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Your initials", self.initials)
        form.addRow("", self.messages.label_for("initials"))
        form.addRow("Your role", self.role)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        self.ok = dialog_buttons(self, layout, "Start working", self.submit, cancel=False)

    def submit(self) -> None:
        initials = self.initials.text().strip().upper()
        if not initials.isalpha() or not 2 <= len(initials) <= 4:
            self.messages.show([Problem("initials", "Enter your initials: 2 to 4 letters.")])
            return
        self.signed_in.emit(User(initials=initials, role=self.role.value(), workstation=workstation_name()))
        self.accept()

    def reject(self) -> None:  # Escape does not leave an unattributed session
        self.messages.show([Problem("initials", "Enter your initials and role to continue.")])


class IdleWatcher(QObject):
    """Emits ``idle`` after ``interval_ms`` without a key press, mouse click or wheel turn in any
    window of the application.

    Every input event reaches the application through a window (``QWindow``) before any widget
    sees it, so the filter sits on the windows. A filter on the application itself would see every
    event of every widget (over 2000 while the main window is built and first painted, each one
    crossing into Python: about 70 ms of start-up). Windows are picked up once the event loop
    runs and whenever the focus moves (dialogs and popups included). A window the filter did not
    reach yet could only make the sign-out come early, never late.
    """

    idle = Signal()
    _ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel}

    def __init__(self, app: QGuiApplication, interval_ms: int = IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.idle)
        self._app = app
        self._watching = True
        app.focusWindowChanged.connect(self.watch_windows)
        if hasattr(app, "focusChanged"):  # QApplication: the focus moved between widgets
            app.focusChanged.connect(self.watch_windows)
        self.watch_windows()
        QTimer.singleShot(0, self, self.watch_windows)  # the main window, shown by then
        self.timer.start()

    def watch_windows(self, *_args: object) -> None:
        for window in self._app.allWindows():
            window.installEventFilter(self)  # installing it twice on one object keeps one

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in self._ACTIVITY:
            self.timer.start()
        return False

    def stop(self) -> None:
        """Stop watching (safe to call again: a window may be closed twice)."""
        self.timer.stop()
        if self._watching:
            self._watching = False
            self._app.focusWindowChanged.disconnect(self.watch_windows)
            if hasattr(self._app, "focusChanged"):
                self._app.focusChanged.disconnect(self.watch_windows)
        for window in self._app.allWindows():
            window.removeEventFilter(self)

