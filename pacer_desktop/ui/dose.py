"""Dose and schedule screen: the dose and its working, warnings, the schedule's lines with what
was given for each (clinical-rules §5a), escalation, restart, the stop rule and the §6/§7 prompts
until acknowledged."""

from __future__ import annotations


from datetime import datetime, timedelta
from typing import get_args

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from .. import protocols
from ..core import notation
from ..core.case import Drug, Escalation, Restart
from ..core.errors import CaseError, Problem
from . import presenters as say
from .patient_state import PatientState
from .date_time_fields import TimeField
from .widgets import lay_out_dialog, row_table, Banner, Choice, FieldMessages, line_edit, parse_decimal

SCHEDULE_COLUMNS = ("Line", "Due", "Day", "Dose", "Volume", "Interval", "Weight used", "Status")
STATUS_WORDS = {"given": "✓ given", "due": "● DUE NOW", "overdue": "‼ OVERDUE", "planned": "planned",
                "missed": "✗ missed", "held": "held", "refused": "refused", "omitted": "omitted"}
OUTCOMES = (("given", "given"), ("held", "held (not given on purpose)"),
            ("refused", "refused by the patient or family"), ("omitted", "omitted (not given)"))


def escalate_words(protocol) -> str:
    """The escalate button: ``&Escalate to every 6 hours…`` with the protocol's interval."""
    return f"&Escalate to {notation.every_hours(protocol.schedule.escalated_interval_h)}…"


def status_text(row: say.ScheduledDose, zone: str) -> str:
    """``✓ given 4 Nov 23:50``, ``held: blood pressure low``, ``‼ OVERDUE``…"""
    if row.status == "given":
        return f"{STATUS_WORDS['given']} {say.day_time(row.given_at, zone)}"
    if row.status in ("held", "refused", "omitted"):
        return f"{row.status}: {row.note}" if row.note else row.status
    return STATUS_WORDS[row.status]


class DoseScreen(QWidget):
    """Screen 2 (Ctrl+2)."""

    STATUS_COLUMN = SCHEDULE_COLUMNS.index("Status")

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.dose_label = QLabel(objectName="dose")
        self.dose_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.working = QLabel(objectName="dose_working")
        self.working.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.route = QLabel()
        self.warnings = Banner()
        self.warnings.setObjectName("dose_warnings")
        self.prompts: list[tuple[str, datetime | None]] = []
        self.prompt_banner = Banner()
        self.prompt_banner.setObjectName("prompt_banner")
        self.ack_button = QPushButton("&Acknowledge prompt")
        self.ack_button.clicked.connect(self.acknowledge)
        self.ack_note = QLabel(objectName="ack_note")
        self.stop = QLabel(objectName="stop_rule")
        self.stop.setWordWrap(True)
        self.stop.setStyleSheet("font-weight: bold;")
        self.table = row_table(SCHEDULE_COLUMNS, "schedule")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.row_detail = QLabel(objectName="schedule_row_detail")  # the selected line in full, for the keyboard
        self.row_detail.setWordWrap(True)
        self.table.itemSelectionChanged.connect(self._on_row_selected)
        self.give_button = QPushButton("&Record dose given…")
        self.give_button.setObjectName("record_dose")
        self.give_button.clicked.connect(self.open_record_dose)
        self.escalate_button = QPushButton(escalate_words(protocols.load()))
        self.escalate_button.setObjectName("escalate")
        self.escalate_button.clicked.connect(self.open_escalation)
        self.other_button = QPushButton("Other &medication given…")
        self.other_button.clicked.connect(lambda: self.open_record_dose(other=True))
        self.restart_button = QPushButton("Res&tart anakinra…")
        self.restart_button.setObjectName("restart")
        self.restart_button.setToolTip("A prescriber's decision after the stop time (clinical-rules §6)")
        self.restart_button.clicked.connect(self.open_restart)
        self.dialog: QDialog | None = None

        dose_box = QGroupBox("Anakinra dose (current weight)")
        dose_layout = QVBoxLayout(dose_box)
        dose_layout.addWidget(self.dose_label)
        dose_layout.addWidget(self.working)
        dose_layout.addWidget(self.route)
        dose_layout.addWidget(self.warnings)
        prompt_row = QHBoxLayout()
        prompt_row.addWidget(self.prompt_banner, 1)
        prompt_row.addWidget(self.ack_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.give_button)
        buttons.addWidget(self.other_button)
        buttons.addStretch(1)
        buttons.addWidget(self.escalate_button)
        buttons.addWidget(self.restart_button)
        layout = QVBoxLayout(self)
        layout.addWidget(dose_box)
        layout.addLayout(prompt_row)
        layout.addWidget(self.ack_note)
        layout.addWidget(self.stop)
        layout.addWidget(QLabel("<b>Schedule</b> (select a line, then Record dose given)"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.row_detail)
        layout.addLayout(buttons)
        state.changed.connect(self._on_state_changed)
        self._on_state_changed()

    # ---- showing ------------------------------------------------------------------------
    def _on_state_changed(self) -> None:
        s, r = self.state, self.state.result
        self.rows = []
        if r is None or s.protocol is None:
            self.dose_label.setText("No patient selected" if s.record is None else "Cannot calculate")
            self.working.setText(s.error)
            for w in (self.route, self.stop, self.ack_note):
                w.setText("")
            self.warnings.show_text("")
            self.prompt_banner.show_text("")
            self.ack_button.hide()
            self.table.setRowCount(0)
            return
        now = s.now()
        if r.persistent_fever_at is None:
            self.dose_label.setText("Anakinra not started: persistent fever not met")
            self.working.setText("The first dose is due when two temperatures above"
                                 f" {notation.celsius(s.protocol.persistent_fever.reading_above_c)}"
                                 f" are {s.protocol.persistent_fever.min_separation_h} to"
                                 f" {s.protocol.persistent_fever.max_separation_h} hours apart.")
            self.route.setText("")
        elif r.dose is None:
            self.dose_label.setText("Anakinra: no dosing weight")
            self.working.setText("Record a weight (kg) on the Temperature screen to calculate the dose.")
            self.route.setText("")
        else:
            d = r.dose
            interval = say.current_interval(r, now, s.protocol)
            self.dose_label.setText(f"Anakinra {notation.mg(d.mg)} {d.route} {notation.every_hours(interval)}"
                                    f" ({notation.ml(d.volume_ml)})")
            self.working.setText(d.working)
            self.route.setText(f"{s.protocol.dose.route_note}. Weight {notation.kg(d.weight_kg)}"
                               f" recorded {say.day_time(d.weight_at, s.zone)}.")
        warnings = [say.alert_text(a, s.protocol) for a in (*r.alerts, *r.notices) if a not in say.PROMPTS]
        self.warnings.show_text("\n".join(f"⚠ {w}" for w in warnings), "warn")
        self._show_prompts(r)
        self.stop.setText(say.stop_text(r, now, s.protocol))
        self.rows = say.schedule_rows(r)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            cells = (str(row.line), say.day_time(row.due, s.zone), f"day {row.day}", row.mg, row.volume,
                     row.interval, row.weight, status_text(row, s.zone))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row.status in ("due", "overdue"):
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                if row.note:
                    item.setToolTip(row.note)
                self.table.setItem(i, col, item)
        nxt = say.next_dose(self.rows)
        if nxt is not None:
            self.table.selectRow(self.rows.index(nxt))
        self._on_row_selected()
        started = r.persistent_fever_at is not None
        stopped = r.stop_at is not None and r.stop_at <= now
        self.give_button.setEnabled(started)
        self.escalate_button.setEnabled(started and r.escalated_at is None and not stopped)
        self.escalate_button.setText(escalate_words(s.protocol) if r.escalated_at is None else
                                     f"Escalated {say.day_time(r.escalated_at, s.zone)}")
        self.restart_button.setEnabled(stopped)

    def _on_row_selected(self) -> None:
        """The selected line in full under the table: its status and why it moved or was not given."""
        selected = self.table.selectionModel().selectedRows()
        if not selected or selected[0].row() >= len(self.rows):
            self.row_detail.setText("")
            return
        row = self.rows[selected[0].row()]
        course = f" (course {row.course})" if row.course > 1 else ""
        text = (f"Line {row.line}{course}, due {say.day_time(row.due, self.state.zone)}: {row.mg} ({row.volume})"
                f" — {status_text(row, self.state.zone)}")
        if row.note and row.status not in ("held", "refused", "omitted"):
            text += f" — {row.note}"
        self.row_detail.setText(text)

    def _judged_on(self) -> datetime | None:
        """The assessment the prompts are judged on (the latest graded at or before now): a prompt
        is acknowledged for it, and a later assessment raises the prompt again."""
        r = self.state.result
        graded = [a for a in r.assessments if a.crs_grade is not None and a.at <= self.state.now()]
        return graded[-1].at if graded else None

    def _show_prompts(self, r) -> None:
        judged_on = self._judged_on()
        self.prompts, acked = [], []
        for code in r.alerts:
            if code not in say.PROMPTS:
                continue
            ack = say.acknowledgement_of(self.state.acknowledgements, code, judged_on)
            if ack is not None:
                acked.append(f"{say.alert_text(code, self.state.protocol)} — {say.acknowledged_by(ack, self.state.zone)}")
            else:
                self.prompts.append((code, judged_on))
        text = "\n".join(f"⚠ PROMPT: {say.alert_text(c, self.state.protocol)}" for c, _ in self.prompts)
        self.prompt_banner.show_text(text, "alarm")
        self.ack_button.setVisible(bool(self.prompts))
        self.ack_button.setEnabled(bool(self.prompts))
        self.ack_note.setText("\n".join(acked))

    # ---- actions -------------------------------------------------------------------------
    def acknowledge(self) -> None:
        """Store an acknowledgement of each prompt shown, attributed to the signed-in user."""
        prompts = list(self.prompts)
        if not prompts:
            return

        def work(store, user, pid) -> None:
            for code, judged_on in prompts:
                store.acknowledge(user, pid, alert=code, assessment_at=judged_on)

        def problems(found) -> None:
            self.ack_button.setEnabled(True)
            self.ack_note.setText("⚠ Not acknowledged: " + "; ".join(p.message for p in found))

        self.ack_button.setEnabled(False)
        if not self.state.save(work, "Prompt acknowledged", on_problems=problems,
                               on_saved=lambda _v: self.ack_button.setEnabled(True)):
            self.ack_button.setEnabled(True)

    def open_record_dose(self, other: bool = False) -> None:
        selected = self.table.selectionModel().selectedRows() if not other else []
        row = self.rows[selected[0].row()] if selected else None
        self._open(RecordDoseDialog(self.state, self.rows, row, other=other, parent=self))

    def open_escalation(self) -> None:
        self._open(EscalationDialog(self.state, parent=self))

    def open_restart(self) -> None:
        self._open(RestartDialog(self.state, parent=self))

    def _open(self, dialog: QDialog) -> None:
        """Show ``dialog``, deleting the one opened before it: each is a child of this screen, and
        without this every dialog opened in a shift would stay in memory. The latest stays until
        the next opens, so its messages can still be read after it closes."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()


class RecordDoseDialog(QDialog):
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
        choice = selected if selected is not None and not selected.closed else say.next_dose(rows)
        if choice is not None and choice.line in self.line.values():
            self.line.set_value(choice.line)
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
        if row is None:
            self.due_label.setText("")
            return
        self.due_label.setText(f"Line {row.line}, due {say.day_time(row.due, self.state.zone)}: {row.mg} ({row.volume})")
        if row.mg.endswith(" mg"):
            self.mg.setText(row.mg.removesuffix(" mg"))

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
        off = at - row.due
        if abs(off) > self._window() and not reason:
            self.messages.show([Problem("reason", f"Given {say.duration(abs(off))} {'late' if off > timedelta(0) else 'early'},"
                                                  f" outside the {notation.plain_number(self.state.protocol.schedule.administration_window_min)}"
                                                  " minutes either side of the due time: give the reason.")])
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
        text = f"{drug} {notation.mg(mg) if mg is not None else ''} given at {say.day_time(at, self.state.zone)}"
        self._save(lambda store, user, pid: store.add_medication(user, pid, at=at, drug=drug, dose_mg=mg), text)

    def _save(self, work, text: str) -> None:
        self.ok.setEnabled(False)

        def problems(found) -> None:
            self.ok.setEnabled(True)
            self.messages.show(found)

        self.state.save(work, text, on_problems=problems, on_saved=lambda _v: self.accept())


class DecisionDialog(QDialog):
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
        self.ok.setEnabled(False)

        def back(found) -> None:
            self.ok.setEnabled(True)
            self.messages.show(found)

        self.state.save(lambda store, user, pid: self.record(store, user, pid, at, reason), self.saved_text(at),
                        on_problems=back, on_saved=lambda _v: self.accept())


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
        d = after[0]
        return (f"After escalation the next dose is due {say.day_time(d.due, self.state.zone)}"
                f" ({notation.mg(d.mg) if d.mg is not None else 'no weight'}), then"
                f" {notation.every_hours(d.interval_h)}. The mg per dose is unchanged.")

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
        return (f"The new course's first dose is due {say.day_time(first.due, self.state.zone)}"
                f" ({notation.mg(first.mg) if first.mg is not None else 'no weight'}), then"
                f" {notation.every_hours(first.interval_h)}; it stops again by the same rule.")

    def record(self, store, user, pid, at: datetime, reason: str):
        return store.add_restart(user, pid, at=at, reason=reason)

    def saved_text(self, at: datetime) -> str:
        return f"Anakinra restarted at {say.day_time(at, self.state.zone)}"
