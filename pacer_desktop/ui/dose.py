"""Dose and schedule screen: the dose and its working, warnings, schedule, doses given,
escalation, the stop rule and the §7 prompts until acknowledged."""

from __future__ import annotations


from datetime import datetime
from typing import get_args

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ..core import notation
from ..core.case import Drug, Escalation
from ..core.errors import CaseError, Problem
from . import presenters as say
from .patient_state import PatientState
from .widgets import finish_dialog, row_table, Banner, Choice, FieldMessages, TimeField, line_edit, parse_decimal

SCHEDULE_COLUMNS = ("Due", "Day", "Dose", "Volume", "Interval", "Weight used", "Status")
STATUS_WORDS = {"given": "✓ given", "due": "● DUE NOW", "overdue": "‼ OVERDUE", "planned": "planned",
                "missed": "✗ not recorded as given"}


class DoseScreen(QWidget):
    """Screen 2 (Ctrl+2)."""

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
        self.give_button = QPushButton("&Record dose given…")
        self.give_button.setObjectName("record_dose")
        self.give_button.clicked.connect(self.open_record_dose)
        self.escalate_button = QPushButton("&Escalate to every 6 hours…")
        self.escalate_button.setObjectName("escalate")
        self.escalate_button.clicked.connect(self.open_escalation)
        self.other_button = QPushButton("Other &medication given…")
        self.other_button.clicked.connect(lambda: self.open_record_dose(other=True))
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
        layout = QVBoxLayout(self)
        layout.addWidget(dose_box)
        layout.addLayout(prompt_row)
        layout.addWidget(self.ack_note)
        layout.addWidget(self.stop)
        layout.addWidget(QLabel("<b>Schedule</b> (select a dose, then Record dose given)"))
        layout.addWidget(self.table, 1)
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
        warnings = [say.ALERT_TEXT[a] for a in r.alerts if a not in say.PROMPTS]
        self.warnings.show_text("\n".join(f"⚠ {w}" for w in warnings), "warn")
        self._show_prompts(r)
        self.stop.setText(say.stop_text(r, now, s.protocol))
        self.rows = say.schedule_rows(r, s.given_times(), now)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            cells = (say.day_time(row.due, s.zone), f"day {row.day}", row.mg, row.volume, row.interval,
                     row.weight, STATUS_WORDS[row.status]
                     + (f" {say.day_time(row.given_at, s.zone)}" if row.given_at else ""))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row.status in ("due", "overdue"):
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                self.table.setItem(i, col, item)
        nxt = say.next_dose(self.rows)
        if nxt is not None:
            self.table.selectRow(self.rows.index(nxt))
        started = r.persistent_fever_at is not None
        self.give_button.setEnabled(started)
        self.escalate_button.setEnabled(started and r.escalated_at is None)
        self.escalate_button.setText("&Escalate to every 6 hours…" if r.escalated_at is None else
                                     f"Escalated {say.day_time(r.escalated_at, s.zone)}")

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
                acked.append(f"{say.ALERT_TEXT[code]} — {say.acknowledged_by(ack, self.state.zone)}")
            else:
                self.prompts.append((code, judged_on))
        text = "\n".join(f"⚠ PROMPT: {say.ALERT_TEXT[c]}" for c, _ in self.prompts)
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
        self._open(RecordDoseDialog(self.state, row, other=other, parent=self))

    def open_escalation(self) -> None:
        self._open(EscalationDialog(self.state, parent=self))

    def _open(self, dialog: QDialog) -> None:
        """Show ``dialog``, deleting the one opened before it: each is a child of this screen, and
        without this every dialog opened in a shift would stay in memory. The latest stays until
        the next opens, so its messages can still be read after it closes."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()


class RecordDoseDialog(QDialog):
    """Time given (default now), dose in mg, who: stored as a medication administration."""

    def __init__(self, state: PatientState, row: say.ScheduledDose | None, *, other: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Record medication given" if other else "Record anakinra dose given")
        self.drug = Choice([(d, d) for d in get_args(Drug)])
        self.drug.setEnabled(other)
        if not other:
            self.drug.set_value("anakinra")
        else:
            self.drug.setCurrentIndex(1)
        self.time = TimeField(lambda: state.zone, state.now)
        self.mg = line_edit("mg", "dose_mg")
        if row is not None and not other and row.mg.endswith(" mg"):
            self.mg.setText(row.mg.removesuffix(" mg"))
        elif not other and state.result is not None and state.result.dose is not None:
            self.mg.setText(notation.plain_number(state.result.dose.mg))
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        form = QFormLayout()
        if row is not None and not other:
            form.addRow(QLabel(f"Dose due {say.day_time(row.due, state.zone)}: {row.mg} ({row.volume})"))
        form.addRow("Drug", self.drug)
        form.addRow("Given at", self.time)
        form.addRow("", self.messages.label_for("at"))
        form.addRow("Dose (mg)", self.mg)
        form.addRow("", self.messages.label_for("dose_mg"))
        form.addRow("Recorded by", QLabel(str(state.user) if state.user else "nobody signed in"))
        self.ok = finish_dialog(self, form, self.form_error, "Record given", self.submit)

    def submit(self) -> None:
        try:
            mg = parse_decimal(self.mg.text())
        except ValueError as exc:
            self.messages.show([Problem("dose_mg", str(exc))])
            return
        drug, at = self.drug.value(), self.time.value()
        if mg is None and drug == "anakinra":
            self.messages.show([Problem("dose_mg", "Enter the dose given in mg.")])
            return
        self.ok.setEnabled(False)

        def problems(found) -> None:
            self.ok.setEnabled(True)
            self.messages.show(found)

        text = f"{drug} {notation.mg(mg) if mg is not None else ''} given at {say.day_time(at, self.state.zone)}"
        self.state.save(lambda store, user, pid: store.add_medication(user, pid, at=at, drug=drug, dose_mg=mg),
                        text, on_problems=problems, on_saved=lambda _v: self.accept())


class EscalationDialog(QDialog):
    """Escalation to every 6 hours: time, reason, the new next dose shown, an explicit confirmation."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Escalate anakinra to every 6 hours")
        self.time = TimeField(lambda: state.zone, state.now)
        self.reason = QLineEdit(objectName="escalation_reason")
        self.reason.setPlaceholderText("e.g. CRS progression to grade 2")
        self.preview = QLabel(objectName="escalation_preview")
        self.preview.setWordWrap(True)
        self.confirm = QCheckBox("I confirm: escalate to every 6 hours (this cannot be undone;"
                                 " a mistake is corrected as 'entered in error')")
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
        self.ok = finish_dialog(self, form, self.form_error, "Escalate", self.submit)
        self.time.edit.dateTimeChanged.connect(self._on_time_changed)
        self._on_time_changed()

    def _on_time_changed(self, *_args) -> None:
        at = self.time.value()
        try:
            result = self.state.evaluate_with(escalations=(Escalation(at=at, by="", reason="preview"),))
        except CaseError as exc:
            self.preview.setText("⚠ " + "; ".join(p.message for p in exc.problems))
            return
        after = [d for d in result.doses if d.due >= at]
        if after:
            d = after[0]
            self.preview.setText(f"After escalation the next dose is due {say.day_time(d.due, self.state.zone)}"
                                 f" ({notation.mg(d.mg) if d.mg is not None else 'no weight'}), then"
                                 f" {notation.every_hours(d.interval_h)}. The mg per dose is unchanged.")
        else:
            self.preview.setText("No dose due after this time.")

    def submit(self) -> None:
        reason = self.reason.text().strip()
        problems = []
        if not reason:
            problems.append(Problem("reason", "Give the reason for escalating (e.g. CRS progression)."))
        if not self.confirm.isChecked():
            problems.append(Problem("confirm", "Tick the confirmation to escalate."))
        if problems:
            self.messages.show(problems)
            return
        at = self.time.value()
        self.ok.setEnabled(False)

        def back(found) -> None:
            self.ok.setEnabled(True)
            self.messages.show(found)

        self.state.save(lambda store, user, pid: store.add_escalation(user, pid, at=at, reason=reason),
                        f"Escalated to every 6 hours at {say.day_time(at, self.state.zone)}",
                        on_problems=back, on_saved=lambda _v: self.accept())



