"""The dose screen's dialogs: a dose recorded against a line of the schedule (or another
medication given), and the two decisions, escalation and restart, each with its preview."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import get_args

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QWidget

from ..core import notation, wording
from ..core.case import Drug, Escalation, Restart
from ..core.errors import CaseError, Problem
from . import presenters as say
from .date_time_fields import TimeField
from .entry_dialog import EntryDialog
from .patient_state import PatientState
from .widgets import Choice, FieldMessages, lay_out_dialog, line_edit, parse_decimal

#: A line's status in words, in the line choice here and in the screen's schedule.
STATUS_WORDS = {"given": "✓ given", "due": "● DUE NOW", "overdue": "‼ OVERDUE", "planned": "planned",
                "missed": "✗ missed", "held": "held", "refused": "refused", "omitted": "omitted"}
OUTCOMES = (("given", "given"), ("held", "held (not given on purpose)"),
            ("refused", "refused by the patient or family"), ("omitted", "omitted (not given)"))


class RecordDoseDialog(EntryDialog):
    """An anakinra dose recorded against a chosen line of the schedule, or the line held, refused
    or omitted with a reason (clinical-rules §5a); or, with ``other``, another medication given."""

    #: Lines offered besides the one due now: every missed line (a dose given but recorded late, as
    #: after a downtime) and the next planned ones.
    PLANNED_OFFERED = 2

    def __init__(self, state: PatientState, rows: list[say.ScheduledDose], selected: say.ScheduledDose | None,
                 *, other: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.other = state, other
        self.rows = {r.line: r for r in rows}
        zone = state.zone
        self.setWindowTitle("Record medication given" if other else "Record anakinra dose")
        self.drug = Choice([(d, d) for d in get_args(Drug)])
        self.drug.setEnabled(other)
        self.drug.set_value("anakinra") if not other else self.drug.setCurrentIndex(1)
        self.notice = QLabel(objectName="record_notice")
        self.notice.setWordWrap(True)
        self.line = Choice([(r.line, f"Line {r.line}: due {say.day_time(r.due, zone)} — {STATUS_WORDS[r.status]}")
                            for r in self._offered(rows)])
        self.due_label = QLabel(objectName="record_due")
        self.weight_note = QLabel(objectName="record_weight_note")  # a line due before the latest weight
        self.weight_note.setWordWrap(True)
        self.outcome = Choice(list(OUTCOMES))
        self.time = TimeField(lambda: state.zone, state.now)
        self.mg = line_edit("mg", "dose_mg")
        self.reason = QLineEdit(objectName="record_reason")
        self.reason.setPlaceholderText("needed when held, refused or omitted, or given outside the window")
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        form = QFormLayout()
        form.addRow(self.notice)
        if other:
            form.addRow("Drug", self.drug)
        else:
            form.addRow("Dose for", self.line)
            form.addRow("", self.messages.label_for("for_line"))
            form.addRow(self.due_label)
            form.addRow(self.weight_note)
            form.addRow("Outcome", self.outcome)
        form.addRow("Given at" if other else "At", self.time)
        form.addRow("", self.messages.label_for("at"))
        form.addRow("Dose (mg)", self.mg)
        form.addRow("", self.messages.label_for("dose_mg"))
        if not other:
            form.addRow("Reason", self.reason)
            form.addRow("", self.messages.label_for("reason"))
            self.messages.label_for("line")  # a problem about the line of an outcome shows with the form
        form.addRow("Recorded by", QLabel(str(state.user) if state.user else "nobody signed in"))
        self.ok = lay_out_dialog(self, form, self.form_error, "Record", self.submit)
        self.notice.setVisible(False)
        if other:
            return
        if selected is not None and selected.closed:
            how = (f"given {say.day_time(selected.given_at, zone)}" if selected.status == "given"
                   else f"recorded as {selected.status}")
            self.notice.setText(f"Line {selected.line} already has a dose recorded ({how}): a correction goes"
                                " through Correct… on the flowsheet." if selected.status == "given" else
                                f"Line {selected.line} is already {how}: a correction goes through Correct… on"
                                " the flowsheet.")
            self.notice.setVisible(True)
        # rules §5a: the line chosen for her is the one selected or the one to give next; with
        # neither (only missed lines left), none is chosen until she chooses one herself.
        choice = selected if selected is not None and not selected.closed else say.next_dose(rows)
        if choice is not None and choice.line in self.line.values():
            self.line.set_value(choice.line)
        else:
            self.line.setCurrentIndex(-1)
            self.line.setPlaceholderText("— choose the line this dose is for")
        self.line.currentIndexChanged.connect(self._on_line_changed)
        self.outcome.currentIndexChanged.connect(self._on_outcome_changed)
        self._on_line_changed()
        if not self.line.count():
            self.notice.setText("No line is open: every dose of the schedule is recorded, or the course has"
                                " ended. An extra dose is recorded with Other medication given.")
            self.notice.setVisible(True)
            self.ok.setEnabled(False)

    @classmethod
    def _offered(cls, rows: list[say.ScheduledDose]) -> list[say.ScheduledDose]:
        recent = [r for r in rows if r.status == "missed"]
        current = [r for r in rows if r.status in ("overdue", "due")]
        planned = [r for r in rows if r.status == "planned"][:cls.PLANNED_OFFERED]
        return recent + current + planned

    def chosen(self) -> say.ScheduledDose | None:
        return self.rows.get(self.line.value())

    def _on_line_changed(self, *_args) -> None:
        row = self.chosen()
        self.weight_note.setVisible(False)
        if row is None:
            self.due_label.setText("")
            return
        zone, result = self.state.zone, self.state.result
        self.due_label.setText(f"Line {row.line}, due {say.day_time(row.due, zone)}: {row.mg} ({row.volume})")
        if result is not None and say.due_before_weight(result, row):
            d = result.dose
            if row.weight == say.NO_WEIGHT:
                self.weight_note.setText(f"Line {row.line} fell due before any weight was recorded: no dose was"
                                         f" calculated for it. The lines after the weight of"
                                         f" {say.day_time(d.weight_at, zone)} ({notation.kg(d.weight_kg)}) use"
                                         f" {notation.mg(d.mg)}.")
            else:
                self.weight_note.setText(f"Line {row.line} fell due before the latest weight ({notation.kg(d.weight_kg)},"
                                         f" {say.day_time(d.weight_at, zone)}): its dose is {row.mg}, by the weight"
                                         f" at its due time ({row.weight}). The lines after it use {notation.mg(d.mg)}.")
            self.weight_note.setVisible(True)
        # the line's dose, or nothing where it has none to give (no weight; lowered to no dose by the
        # 24-hour maximum): never the last line's dose left in the field
        self.mg.setText(row.mg.removesuffix(" mg") if row.mg.endswith(" mg") else "")

    def _on_outcome_changed(self, *_args) -> None:
        self.mg.setEnabled(self.outcome.value() == "given")

    def _window(self) -> timedelta:
        return timedelta(minutes=self.state.protocol.schedule.administration_window_min)

    def submit(self) -> None:
        if self.other:
            return self._submit_other()
        row, outcome, at = self.chosen(), self.outcome.value(), self.time.value()
        reason = self.reason.text().strip()
        if row is None:
            self.messages.show([Problem("for_line", "Choose the line this dose is for.")])
            return
        if outcome != "given":
            if not reason:
                self.messages.show([Problem("reason", f"Give the reason the dose was {outcome}.")])
                return
            self._save(lambda store, user, pid: store.add_dose_outcome(user, pid, line=row.line, outcome=outcome,
                                                                      at=at, reason=reason),
                       f"Line {row.line} {outcome} at {say.day_time(at, self.state.zone)}")
            return
        try:
            mg = parse_decimal(self.mg.text())
        except ValueError as exc:
            self.messages.show([Problem("dose_mg", str(exc))])
            return
        if mg is None:
            self.messages.show([Problem("dose_mg", "Enter the dose given in mg.")])
            return
        if (why := say.outside_window(row.line, row.due, at, self.state.protocol, self.state.zone,
                                      self.state.result)) and not reason:
            self.messages.show([Problem("reason", why)])
            return
        self._save(lambda store, user, pid: store.add_medication(user, pid, at=at, drug="anakinra", dose_mg=mg,
                                                                 for_line=row.line, reason=reason or None),
                   f"anakinra {notation.mg(mg)} given at {say.day_time(at, self.state.zone)} for line {row.line}")

    def _submit_other(self) -> None:
        try:
            mg = parse_decimal(self.mg.text())
        except ValueError as exc:
            self.messages.show([Problem("dose_mg", str(exc))])
            return
        drug, at = self.drug.value(), self.time.value()
        text = f"{drug}{'' if mg is None else ' ' + notation.mg(mg)} given at {say.day_time(at, self.state.zone)}"
        self._save(lambda store, user, pid: store.add_medication(user, pid, at=at, drug=drug, dose_mg=mg), text)

    def _save(self, work, text: str) -> None:
        self.send(work, text, button=self.ok, on_problems=self.messages.show)


class DecisionDialog(EntryDialog):
    """A clinician's decision recorded with its time and reason, what it changes shown before it is
    made, and an explicit confirmation (escalation, restart). Subclasses give the words, the
    preview and the store call."""

    name = ""
    verb = ""
    placeholder = ""

    def __init__(self, state: PatientState, title: str, confirm: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle(title)
        self.time = TimeField(lambda: state.zone, state.now)
        self.reason = QLineEdit(objectName=f"{self.name}_reason")
        self.reason.setPlaceholderText(self.placeholder)
        self.preview = QLabel(objectName=f"{self.name}_preview")
        self.preview.setWordWrap(True)
        self.confirm = QCheckBox(confirm)
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        form = QFormLayout()
        form.addRow("Decided at", self.time)
        form.addRow("", self.messages.label_for("at"))
        form.addRow("Reason", self.reason)
        form.addRow("", self.messages.label_for("reason"))
        form.addRow(self.preview)
        form.addRow(self.confirm)
        form.addRow("", self.messages.label_for("confirm"))
        form.addRow("Decided by", QLabel(str(state.user) if state.user else "nobody signed in"))
        self.ok = lay_out_dialog(self, form, self.form_error, self.verb.capitalize(), self.submit)
        self.time.edit.dateTimeChanged.connect(self._on_time_changed)
        self._on_time_changed()

    def _on_time_changed(self, *_args) -> None:
        try:
            self.preview.setText(self.preview_text(self.time.value()))
        except CaseError as exc:
            self.preview.setText("⚠ " + "; ".join(p.message for p in exc.problems))

    def due_text(self, d) -> str:
        """A line of the previewed schedule: ``4 Nov 23:00 (59 mg), then every 6 hours``."""
        mg, _ = wording.line_dose(d.mg, d.volume_ml)
        return f"{say.day_time(d.due, self.state.zone)} ({mg}), then {notation.every_hours(d.interval_h)}"

    def preview_text(self, at: datetime) -> str:
        raise NotImplementedError

    def record(self, store, user, pid, at: datetime, reason: str):
        raise NotImplementedError

    def saved_text(self, at: datetime) -> str:
        raise NotImplementedError

    def submit(self) -> None:
        reason = self.reason.text().strip()
        problems = []
        if not reason:
            problems.append(Problem("reason", f"Give the reason to {self.verb} ({self.placeholder})."))
        if not self.confirm.isChecked():
            problems.append(Problem("confirm", f"Tick the confirmation to {self.verb}."))
        if problems:
            self.messages.show(problems)
            return
        at = self.time.value()
        self.send(lambda store, user, pid: self.record(store, user, pid, at, reason), self.saved_text(at),
                  button=self.ok, on_problems=self.messages.show)


class EscalationDialog(DecisionDialog):
    """Escalation to the shorter interval (clinical-rules §5): the next dose after it is shown."""

    name, verb, placeholder = "escalation", "escalate", "e.g. CRS progression to grade 2"

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        every = notation.every_hours(state.protocol.schedule.escalated_interval_h)
        super().__init__(state, f"Escalate anakinra to {every}",
                         f"I confirm: escalate to {every} (this cannot be undone; a mistake is corrected as"
                         " 'entered in error')", parent)

    def preview_text(self, at: datetime) -> str:
        result = self.state.evaluate_with(escalations=(Escalation(at=at, by="preview", reason="preview"),))
        after = [d for d in result.doses if d.due >= at]
        if not after:
            return "No dose due after this time."
        return f"After escalation the next dose is due {self.due_text(after[0])}. The mg per dose is unchanged."

    def record(self, store, user, pid, at: datetime, reason: str):
        return store.add_escalation(user, pid, at=at, reason=reason)

    def saved_text(self, at: datetime) -> str:
        every = notation.every_hours(self.state.protocol.schedule.escalated_interval_h)
        return f"Escalated to {every} at {say.day_time(at, self.state.zone)}"


class RestartDialog(DecisionDialog):
    """Restart anakinra after its stop time (clinical-rules §6 rev 2): the new course's first dose is shown."""

    name, verb, placeholder = "restart", "restart", "e.g. CRS grade 2 after the stop time"

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(state, "Restart anakinra (new course)",
                         "I confirm: restart anakinra as a new course (a mistake is corrected as"
                         " 'entered in error')", parent)

    def preview_text(self, at: datetime) -> str:
        result = self.state.evaluate_with(restarts=(Restart(at=at, by="preview", reason="preview"),))
        course = result.courses[-1] if result.courses else None
        first = next((d for d in result.doses if course is not None and d.course == course.number), None)
        if first is None:
            return "No dose would be due."
        return f"The new course's first dose is due {self.due_text(first)}; it stops again by the same rule."

    def record(self, store, user, pid, at: datetime, reason: str):
        return store.add_restart(user, pid, at=at, reason=reason)

    def saved_text(self, at: datetime) -> str:
        return f"Anakinra restarted at {say.day_time(at, self.state.zone)}"
