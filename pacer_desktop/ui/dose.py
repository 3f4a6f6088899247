"""Dose and schedule screen: the dose and its working, warnings, the schedule's lines with what
was given for each (clinical-rules §5a), escalation, restart, the stop rule and the §6/§7 prompts
until acknowledged."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from .. import protocols
from ..core import notation, permissions, wording
from . import presenters as say
from .patient_state import PatientState
from .dose_dialogs import STATUS_WORDS, EscalationDialog, RecordDoseDialog, RestartDialog
from .widgets import Banner, row_table

SCHEDULE_COLUMNS = ("Line", "Due", "Day", "Dose", "Volume", "Interval", "Weight used", "Status")


#: Why a verification no longer holds, as the dose screen says it ("… since").
STALE_WORDS = {"new_weight": "new weight", "dose_changed": "dose changed", "escalated": "escalation"}


def verification_text(verified, reasons: tuple[str, ...], zone: str) -> str:
    """``Verified by PH at 10:42 (independent double check)``, ``Not verified`` or ``Verification
    out of date: new weight since``."""
    if verified is not None:
        return f"Verified by {verified.signature.initials} at {wording.clock(verified.signature.at, zone)}" \
               " (independent double check)"
    stale = [STALE_WORDS[r] for r in reasons if r in STALE_WORDS]
    return f"Verification out of date: {' and '.join(stale)} since" if stale else "Not verified"


def ask_pin(parent: QWidget, text: str) -> str | None:
    from .double_check import ask_pin as asking
    return asking(parent, text)


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
        for label in (self.dose_label, self.working, self.route):  # long lines wrap, never widen the screen
            label.setWordWrap(True)
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
        # A line the nurse selected herself (its number and due time), and the line to give next
        # (its number and status) when she did.
        self._chosen: tuple[tuple, tuple | None] | None = None
        self._redrawing = False  # the redraw's own selecting is not hers
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
        self.verify_button = QPushButton("&Verify dose (independent double check)…", objectName="verify_dose")
        self.verify_button.clicked.connect(self.open_double_check)
        self.verification_label = QLabel(objectName="verification")
        #: Asks the signing person's PIN (``ask_pin(parent, text) -> str | None``); tests replace it.
        self.ask_pin = ask_pin
        self.dialog: QDialog | None = None

        dose_box = QGroupBox("Anakinra dose (current weight)")
        dose_layout = QVBoxLayout(dose_box)
        dose_layout.addWidget(self.dose_label)
        dose_layout.addWidget(self.working)
        dose_layout.addWidget(self.route)
        dose_layout.addWidget(self.warnings)
        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verification_label, 1)
        verify_row.addWidget(self.verify_button)
        dose_layout.addLayout(verify_row)
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
        state.user_changed.connect(self._show_verification)
        # Another patient: no line chosen in the last one's schedule stays chosen by its row number
        # (the redraw then selects the next dose to give, if there is one).
        state.switched.connect(self.table.clearSelection)
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
            self._show_verification()
            return
        now = s.now()
        started = r.persistent_fever_at is not None
        stopped = r.stop_at is not None and r.stop_at <= now  # rules §6: no dose at or after the stop is due
        if not started:
            self.dose_label.setText("Anakinra not started: persistent fever not met")
            self.working.setText("The first dose is due when two temperatures above"
                                 f" {notation.celsius(s.protocol.persistent_fever.reading_above_c)}"
                                 f" are {s.protocol.persistent_fever.min_separation_h} to"
                                 f" {s.protocol.persistent_fever.max_separation_h} hours apart.")
        elif stopped:  # no dose to give; the dose stays below for a restart
            d = r.dose
            self.dose_label.setText(f"Anakinra stopped: stop time reached {say.day_time(r.stop_at, s.zone)},"
                                    " no further doses")
            self.working.setText("No weight is recorded: record one (kg) before a prescriber restarts anakinra."
                                 if d is None else f"If a prescriber restarts it, the dose at the latest weight is"
                                 f" {notation.mg(d.mg)} ({notation.ml(d.volume_ml)}): {d.working}")
        elif r.dose is None:
            self.dose_label.setText("Anakinra: no dosing weight")
            self.working.setText("Record a weight (kg) on the Temperature screen to calculate the dose.")
        else:
            d = r.dose
            interval = say.current_interval(r, now, s.protocol)
            self.dose_label.setText(f"Anakinra {notation.mg(d.mg)} {d.route} {notation.every_hours(interval)}"
                                    f" ({notation.ml(d.volume_ml)})")
            self.working.setText(d.working)
        d = r.dose
        self.route.setText("" if not started or d is None else f"{s.protocol.dose.route_note}. Weight"
                           f" {notation.kg(d.weight_kg)} recorded {say.day_time(d.weight_at, s.zone)}.")
        warnings = [say.alert_text(a, s.protocol) for a in (*r.alerts, *r.notices) if a not in say.PROMPTS]
        if "daily_maximum" in r.notices and s.case is not None:  # rules §4 rev 2: which window is over
            recorded = wording.recorded_over(s.case, s.protocol.dose, lambda t: say.day_time(t, s.zone))
            warnings += [recorded] if recorded else []
        self.warnings.show_text("\n".join(f"⚠ {w}" for w in warnings), "warn")
        self._show_prompts(r)
        self.stop.setText(say.stop_text(r, now, s.protocol))
        self.rows = say.schedule_rows(r)
        self._redrawing = True
        try:
            self._fill_table()
            # A line the nurse chose stays chosen, found by its number and due time (rows move), while
            # it is open and the line to give next is still the same line in the same state (planned,
            # due, overdue) as when she chose; else the redraw chooses the line to give next, or none
            # (rules §5a: every dose on its own line; a redraw comes every half minute and after
            # every save).
            nxt = say.next_dose(self.rows)
            chosen = None
            if self._chosen is not None and self._chosen[1] == _line_key(nxt):
                chosen = next((row for row in self.rows if (row.line, row.due) == self._chosen[0] and not row.closed),
                              None)
            if chosen is None:
                self._chosen = None
            pick = chosen or nxt
            if pick is not None:
                self.table.selectRow(self.rows.index(pick))
            else:
                self.table.clearSelection()
            self._on_row_selected()
        finally:
            self._redrawing = False
        self.give_button.setEnabled(started)
        self.escalate_button.setEnabled(started and r.escalated_at is None and not stopped)
        self.escalate_button.setText(escalate_words(s.protocol) if r.escalated_at is None else
                                     f"Escalated {say.day_time(r.escalated_at, s.zone)}")
        self.restart_button.setEnabled(stopped)
        self._show_verification()

    def _show_verification(self) -> None:
        """Whether a pharmacist's double check holds for the current dose (issue 18), and the
        action, open only to a role allowed it (core/permissions)."""
        s, r = self.state, self.state.result
        has_dose = r is not None and r.dose is not None and s.patient_id is not None
        if not has_dose:
            self.verification_label.setText("")
        else:
            from ..storage.dose_verification import current_verification
            verified, reasons = current_verification(s.store, s.patient_id, r)
            self.verification_label.setText(verification_text(verified, reasons, s.zone))
        role = s.user.role if s.user is not None else None
        allowed = role is not None and permissions.allowed(role, "verify_dose")
        self.verify_button.setEnabled(has_dose and allowed)
        words = permissions.TABLE["verify_dose"]
        who = " or ".join(permissions.ROLE_WORDS[x] for x in permissions.ROLES if x in words.roles)
        self.verify_button.setToolTip(f"Only {who} may {words.words}." if not allowed else
                                      "Enter your own figures without seeing the calculator's, then compare.")

    def _fill_table(self) -> None:
        s = self.state
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

    def _on_row_selected(self) -> None:
        """The selected line in full under the table: its status and why it moved or was not given.
        A line selected by the nurse (not by a redraw) is remembered as her choice."""
        selected = self.table.selectionModel().selectedRows()
        if not selected or selected[0].row() >= len(self.rows):
            if not self._redrawing:
                self._chosen = None
            self.row_detail.setText("")
            return
        row = self.rows[selected[0].row()]
        if not self._redrawing:
            self._chosen = ((row.line, row.due), _line_key(say.next_dose(self.rows)))
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

    def open_double_check(self) -> None:
        from ..storage.accounts import Accounts
        from .double_check import DoubleCheckDialog
        self._open(DoubleCheckDialog(self.state, user=self.state.user, accounts=Accounts(self.state.store),
                                     ask_pin=self.ask_pin, parent=self))

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


def _line_key(row: say.ScheduledDose | None) -> tuple | None:
    """What makes the line to give next the same line: its number, due time and status."""
    return (row.line, row.due, row.status) if row is not None else None
