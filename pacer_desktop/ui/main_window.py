"""The main window: patient list on the left; header and the three screens on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSettings, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QLabel, QMainWindow, QSplitter, QStackedWidget, QTabBar,
                               QVBoxLayout, QWidget)

from ..storage import Store, StorageError, User
from .grading import GradingScreen
from .header import PatientHeader
from .ops import StoreOps
from .patient_state import Clock, PatientState
from .patients import PatientList
from .print_menu import install as install_print_menu
from .print_menu import make_printer
from .admin_menu import install as install_admin_menu
from .permits import Permits
from .signin import IDLE_MS, FirstAdministratorDialog, IdleWatcher, SignInDialog
from .signing import Gate, add_sign_off
from .study_export import install as install_file_menu

if TYPE_CHECKING:
    from .dose import DoseScreen
    from .eligibility import EligibilityScreen
    from .printing import DocumentPrinter
    from .study_export import StudyExporter

SCREENS = ("Temperature && grading", "Dose && schedule", "Eligibility")
#: The window's size where the screen has room for it (the ward's usual 1366×768 laptops).
PREFERRED_SIZE = (1366, 768)
#: A window frame's title bar and border before the window manager has drawn them.
TITLE_BAR_GUESS_PX = 32
FRAME_GUESS_PX = 4


def settings() -> QSettings:
    """Application settings; tests point them at a temporary folder (``PACER_SETTINGS_DIR``)."""
    import os
    folder = os.environ.get("PACER_SETTINGS_DIR")
    if folder:
        return QSettings(f"{folder}/pacer-desktop.ini", QSettings.Format.IniFormat)
    return QSettings("PACER", "PACER Desktop")


class MainWindow(QMainWindow):
    def __init__(self, store: Store, *, user: User | None = None, clock: Clock | None = None,
                 idle_ms: int = IDLE_MS, ask_who: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("PACER Desktop")
        self.store = store
        self.settings = settings()
        self.ops = StoreOps(store, self)
        self.state = PatientState(store, self.ops, clock=clock, parent=self)
        self.state.user = user

        self.patients = PatientList(self.state)
        self.header = PatientHeader(self.state)
        self.tabs = QTabBar()
        self.tabs.setObjectName("screens")
        for i, title in enumerate(SCREENS):
            self.tabs.addTab(f"{title}  (Ctrl+{i + 1})")
        self.grading = GradingScreen(self.state)
        self._screens: dict[int, QWidget] = {0: self.grading}
        self.stack = QStackedWidget()
        self.stack.addWidget(self.grading)
        for _title in SCREENS[1:]:  # placeholders: the other screens are built when first shown
            self.stack.addWidget(QWidget())
        self.tabs.currentChanged.connect(self._on_tab_changed)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.tabs)
        right_layout.addWidget(self.stack, 1)
        splitter = QSplitter()
        splitter.addWidget(self.patients)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 1100])
        self.setCentralWidget(splitter)
        self.user_label = QLabel(objectName="user_label")
        self.busy_label = QLabel()
        self.backup_label = QLabel(objectName="backup_label")  # stays until a copy succeeds
        self.statusBar().addPermanentWidget(self.backup_label)
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().addPermanentWidget(self.user_label)
        self.dialog = None
        self.who_dialog: SignInDialog | FirstAdministratorDialog | None = None
        self.people_dialog = None
        self.gate = Gate(self.state, self)  # issue 18: every write checked, the signed ones signed
        self.state.gate = self.gate
        self._sign_off = None
        self._closing = False

        self._actions()
        self._printer: DocumentPrinter | None = None
        self._exporter: StudyExporter | None = None
        install_file_menu(self)  # issue 19: the exports
        install_print_menu(self)
        install_admin_menu(self)
        self.permits = Permits(self)
        self.patients.patient_chosen.connect(self.open_patient)
        self.grading.flowsheet.eligibility_correction.connect(self.correct_eligibility)
        self.patients.new_button.clicked.connect(self.new_patient)
        self.state.saved.connect(lambda text: self.statusBar().showMessage(f"✓ Saved: {text}", 15000))
        self.state.failed.connect(self._on_failed)
        self.state.stale.connect(lambda text: self._on_failed(text, title="Saved: the screen may be out of date"))
        self.state.user_changed.connect(self._show_user)
        self.state.switched.connect(self._close_patient_dialogs)
        self.state.switched.connect(self.statusBar().clearMessage)  # nothing of the last patient stays
        self.ops.busy_changed.connect(lambda busy: self.busy_label.setText("saving…" if busy else ""))
        self._show_user()
        self.idle = IdleWatcher(QApplication.instance(), idle_ms, self)
        self.idle.idle.connect(self._on_idle)
        self.minute = QTimer(self)  # the status line counts down
        self.minute.timeout.connect(self._tick)
        self.minute.start(30_000)
        self.hourly = QTimer(self)  # a window left open for days still makes its daily copy
        self.hourly.timeout.connect(self.back_up_daily)
        self.hourly.start(3_600_000)
        self.reopen_last()
        if user is None and ask_who:
            self.centralWidget().hide()  # nobody signed in yet: no patient on show (issue 18)
            QTimer.singleShot(0, lambda: self.ask_who())

    def _actions(self) -> None:
        # Window-wide shortcuts (an action's default context).
        for i in range(3):
            action = QAction(SCREENS[i].replace("&&", "&"), self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _c=False, i=i: self.show_screen(i))
            self.addAction(action)
        for keys, slot in (("Ctrl+N", self.new_patient), ("Ctrl+F", self._focus_search),
                           ("Ctrl+L", lambda: self.ask_who("The window is locked (Ctrl+L). Sign in with your initials and PIN."))):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.addAction(action)

    # ---- where the window goes -----------------------------------------------------------------
    def fit_into(self, available: QRect) -> None:
        """Size and place the window, frame (title bar) included, inside ``available`` (a screen
        less its task bar): on a 1366×768 screen a window 768 pixels tall put the status bar,
        with save confirmations and who is signed in, below the screen (issue 14 §4)."""
        frame_w = self.frameGeometry().width() - self.width()
        frame_h = self.frameGeometry().height() - self.height()
        if frame_h <= 0 and not self.isVisible():
            frame_w, frame_h = 2 * FRAME_GUESS_PX, TITLE_BAR_GUESS_PX + FRAME_GUESS_PX  # until the frame is known
        width = min(PREFERRED_SIZE[0], available.width() - frame_w)
        height = min(PREFERRED_SIZE[1], available.height() - frame_h)
        self.resize(max(width, self.minimumSizeHint().width()), max(height, self.minimumSizeHint().height()))
        self.move(available.topLeft())

    def show_on_screen(self) -> None:
        """Show the window fitted to its screen's free area; fitted again once the window manager
        has put its frame round it (its size is known only then)."""
        screen = self.screen() or QApplication.primaryScreen()
        self.fit_into(screen.availableGeometry())
        self.show()
        QTimer.singleShot(0, lambda: self.fit_into((self.screen() or screen).availableGeometry()))

    # ---- navigation ------------------------------------------------------------------------
    def show_screen(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        if index == 0:
            self.grading.first_field().setFocus()

    def _on_tab_changed(self, index: int) -> None:
        self._screen(index)
        self.stack.setCurrentIndex(index)

    def _screen(self, index: int) -> QWidget:
        """Screen ``index``, built on first use. Start-up builds only the screen it shows: the dose
        and eligibility screens (their modules, widgets and first redraw) are built when first
        shown or asked for, and from then on redraw on every change like the others."""
        screen = self._screens.get(index)
        if screen is None:
            if index == 1:
                from .dose import DoseScreen
                screen = DoseScreen(self.state)
            else:
                from .eligibility import EligibilityScreen
                screen = EligibilityScreen(self.state)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, screen)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._screens[index] = screen
            if index == 2:
                self._sign_off = add_sign_off(self, screen)
            self.permits.follow_redraws()
        return screen

    @property
    def printing(self) -> DocumentPrinter:
        """Makes, previews, prints and saves documents; built (with its module) on first use."""
        if self._printer is None:
            self._printer = make_printer(self)
        return self._printer

    @property
    def study_export(self) -> StudyExporter:
        """Exports for the study and the hospital record (issue 19), made on first use."""
        if self._exporter is None:
            from .study_export import make_exporter
            self._exporter = make_exporter(self)
        return self._exporter

    @property
    def dose(self) -> DoseScreen:
        return self._screen(1)

    @property
    def eligibility(self) -> EligibilityScreen:
        return self._screen(2)

    @property
    def eligibility_sign_off(self):
        """The investigator's "Sign eligibility…" button on the eligibility screen (issue 18)."""
        self._screen(2)
        return self._sign_off

    def open_people(self) -> None:
        """The administrator's People dialog (issue 18)."""
        if refused := self.gate.refusal("manage_users"):
            self.statusBar().showMessage(f"⚠ {refused}", 15000)
            return
        from .people import PeopleDialog
        self.people_dialog = PeopleDialog(self)
        self.people_dialog.open()

    def correct_eligibility(self, entry) -> None:
        """Correct a stored eligibility assessment on the eligibility screen (the flowsheet asks)."""
        self.show_screen(2)
        self.eligibility.start_correction(entry)

    def _focus_search(self) -> None:
        self.patients.search.setFocus()
        self.patients.search.selectAll()

    def open_patient(self, patient_id: int | None) -> None:
        self.state.select(patient_id)
        if patient_id is not None and str(self.settings.value(self._last_key())) != str(patient_id):
            self.settings.setValue(self._last_key(), patient_id)  # a write and sync (~6 ms) only on change:
            self.settings.sync()  # reopening the last patient at start changes nothing

    def _last_key(self) -> str:
        return f"last_patient/{self.store.path}"

    def reopen_last(self) -> None:
        """The patient on screen when the window last closed, if any; the patient list is drawn
        by that patient's reload (state.changed), so the reopened case is evaluated once."""
        try:
            pid = int(self.settings.value(self._last_key()))
            self.store.patient(pid)
        except (StorageError, ValueError, TypeError):  # none kept, or no longer there
            self.patients.refresh()
            return
        self.open_patient(pid)

    def new_patient(self) -> None:
        from .new_patient import NewPatientDialog  # made on first use, not at every start
        self.dialog = NewPatientDialog(self.state, self)
        self.dialog.created.connect(self.open_patient)
        self.dialog.open()

    # ---- who is working ----------------------------------------------------------------------
    def ask_who(self, reason: str = "") -> None:
        """Lock the window and ask who is working: the first administrator on a database without
        users, else initials and PIN (the last user's initials already typed)."""
        if self.who_dialog is not None and self.who_dialog.isVisible():
            return
        from ..storage.accounts import Accounts
        previous = self.state.user
        self.state.set_user(None)
        was_in = QApplication.focusWidget()
        self.centralWidget().hide()  # locked: nothing of the patient on show
        if Accounts(self.store).has_users():
            dialog = SignInDialog(self.ops, self, reason=reason, initials=previous.initials if previous else "")
        else:
            dialog = FirstAdministratorDialog(self.ops, self)
            dialog.rejected.connect(self._first_start_refused)
        dialog.signed_in.connect(lambda session: self._signed_in(session, previous, was_in))
        self.who_dialog = dialog
        dialog.open()

    def _first_start_refused(self) -> None:
        """No first administrator, no work: the application closes."""
        if not self._closing:
            self.close()

    def _signed_in(self, session, previous: User | None, was_in: QWidget | None) -> None:
        """Back to work as ``session``'s user. Another user than the one locked out starts afresh:
        no half-typed entry, open dialog or patient search of the previous user is carried over."""
        from ..storage.location import workstation_name
        user = User(initials=session.initials, role=session.role, workstation=workstation_name())
        if previous is not None and previous.initials != user.initials:
            self.state.switched.emit()  # the forms clear and the patient's dialogs close
            # the last user's PIN prompt (a signature half done), New patient and People go too
            for dialog in (self.gate.dialog, self.dialog, self.people_dialog):
                if dialog is not None and dialog.isVisible():
                    dialog.done(0)
            self.patients.search.clear()
            was_in = None
        self.centralWidget().show()
        self.state.set_user(user)  # each screen redraws for the new role (Permits)
        self.patients.refresh()
        self._back_to_work(was_in)

    def _back_to_work(self, was_in: QWidget | None) -> None:
        """After signing in, the keyboard goes on where it was (after an idle sign-out), or else to
        where entry starts: the temperature of the patient on screen, or the patient search."""
        from shiboken6 import isValid
        if was_in is not None and isValid(was_in) and was_in.isVisible():
            target = was_in  # a field of this window or of a dialog left open
        elif self.state.patient_id is not None and self.stack.currentIndex() == 0:
            target = self.grading.first_field()
        else:
            target = self.patients.search
        target.window().activateWindow()  # not every window manager gives focus back by itself
        target.setFocus()

    def _on_idle(self) -> None:
        minutes = max(self.idle.timer.interval() // 60_000, 1)
        self.ask_who(f"No activity for {minutes} minutes: the window is locked. Sign in again with your PIN,"
                     " or sign in as yourself if you are someone else.")

    def _show_user(self) -> None:
        u = self.state.user
        self.user_label.setText(f"Working: {u} on {u.workstation}  (Ctrl+L to change)" if u else "Nobody signed in")

    def _on_failed(self, text: str, title: str = "Not saved") -> None:
        self.statusBar().showMessage(f"⚠ {text}")
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, parent=self)
        box.open()
        self._failure_box = box

    def back_up_daily(self) -> None:
        """The database's daily copy (storage backups), made on a background thread: copying a
        large file takes seconds, and entries go on being saved meanwhile."""
        def done(result) -> None:
            path, not_checkable = result
            self.backup_label.setText("")
            if not_checkable:  # the audit key is not on this workstation (storage issue 17, point 8)
                self.backup_label.setText("⚠ Edits to this database cannot be checked here: an administrator"
                                          " must import its audit key")
                self.backup_label.setToolTip(not_checkable)
            if path is not None:  # the whole file was checked before it was copied (storage issue 17)
                self.statusBar().showMessage(
                    f"✓ Today's backup of the database was made (the database checked: ok): {path.name}", 15000)

        def failed(exc: BaseException) -> None:  # entries are safe; the copy is what is missing
            from ..storage import CorruptDatabase
            if isinstance(exc, CorruptDatabase):  # the full check, run with the daily backup, found damage
                self.backup_label.setText("⚠ The database check found damage (no backup made today): tell IT")
                self.backup_label.setToolTip(str(exc))
                return
            self.backup_label.setText("⚠ Today's backup failed (entries are still saved): tell IT")
            self.backup_label.setToolTip(f"Copying the database into {self.store.backups_dir} failed: {exc}")
        self.ops.run_in_background(lambda store: (store.daily_backup(), store.key_status()),
                                   on_success=done, on_failure=failed)

    def _tick(self) -> None:
        if self.ops.busy:
            return
        if self.state.patient_id is not None:
            self.state.reload()  # the patient list follows (state.changed)
        else:
            self.patients.refresh()

    def _patient_dialogs(self) -> list:
        """Open dialogs that belong to the patient on screen: entries, corrections, a preview."""
        return [d for d in (getattr(self._screens.get(1), "dialog", None), self.grading.flowsheet.dialog,
                            self._printer and self._printer.dialog) if d is not None]

    def _close_patient_dialogs(self) -> None:
        """Another patient was selected: a dialog still open was for the one before (issue 14 §3)."""
        for dialog in self._patient_dialogs():
            if dialog.isVisible():
                dialog.done(0)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._closing = True
        self.ops.wait(background=False)  # never lose an entry: queued writes finish first
        QApplication.processEvents()
        self.idle.stop()
        self.minute.stop()  # a closed window reads nothing more: the store may close next
        self.hourly.stop()
        for dialog in (self.dialog, self.who_dialog, self.people_dialog, self.gate.dialog, *self._patient_dialogs()):
            if dialog is not None:
                dialog.done(0)
        super().closeEvent(event)
