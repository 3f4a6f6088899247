"""The window's one door for permissions and signatures (issue 18).

Every write of the screens goes through :meth:`PatientState.save`, which asks :meth:`Gate.admit`
first. The gate finds which store call the write makes (the work is run once against a stand-in
that only notes the call: no store is touched), looks up that action in
:mod:`pacer_desktop.core.permissions` for the signed-in role, and

- refuses it with the table's sentence (shown at the form; nothing is sent to storage), or
- for a signed action (escalation, restart), asks the PIN again in a :class:`SignDialog` showing
  the meaning ("escalated to every 6 hours"), then writes the row and records the signature on it
  (:meth:`Accounts.sign`: who, when, meaning, table and row id) in the same worker job.

The PIN is checked in the dialog (a sign-in, counted towards the lock-out and audited) before the
row is written, so a wrong PIN stores nothing. Signed window actions that are not rows (export,
restore, eligibility sign-off, people) call :meth:`Gate.sign_then` themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..core import notation, permissions
from ..core.errors import Problem
from ..storage.records import KINDS
from .widgets import dialog_buttons

if TYPE_CHECKING:
    from .patient_state import PatientState

#: The store's writing methods, each with the kind of entry it makes and the table's action.
WRITES: dict[str, tuple[str, str]] = {
    "add_temperature": ("temperature", "record_temperature"),
    "add_weight": ("weight", "record_weight"),
    "add_assessment": ("assessment", "record_assessment"),
    "add_medication": ("medication", "record_dose_given"),
    "add_dose_outcome": ("dose_outcome", "record_dose_not_given"),
    "add_escalation": ("escalation", "escalate"),
    "add_restart": ("restart", "restart"),
    "add_eligibility": ("eligibility", "enter_eligibility"),
}
#: The action that made an entry of each kind (who may correct it: the author or that action's roles).
KIND_ACTIONS = {kind: action for kind, action in WRITES.values()}
NOT_SIGNED = "Not signed: nothing was saved."


class _Noted(Exception):
    """The store call a work makes, noted instead of made."""

    def __init__(self, method: str, args: tuple, kwargs: dict) -> None:
        super().__init__(method)
        self.method, self.args, self.kwargs = method, args, kwargs


class _StandIn:
    """Takes the store's place for :func:`intent_of`: its first method call is noted, not made."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            raise _Noted(name, args, kwargs)
        return call


def intent_of(work: Callable, user: object, patient_id: int | None) -> _Noted | None:
    """The store call ``work(store, user, patient_id)`` would make; None when it makes none this way."""
    try:
        work(_StandIn(), user, patient_id)
    except _Noted as noted:
        return noted
    except Exception:  # noqa: BLE001 - a work that does more than one call: judged by the store
        return None
    return None


def tooltip_refusal(role: str, action: str) -> str:
    """The table's refusal as a control's tooltip: who may, without "nothing was saved"."""
    return permissions.refusal(role, action).replace("; nothing was saved.", ".")


class SignDialog(QDialog):
    """The PIN asked again for one signature; ``signed(pin, session)`` once the PIN is checked."""

    signed = Signal(str, object)

    def __init__(self, state: PatientState, meaning: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.was_signed = False
        self.checking = False  # the PIN is with the worker: Escape waits for its answer
        self.abandoned = False  # closed by the program during the check: its answer signs nothing
        self.setWindowTitle("Sign")
        self.setModal(True)
        user = state.user
        self.meaning = QLabel(meaning, objectName="sign_meaning")
        self.meaning.setWordWrap(True)
        font = self.meaning.font()
        font.setBold(True)
        self.meaning.setFont(font)
        self.pin = QLineEdit(objectName="sign_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(32)
        self.message = QLabel(objectName="sign_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        intro = QLabel("Your PIN again signs this, under your name, at this time:")
        form = QFormLayout()
        form.addRow("Signed by", QLabel(f"{user.initials} ({user.role})" if user else "nobody signed in"))
        form.addRow("Your PIN", self.pin)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.meaning)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.ok = dialog_buttons(self, layout, "Sign", self.submit)

    def submit(self) -> None:
        user, pin = self.state.user, self.pin.text()
        if user is None:
            self.message.setText("Nobody is signed in.")
            return
        self.ok.setEnabled(False)
        self.checking = True

        def checked(session) -> None:
            self.checking = False
            if self.abandoned:  # the form was already told "Not signed": that stays true
                return
            self.was_signed = True
            self.signed.emit(pin, session)
            self.accept()

        def refused(exc: BaseException) -> None:
            self.checking = False
            if self.abandoned:
                return
            self.ok.setEnabled(True)
            self.pin.clear()
            self.message.setText(f"Not signed: {exc}.")

        self.state.ops.run(lambda store: accounts_for(store, user).sign_in(user.initials, pin),
                           on_success=checked, on_failure=refused)


    def reject(self) -> None:  # Escape, Cancel, the close box
        if self.checking:
            return  # the check answers soon (it may wait behind another write): then signed, or why not
        super().reject()

    def done(self, result: int) -> None:
        if self.checking and result != QDialog.DialogCode.Accepted:
            self.abandoned = True  # closed by the program (another patient, another user)
        super().done(result)


def accounts_for(store, user):
    """The accounts of ``store``, written as from ``user``'s workstation."""
    from ..storage.accounts import Accounts
    return Accounts(store, workstation=user.workstation)


class Gate(QObject):
    """Permissions and signatures for one window's state (see the module's text)."""

    def __init__(self, state: PatientState, parent: QWidget) -> None:
        super().__init__(parent)
        self.state = state
        self.window = parent
        self.dialog: SignDialog | None = None

    def refusal(self, action: str) -> str:
        """"" when the signed-in user may do ``action``; else the sentence to show."""
        user = self.state.user
        if user is None:
            return "Nobody is signed in: sign in with your initials and PIN first."
        return permissions.refusal(user.role, action)

    def sign_then(self, meaning: str, then: Callable[[str, Any], None],
                  unsigned: Callable[[], None] | None = None) -> None:
        """Ask the PIN for ``meaning``; ``then(pin, session)`` once it is checked (the session of
        that check), ``unsigned()`` if the dialog is closed without signing."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.done(0)
        dialog = SignDialog(self.state, meaning, self.window)
        dialog.signed.connect(then)
        if unsigned is not None:  # closed without a signature (not a signed dialog closed later)
            dialog.rejected.connect(lambda: None if dialog.was_signed else unsigned())
        self.dialog = dialog
        dialog.open()

    def admit(self, work: Callable, on_problems: Callable[[tuple[Problem, ...]], None],
              run: Callable[[Callable], None]) -> bool:
        """Check one write of :meth:`PatientState.save`: refused (False), or ``run(work)`` now or
        once signed (True)."""
        user, pid = self.state.user, self.state.patient_id
        noted = intent_of(work, user, pid)
        if noted is None or (noted.method not in WRITES and noted.method != "correct"):
            run(work)
            return True
        if noted.method == "correct":
            refused = self._correction_refusal(noted)
            action = ""
        else:
            kind, action = WRITES[noted.method]
            refused = permissions.refusal(user.role, action)
        if refused:
            on_problems((Problem("", refused),))
            return False
        if not action or not permissions.needs_signature(action):
            run(work)
            return True
        meaning, table = self.meaning(action), KINDS[kind]

        def signed(pin: str, _session) -> None:
            def signed_work(store, user, pid):
                with store.one_step():  # the entry and its signature are stored together, or neither
                    row_id = work(store, user, pid)
                    accounts_for(store, user).sign(user.initials, pin, action=action, meaning=meaning,
                                                   table=table, row_id=row_id, patient_id=pid)
                return row_id
            run(signed_work)

        self.sign_then(meaning, signed, lambda: on_problems((Problem("", NOT_SIGNED),)))
        return True

    def _correction_refusal(self, noted: _Noted) -> str:
        user = self.state.user
        kind, entry_id = noted.args[1], noted.args[2]
        action = KIND_ACTIONS.get(kind)
        author = next((e.entered_by for e in self.state.entries if e.kind == kind and e.id == entry_id), None)
        if action is None or author is None:
            return ""  # a patient's details, or an entry the store will not find: the store says
        return permissions.correction_refusal(user.initials, user.role, author=author, action=action)

    def meaning(self, action: str) -> str:
        """What a signature of ``action`` on this patient means, in the ward's words."""
        if action == "escalate":
            return f"escalated to {notation.every_hours(self.state.protocol.schedule.escalated_interval_h)}"
        if action == "restart":
            return "restarted anakinra (a new course)"
        if action == "sign_eligibility":
            return "signed eligibility"
        return permissions.TABLE[action].words


def add_sign_off(window, screen) -> QWidget:
    """The investigator's "Sign eligibility…" button beside the eligibility screen's save button:
    signs the patient's current eligibility assessment (the newest), with the PIN asked again."""
    from PySide6.QtWidgets import QPushButton
    button = QPushButton("Si&gn eligibility (investigator)…", objectName="sign_eligibility")
    bottom = next(layout for layout in screen.layout().children() if layout.indexOf(screen.save_button) >= 0)
    bottom.addWidget(button)
    state, gate = window.state, window.gate

    def sign_off() -> None:
        show = window.statusBar().showMessage
        if refused := gate.refusal("sign_eligibility"):
            show(f"⚠ {refused}", 15000)
            return
        entries = state.live_entries("eligibility")
        if not entries:
            show("⚠ No eligibility assessment to sign yet: save one first.", 15000)
            return
        entry, pid, meaning = max(entries, key=lambda e: e.id), state.patient_id, gate.meaning("sign_eligibility")

        def signed(pin: str, _session) -> None:
            user = state.user
            state.ops.run(lambda store: accounts_for(store, user).sign(
                user.initials, pin, action="sign_eligibility", meaning=meaning, table=KINDS["eligibility"],
                row_id=entry.id, patient_id=pid),
                on_success=lambda _sig: show(f"✓ Eligibility assessment signed by {user}", 15000),
                on_failure=lambda exc: show(f"⚠ Not signed: {exc}", 30000))
        gate.sign_then(meaning, signed)

    button.clicked.connect(sign_off)
    return button
