"""The pharmacist's independent double check in the window (issue 18; ISMP's independent double
check of a high-alert weight-based dose).

:class:`DoubleCheckDialog` asks first, blind, for the weight the pharmacist read from the chart
and their own dose (mg) and volume (mL). For as long as it is open, :class:`Blindfold` hides every
other window's content (the header, the status line, the dose screen, the flowsheet, the banners,
any other dialog), so no visible widget shows the calculator's figures. "Compare" then sets both
side by side (:func:`pacer_desktop.core.double_check.compare`): a match is signed "verified dose"
with the PIN asked again; a mismatch shows both with the working, records no verification and is
audited (:mod:`pacer_desktop.storage.dose_verification`).

The dialog is given who is signed in (a storage ``User``), an ``Accounts`` and ``ask_pin(parent,
text) -> str | None``, so it works with whichever sign-in the window has.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMainWindow,
                               QVBoxLayout, QWidget)

from ..core import notation, wording
from ..core.double_check import DoubleCheck, PharmacistFigures, compare
from ..storage import dose_verification as stored
from .patient_state import PatientState
from .widgets import parse_decimal

AskPin = Callable[[QWidget, str], "str | None"]
_FIGURES = (("weight_kg", "Weight", notation.kg), ("dose_mg", "Dose", notation.mg), ("volume_ml", "Volume", notation.ml))


class Blindfold:
    """Hides what every other window shows while ``dialog`` is open, and shows it again after:
    a main window's central widget and status bar, any other window whole."""

    def __init__(self, dialog: QWidget) -> None:
        self.dialog = dialog
        self.hidden: list[QWidget] = []

    def put_on(self) -> None:
        for top in QApplication.topLevelWidgets():
            if top is self.dialog or not top.isVisible():
                continue
            parts = [top.centralWidget(), top.statusBar()] if isinstance(top, QMainWindow) else [top]
            for part in parts:
                if part is not None and part.isVisible():
                    part.hide()
                    self.hidden.append(part)

    def take_off(self) -> None:
        from shiboken6 import isValid
        for part in self.hidden:
            if isValid(part):
                part.show()
        self.hidden = []


def side_by_side(check: DoubleCheck, rules) -> str:
    """The comparison as a small table (rich text), the working under it."""
    rows = []
    for name, label, shown in _FIGURES:
        f = next(x for x in check.figures if x.name == name)
        rule = "must be the same" if f.tolerance == 0 else f"less than {shown(f.tolerance)} apart"
        verdict = "✓ matches" if f.matches else f"✗ DIFFERS ({rule})"
        rows.append(f"<tr><td>{label}</td><td>{escape(shown(f.pharmacist))}</td>"
                    f"<td>{escape(shown(f.calculated))}</td><td>{escape(verdict)}</td></tr>")
    return ("<table cellpadding='3'><tr><th></th><th>yours</th><th>calculated</th><th></th></tr>"
            f"{''.join(rows)}</table>"
            f"<p>Calculator's working: {escape(check.working)}</p>"
            f"<p>The protocol for the weight you read:"
            f" {escape(wording.dose_working(check.for_pharmacists_weight, rules))}</p>")


class DoubleCheckDialog(QDialog):
    """Blind entry, Compare, then Sign (a match) or the mismatch shown and audited."""

    def __init__(self, state: PatientState, *, user, accounts, ask_pin: AskPin,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.user, self.accounts, self.ask_pin = state, user, accounts, ask_pin
        self.patient_id = state.patient_id
        self.calculated = stored.dose_working(state.result) if state.result is not None else None
        self.mine: PharmacistFigures | None = None
        self.blindfold = Blindfold(self)
        self.setWindowTitle("Verify dose (independent double check)")
        # wide enough for its whole title in the window manager's title bar (with its buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance(self.windowTitle()) + 160)
        record = state.record
        intro = QLabel(f"Patient {record.name}, MRN {record.mrn}.\nWork out the dose from the chart and the"
                       " protocol on your own: the calculator's figures are hidden until you compare.")
        intro.setWordWrap(True)
        self.weight = QLineEdit(objectName="mine_weight_kg")
        self.mg = QLineEdit(objectName="mine_dose_mg")
        self.ml = QLineEdit(objectName="mine_volume_ml")
        self.comparison = QLabel(objectName="double_check_comparison")
        self.comparison.setWordWrap(True)
        self.message = QLabel(objectName="double_check_message")
        self.message.setWordWrap(True)
        # Enter compares, and once the figures match, Enter signs; only Close (or Escape) closes.
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.compare_button = buttons.addButton("&Compare", QDialogButtonBox.ButtonRole.ActionRole)
        self.compare_button.setObjectName("compare")
        self.compare_button.clicked.connect(self.compare)
        self.sign_button = buttons.addButton("&Sign “verified dose”…", QDialogButtonBox.ButtonRole.ActionRole)
        self.sign_button.setObjectName("sign_verified")
        self.sign_button.setEnabled(False)
        self.sign_button.clicked.connect(self.sign)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        form = QFormLayout()
        form.addRow("Weight read from the chart (kg)", self.weight)
        form.addRow("Your dose (mg)", self.mg)
        form.addRow("Your volume (mL)", self.ml)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.comparison)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.compare_button.setDefault(True)
        self.finished.connect(lambda _code: self.blindfold.take_off())
        if self.calculated is None:
            self.message.setText("No current dose to verify (no dosing weight).")
            self.compare_button.setEnabled(False)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.blindfold.put_on()
        super().showEvent(event)

    # ---- steps -----------------------------------------------------------------------------
    def _figures(self) -> PharmacistFigures | None:
        values = {}
        for name, edit, label in (("weight_kg", self.weight, "the weight"), ("dose_mg", self.mg, "your dose"),
                                  ("volume_ml", self.ml, "your volume")):
            try:
                value = parse_decimal(edit.text())
            except ValueError as exc:
                self.message.setText(f"⚠ {exc}")
                return None
            if value is None or value <= 0:
                self.message.setText(f"⚠ Enter {label} first.")
                return None
            values[name] = value
        return PharmacistFigures(**values)

    def compare(self) -> None:
        mine = self._figures()
        if mine is None or self.calculated is None:
            return
        self.mine = mine
        rules = self.state.protocol.dose
        check = compare(mine, self.calculated, rules)
        for edit in (self.weight, self.mg, self.ml):
            edit.setReadOnly(True)
        self.compare_button.setEnabled(False)
        self.comparison.setText(side_by_side(check, rules))
        if check.matches:
            self.sign_button.setEnabled(True)
            self.sign_button.setDefault(True)
            self.message.setText("Your figures match the calculation. Sign “verified dose”: your PIN is asked again.")
        else:
            self.message.setText("⚠ Your figures do not match the calculation: the verification is not recorded"
                                 " (the mismatch is written to the audit log). Reconcile them, then check again.")
        self.adjustSize()  # room for the comparison, the working and the message, whole
        if check.matches:
            return
        user, pid = self.user, self.patient_id
        self.state.ops.run(lambda store: stored.record_mismatch(store, user, pid, check), on_success=lambda _v: None,
                           on_failure=lambda exc: self.message.setText(f"⚠ The mismatch was not audited: {exc}"))

    def sign(self) -> None:
        pin = self.ask_pin(self, f"{self.user.initials}: enter your PIN to sign “{stored.MEANING}”")
        if not pin or self.mine is None:
            return
        self.sign_button.setEnabled(False)
        accounts, initials, pid, checked, mine = self.accounts, self.user.initials, self.patient_id, self.calculated, self.mine

        def work(store):
            return stored.record_verification(accounts, initials, pin, patient_id=pid, checked=checked, figures=mine,
                                              weight_id=stored.weight_entry_id(store, pid, checked))

        def signed(signature) -> None:
            self.state.reload()
            self.state.saved.emit(f"Dose verified by {signature.initials} (independent double check)")
            self.accept()

        def refused(exc: BaseException) -> None:
            self.sign_button.setEnabled(True)
            self.message.setText(f"⚠ Not signed: {exc}")

        self.state.ops.run(work, on_success=signed, on_failure=refused)


def ask_pin(parent: QWidget, text: str) -> str | None:
    """The PIN, asked in a small password box; None when cancelled."""
    from PySide6.QtWidgets import QInputDialog
    pin, ok = QInputDialog.getText(parent, "Sign", text, QLineEdit.EchoMode.Password)
    return pin if ok else None
