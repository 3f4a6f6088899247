"""Who is working (issue 18): the first administrator, sign-in with initials and PIN, a PIN that
must be changed, and the idle lock after 15 minutes without input.

The dialogs only draw the steps; :class:`~pacer_desktop.storage.accounts.Accounts` decides, on the
store's worker (:class:`.ops.StoreOps`: a PIN check is a slow scrypt and an audited write). Each
dialog emits ``signed_in(Session)`` when someone is signed in.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from .ops import StoreOps
from .widgets import dialog_buttons, say_in

IDLE_MS = 15 * 60 * 1000
MIN_PIN = 6


def pin_edit(name: str) -> QLineEdit:
    edit = QLineEdit(objectName=name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(32)
    edit.setPlaceholderText(f"{MIN_PIN} digits or more")
    return edit


def initials_edit(text: str, example: str) -> QLineEdit:
    edit = QLineEdit(text, objectName="initials")
    edit.setMaxLength(8)
    edit.setPlaceholderText(f"e.g. {example}")
    return edit


def _accounts(store):
    from ..storage.accounts import Accounts
    return Accounts(store)


def new_pin_problem(pin: str, again: str) -> str:
    """"" when ``pin`` may be a new PIN typed the same twice; else what to fix."""
    if not pin.isascii() or not pin.isdigit() or len(pin) < MIN_PIN:
        return f"A PIN is at least {MIN_PIN} digits (0–9)."
    if pin != again:
        return "The two PINs are not the same: type the new PIN twice."
    return ""


class _AccountDialog(QDialog):
    """A modal dialog whose answer is checked by the accounts on the worker."""

    signed_in = Signal(object)

    def __init__(self, ops: StoreOps, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle(title)
        self.setModal(True)
        self.intro = QLabel(intro, objectName="sign_in_intro")
        self.intro.setWordWrap(True)
        self.message = QLabel(objectName="sign_in_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.form = QFormLayout()
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.intro)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        # Sized when shown, with every row and button in place: sized earlier, the wrapped intro
        # got the height of fewer lines and its last line was cut off (seen under Xvfb).
        self.adjustSize()
        super().showEvent(event)

    def ask(self, work, done) -> None:
        """``work(accounts)`` on the worker; ``done(value)`` after, or its refusal shown."""
        self.ok.setEnabled(False)
        say_in(self.message, "Checking…")

        def refused(exc: BaseException) -> None:
            self.ok.setEnabled(True)
            text = str(exc)
            say_in(self.message, text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))

        def succeeded(value) -> None:
            self.ok.setEnabled(True)
            say_in(self.message, "")
            done(value)

        self.ops.run(lambda store: work(_accounts(store)), on_success=succeeded, on_failure=refused)

    def signed_in_as(self, session) -> None:
        self.signed_in.emit(session)
        self.accept()


class FirstAdministratorDialog(_AccountDialog):
    """The first start of a database without users: the first administrator. Not skippable:
    closing it (``rejected``) closes the application."""

    def __init__(self, ops: StoreOps, parent: QWidget | None = None) -> None:
        super().__init__(ops, "First start: the administrator",
                         "This database has no users yet. Make the first administrator: they add the"
                         " nurses, pharmacists, prescribers and research staff. Entries already recorded"
                         " keep their initials. Closing this window closes PACER Desktop.", parent)
        self.initials = initials_edit("", "AD")
        self.name = QLineEdit(objectName="full_name")
        self.pin = pin_edit("pin")
        self.pin_again = pin_edit("pin_again")
        self.form.addRow("Initials", self.initials)
        self.form.addRow("Full name", self.name)
        self.form.addRow("PIN", self.pin)
        self.form.addRow("PIN again", self.pin_again)
        self.ok = dialog_buttons(self, self.layout_, "Create the administrator", self.submit)

    def submit(self) -> None:
        initials, name, pin = self.initials.text().strip().upper(), self.name.text().strip(), self.pin.text()
        problem = ("Give your initials and full name." if not initials or not name
                   else new_pin_problem(pin, self.pin_again.text()))
        if problem:
            say_in(self.message, problem)
            return

        def work(accounts):
            accounts.create_first_admin(initials, name=name, pin=pin)
            return accounts.sign_in(initials, pin)
        self.ask(work, self.signed_in_as)


class SignInDialog(_AccountDialog):
    """Initials and PIN; the role comes from the account. A PIN reset by an administrator is
    changed here before work starts. Cannot be dismissed without signing in."""

    def __init__(self, ops: StoreOps, parent: QWidget | None = None, *, reason: str = "",
                 initials: str = "") -> None:
        super().__init__(ops, "Sign in", reason or "Sign in with your initials and PIN: every entry is"
                         " recorded under your name and role.", parent)
        self.initials = initials_edit(initials, "AB")
        self.pin = pin_edit("pin")
        self.new_pin = pin_edit("new_pin")
        self.new_pin_again = pin_edit("new_pin_again")
        self.form.addRow("Your initials", self.initials)
        self.form.addRow("Your PIN", self.pin)
        self.form.addRow("New PIN", self.new_pin)
        self.form.addRow("New PIN again", self.new_pin_again)
        self._changing(False)
        self.ok = dialog_buttons(self, self.layout_, "Sign in", self.submit, cancel=False)
        (self.pin if initials else self.initials).setFocus()
        self.session = None

    def _changing(self, on: bool) -> None:
        for edit in (self.new_pin, self.new_pin_again):
            edit.setVisible(on)
            self.form.labelForField(edit).setVisible(on)
        self.initials.setEnabled(not on)
        self.pin.setEnabled(not on)
        self.adjustSize()  # room for the rows shown

    def submit(self) -> None:
        if self.session is not None:
            self._change_pin()
            return
        initials, pin = self.initials.text().strip().upper(), self.pin.text()
        if not initials or not pin:
            say_in(self.message, "Type your initials and your PIN.")
            return
        self.ask(lambda accounts: accounts.sign_in(initials, pin), self._signed_in)

    def _signed_in(self, session) -> None:
        if session.must_change_pin:
            self.session = session
            self._changing(True)
            self.new_pin.setFocus()
            say_in(self.message, "An administrator set this PIN: change it to your own now (type the new PIN twice).")
            return
        self.signed_in_as(session)

    def _change_pin(self) -> None:
        session, old, new = self.session, self.pin.text(), self.new_pin.text()
        if problem := new_pin_problem(new, self.new_pin_again.text()):
            say_in(self.message, problem)
            return

        def work(accounts):
            accounts.change_pin(session, old, new)
            return accounts.sign_in(session.initials, new)
        self.ask(work, self.signed_in_as)

    def reject(self) -> None:  # Escape does not leave the window open to anyone
        say_in(self.message, "Sign in with your initials and PIN to continue.")


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

