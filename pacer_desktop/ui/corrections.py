"""Correcting a stored entry from the flowsheet: one dialog per kind of entry, prefilled, with a reason.

Never a silent edit: the dialog says at the top what is being changed and, as the user types, what
it becomes; storage keeps the old entry, struck through, with who corrected it and why
(``Store.correct``). An eligibility assessment is corrected on the eligibility screen itself (its
checklist is the form), which the flowsheet opens for it.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import get_args

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QScrollArea, QWidget

from ..core import notation
from ..core.case import Assessment, Drug
from ..core.errors import CaseError, Problem
from . import presenters as say
from .entry_text import describe, kind_text
from .stored_assessment import StoredAssessmentFields
from .temperature_entry import TemperatureReading
from .patient_state import PatientState
from .date_time_fields import TimeField
from .entry_dialog import EntryDialog
from .widgets import Choice, FieldMessages, field_key, lay_out_dialog, line_edit, parse_decimal, required_decimal

REASON_HINT = "Why (required), e.g. typing error, wrong time"
#: Height a dialog leaves on the screen for its title bar and the desktop's panels (pixels).
TITLE_BAR_AND_MARGIN = 80
#: The assessment's inputs keep at least this height when they must scroll (pixels).
MIN_SCROLL_HEIGHT = 240


def correction_dialog(state: PatientState, entry, *, withdraw: bool, parent: QWidget | None = None) -> QDialog:
    """The dialog that withdraws ``entry`` (entered in error) or corrects it, for its kind."""
    if withdraw:
        return WithdrawDialog(state, entry, parent)
    dialogs = {"temperature": TemperatureCorrection, "weight": WeightCorrection,
               "medication": MedicationCorrection, "escalation": EscalationCorrection,
               "assessment": AssessmentCorrection}
    if entry.kind not in dialogs:
        raise ValueError(f"a {entry.kind} entry is not corrected in a dialog")
    return dialogs[entry.kind](state, entry, parent)


#: Kinds whose line (entry_text.describe) ends with a reason typed in free text.
ENDS_WITH_REASON = ("escalation", "dose_outcome", "restart")


class CorrectionDialog(EntryDialog):
    """The entry as stored at the top; the corrected values in the inputs of its kind (subclasses
    build them and read them back); what it becomes; a required reason. Saved through
    ``store.correct`` off the GUI thread; bad input is shown next to its field and stores nothing."""

    withdraw = False
    title = "Correct"
    ok_text = "Save correction"

    def __init__(self, state: PatientState, entry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.entry = state, entry
        self.setWindowTitle(f"{self.title}: {kind_text(entry.kind)}")
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        self.was = QLabel(self._was_text(), objectName="correction_was")
        self.was.setWordWrap(True)
        self.was.setStyleSheet("QLabel { background: #f1f1f1; border: 1px solid #bdbdbd; padding: 6px; }")
        self.becomes = QLabel(objectName="correction_becomes")
        self.becomes.setWordWrap(True)
        self.time: TimeField | None = None
        self.form = QFormLayout()
        self.form.addRow(self.was)
        self.build(self.form)
        if not self.withdraw:
            self.form.addRow("Becomes", self.becomes)
        self.reason = line_edit(REASON_HINT, "correction_reason")
        self.form.addRow("Reason", self.reason)
        self.form.addRow("", self.messages.label_for("correction_reason"))
        self.ok = lay_out_dialog(self, self.form, self.form_error, self.ok_text, self.submit)
        self.setMinimumWidth(520)
        self._shown_at = self.time.value() if self.time is not None else None
        if self.time is not None:
            self.watch(self.time.edit.dateTimeChanged)
        self._on_changed()

    # ---- for the kinds -------------------------------------------------------------------
    def build(self, form: QFormLayout) -> None:
        """Add the inputs of this kind to ``form``, prefilled from the stored entry."""

    def values(self) -> dict:
        """The corrected fields of this kind; raises :class:`CaseError` naming the field."""
        return {}

    def add_time(self, form: QFormLayout, label: str) -> TimeField:
        self.time = TimeField(lambda: self.state.zone, self.state.now)
        if isinstance(self.entry.at, datetime):
            self.time.set_value(self.entry.at)
        form.addRow(label, self.time)
        form.addRow("", self.messages.label_for("at"))
        return self.time

    def watch(self, *signals) -> None:
        """Show what the entry becomes whenever one of ``signals`` fires."""
        for signal in signals:
            signal.connect(self._on_changed)

    def show_problems(self, problems) -> None:
        self.messages.show(problems)

    # ---- reading and saving ---------------------------------------------------------------
    def changes(self) -> dict:
        """The fields that differ from the stored entry (storage lays them over it); raises
        :class:`CaseError` when a value cannot be read."""
        new = self.values()
        if self.time is not None:
            at = self.time.value()
            # The time is shown to the minute: left as shown, the stored instant is kept exactly.
            new["at"] = self.entry.at if at == self._shown_at else at
        old = self.entry.values or {}
        return {k: v for k, v in new.items() if k not in old or old[k] != v}

    def replacement(self) -> dict:
        """:meth:`changes`, refused when there are none (a correction must correct something)."""
        changed = self.changes()
        if not changed:
            raise CaseError([Problem("", "Nothing was changed: change a value, or use 'Entered in error'"
                                         " to withdraw the entry.")])
        return changed

    def _on_changed(self, *_args) -> None:
        if self.withdraw:
            return
        self.messages.clear()  # a refusal was of the inputs as they were: it goes when one changes
        try:
            changed = self.changes()
        except CaseError as exc:
            self.becomes.setText("— (" + "; ".join(p.message for p in exc.problems) + ")")
            return
        if not changed:
            self.becomes.setText("— (nothing changed yet)")
            return
        self.becomes.setText(self._becomes(changed))

    def _becomes(self, changed: dict) -> str:
        """The entry with ``changed`` laid over it, in the flowsheet's words: ``38.6 °C at 4 Nov 07:00``."""
        new = {**(self.entry.values or {}), **changed}
        at, text = new.get("at"), describe(self.entry.kind, new)
        if not isinstance(at, datetime):
            return text
        when = say.day_time(at, self.state.zone)
        # a decision's line ends with the reason typed for it: the time goes first, apart from it
        return f"{when}: {text}" if self.entry.kind in ENDS_WITH_REASON else f"{text} at {when}"

    def submit(self) -> None:
        problems: list[Problem] = []
        reason = self.reason.text().strip()
        if not reason:
            problems.append(Problem("correction_reason", "Give the reason for the correction."))
        replacement = None
        if not self.withdraw:
            try:
                replacement = self.replacement()
            except CaseError as exc:
                problems.extend(exc.problems)
        if problems:
            self.show_problems(problems)
            return
        self.messages.clear()
        kind, entry_id = self.entry.kind, self.entry.id
        # which entry, and what it became: "temperature of 4 Nov 11:00 (38.7 °C) corrected to 38.6 °C at …"
        was = f"{kind_text(kind)}{self._of()} ({describe(kind, self.entry.values)})"
        done = f"{was} marked entered in error" if self.withdraw else f"{was} corrected to {self._becomes(replacement)}"
        self.send(lambda store, user, _pid: store.correct(user, kind, entry_id, reason=reason, replacement=replacement),
                  done, button=self.ok, on_problems=self.show_problems)

    def _of(self) -> str:
        """`` of 4 Nov 07:00``: the stored entry's time, or nothing for an entry without one."""
        at = self.entry.at
        return f" of {say.day_time(at, self.state.zone)}" if isinstance(at, datetime) else ""

    def _was_text(self) -> str:
        e, when = self.entry, self._of()
        zone = self.state.zone
        entered = (f"entered by {e.entered_by} ({e.role}) {say.day_time(e.entered_at, zone)}"
                   f" on {e.workstation}")
        return (f"<b>{escape(self.title)}: {escape(kind_text(e.kind))}{escape(when)}</b><br>"
                f"{escape(describe(e.kind, e.values))}<br><small>{escape(entered)}</small>")


class WithdrawDialog(CorrectionDialog):
    """Entered in error (wrong patient, never happened): withdrawn, with a reason."""

    withdraw = True
    title = "Entered in error"
    ok_text = "Mark entered in error"

    def build(self, form: QFormLayout) -> None:
        note = QLabel("The entry stays in the record, struck through, with your reason and initials;"
                      " it no longer counts in the calculations.")
        note.setWordWrap(True)
        form.addRow(note)


class TemperatureCorrection(CorrectionDialog):
    """Value and unit (the other unit shown as typed, as on the entry form) and when it was taken."""

    def build(self, form: QFormLayout) -> None:
        v = self.entry.values
        self.reading = TemperatureReading(self.state)
        self.reading.value.setText(notation.plain_number(v["value"]))
        self.reading.unit.set_value(v["unit"])
        form.addRow("Temperature", self.reading)
        form.addRow("", self.messages.label_for("value"))
        self.add_time(form, "Taken at")
        self.watch(self.reading.value.textChanged, self.reading.unit.currentIndexChanged)

    def values(self) -> dict:
        return {"value": required_decimal(self.reading.value.text(), "value", "Enter the temperature."),
                "unit": self.reading.unit.value()}


class WeightCorrection(CorrectionDialog):
    def build(self, form: QFormLayout) -> None:
        self.kg = line_edit("e.g. 23.4", "weight_kg")
        self.kg.setText(notation.plain_number(self.entry.values["kg"]))
        form.addRow("Weight (kg)", self.kg)
        form.addRow("", self.messages.label_for("kg"))
        self.add_time(form, "Weighed at")
        self.watch(self.kg.textChanged)

    def values(self) -> dict:
        return {"kg": required_decimal(self.kg.text(), "kg", "Enter the weight in kg.")}


class MedicationCorrection(CorrectionDialog):
    """The drug (any the rules know), when it was given, the dose in mg (needed for anakinra) and,
    for a line's anakinra dose, the reason it was given outside the line's window (rules §5a: as
    Record dose asks it). A line's dose corrected to another drug closes no line: the line reopens."""

    def build(self, form: QFormLayout) -> None:
        v = self.entry.values
        self.drug = Choice([(d, d) for d in get_args(Drug)])
        self.drug.setObjectName("drug")
        self.drug.set_value(v["drug"])
        self.mg = line_edit("mg", "dose_mg")
        self.mg.setText("" if v.get("dose_mg") is None else notation.plain_number(v["dose_mg"]))
        form.addRow("Drug", self.drug)
        form.addRow("", self.messages.label_for("drug"))
        self.add_time(form, "Given at")
        form.addRow("Dose (mg)", self.mg)
        form.addRow("", self.messages.label_for("dose_mg"))
        self.dose_reason = line_edit("needed when given outside the line's window", "dose_reason")
        self.dose_reason.setText(v.get("reason") or "")
        if v.get("for_line") is not None:
            form.addRow("Why given then", self.dose_reason)
            form.addRow("", self.messages.label_for("reason"))
        self.watch(self.drug.currentIndexChanged, self.mg.textChanged, self.dose_reason.textChanged)

    def values(self) -> dict:
        drug = self.drug.value()
        if drug == "anakinra":
            mg = required_decimal(self.mg.text(), "dose_mg", "Enter the dose given in mg.")
        else:
            try:
                mg = parse_decimal(self.mg.text())
            except ValueError as exc:
                raise CaseError([Problem("dose_mg", str(exc))]) from None
        values = {"drug": drug, "dose_mg": mg}
        line = self.entry.values.get("for_line")
        if line is None:
            return values
        if drug != "anakinra":
            return {**values, "for_line": None}  # another drug closes no line
        reason = self.dose_reason.text().strip() or None
        due = next((d.due for d in self.state.result.doses if d.line == line), None) if self.state.result else None
        if due is not None and not reason and (why := say.outside_window(line, due, self.time.value(),
                                                                         self.state.protocol, self.state.zone)):
            raise CaseError([Problem("reason", why)])
        return {**values, "reason": reason}


class EscalationCorrection(CorrectionDialog):
    """When the escalation was decided and why; who decided it stays as recorded."""

    def build(self, form: QFormLayout) -> None:
        v = self.entry.values
        self.add_time(form, "Decided at")
        self.escalation_reason = line_edit("e.g. CRS progression to grade 2", "escalation_reason")
        self.escalation_reason.setText(v.get("reason", ""))
        form.addRow("Reason for escalating", self.escalation_reason)
        form.addRow("", self.messages.label_for("reason"))
        form.addRow("Decided by", QLabel(v.get("by", "")))
        self.watch(self.escalation_reason.textChanged)

    def values(self) -> dict:
        reason = self.escalation_reason.text().strip()
        if not reason:
            raise CaseError([Problem("reason", "Give the reason for escalating (e.g. CRS progression).")])
        return {"reason": reason}


class AssessmentCorrection(CorrectionDialog):
    """The grading screen's CRS and ICANS inputs, prefilled, with the grade they give worked out
    live (the stored assessment left out of the calculation) and always in view below them."""

    def __init__(self, state: PatientState, entry, parent: QWidget | None = None) -> None:
        super().__init__(state, entry, parent)
        self._fit_screen()
        self._following = True
        self.finished.connect(self._stop_following)

    def _stop_following(self, _result: int = 0) -> None:
        """Closed, the inputs stop working out a grade at every change of the patient."""
        if self._following:
            self.state.changed.disconnect(self.fields._on_state_changed)
            self._following = False

    def build(self, form: QFormLayout) -> None:
        self.fields = StoredAssessmentFields(self.state, "Corrected assessment")
        self.fields.load(stored_assessment(self.entry.values))
        self.time = self.fields.time
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.fields)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the inputs, which it scrolls to
        form.addRow(self.scroll)
        for label in (self.fields.grade, self.fields.notes):  # the grade stays in view while scrolling
            self.fields.form.takeRow(label)
            form.addRow(label)
        for choice in (self.fields.hypotension, self.fields.oxygen, self.fields.tool, self.fields.consciousness,
                       self.fields.seizure, self.fields.motor, self.fields.edema):
            self.watch(choice.currentIndexChanged)
        for box in (self.fields.crs_assessed, self.fields.icans_assessed, self.fields.unable,
                    self.fields.sedated):
            self.watch(box.toggled)
        self.watch(self.fields.flow.textChanged, self.fields.ice_score.valueChanged,
                   self.fields.capd_score.valueChanged)

    def _fit_screen(self) -> None:
        """Show every input without scrolling where the screen is tall enough; on a short screen
        (1366×768) the inputs scroll and the grade, reason and buttons stay in view."""
        screen = self.screen().availableGeometry()
        content = self.fields.sizeHint()
        self.scroll.setMinimumWidth(content.width() + self.scroll.verticalScrollBar().sizeHint().width())
        self.scroll.setMinimumHeight(content.height())
        excess = self.sizeHint().height() - (screen.height() - TITLE_BAR_AND_MARGIN)
        if excess > 0:
            self.scroll.setMinimumHeight(max(MIN_SCROLL_HEIGHT, content.height() - excess))

    def values(self) -> dict:
        a = self.fields.inputs()
        # What the rules refuse (a nasal cannula without its flow, a missing ICE score) is shown
        # next to its field with the other messages, before anything is sent to storage.
        self.state.evaluate_with(assessments=(a,), replacing=self.fields.replacing)
        return {"crs": a.crs, "icans": a.icans}

    def show_problems(self, problems) -> None:
        here = [p for p in problems if p.field and self.fields.messages.has(field_key(p.field))]
        self.fields.messages.show(here)
        self.messages.show([p for p in problems if p not in here])


def stored_assessment(values: dict) -> Assessment:
    """The engine's assessment from a flowsheet entry's values."""
    return Assessment(at=values["at"], crs=values.get("crs"), icans=values.get("icans"))
