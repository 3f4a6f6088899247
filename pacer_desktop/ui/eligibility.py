"""Eligibility checklist screen: the thirteen criteria, grouped, with live status and reason."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QBoxLayout, QCheckBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QScrollArea, QVBoxLayout, QWidget)

from .. import protocols
from ..core.case import EligibilityInputs
from ..core.eligibility import CATEGORY_TEXT, CRITERIA, PRODUCT_TEXT, evaluate_eligibility, input_problems
from ..core.caseio import checked
from ..core.errors import CaseError, Problem
from ..core.validation import fields_of
from . import presenters as say
from .patient_state import PatientState
from .date_time_fields import DateField
from .eligibility_fields import CRITERION_FIELDS, FIELDS, GROUPS, CorrectionBox, field_input
from .widgets import Banner, FieldMessages, SubmitOnEnter, field_key, parse_decimal

#: Shown beside a criterion whose entries do not parse or cannot be right (issue 14 §3): never
#: the status judged from the entries before.
CHECK_ENTRY = "⚠ check entry"
#: Room for a column's labels, margins and scroll bar beside its fields; below twice a column's
#: width the two columns go one under the other.
COLUMN_LABELS_PX = 200
STATUS_COLOUR = {"met": "#1b5e20", "not_met": "#b00020", "missing": "#8a6d00", "check": "#a40000"}
class EligibilityScreen(SubmitOnEnter, QWidget):
    """Screen 3 (Ctrl+3). Saving records a new assessment; a stored one is corrected here too
    (:meth:`start_correction`, from the flowsheet): the form shows it, and saving supersedes it
    with the reason given, the old one kept in the record."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.verdict = Banner()
        self.verdict.setObjectName("verdict")
        # Room for three lines of verdict and two of each criterion's detail, whatever a half-typed
        # number makes of them: the form does not move under the cursor.
        self.verdict.setMinimumHeight(self.verdict.fontMetrics().lineSpacing() * 3 + 14)
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        self.assessed_on = DateField(self.today, "assessed_on")
        self.correcting = None  # the flowsheet entry being corrected, or None
        self.correction_box = CorrectionBox(self.messages.label_for("correction_reason"))
        self.correction_was, self.correction_reason = self.correction_box.was, self.correction_box.reason
        self.cancel_correction_button = self.correction_box.cancel_button
        self.cancel_correction_button.clicked.connect(self.end_correction)
        self.inputs: dict[str, QWidget] = {}
        self.status: dict[str, QLabel] = {}
        self.detail: dict[str, QLabel] = {}
        self.categories: dict[str, QCheckBox] = {}
        # rules §10 rev 2: "not done" is entered explicitly, beside the number; blank is missing
        self.dlco_not_done = QCheckBox("DLCO not done", objectName="dlco_not_done")
        self.dlco_not_done.toggled.connect(self._on_dlco_not_done_changed)
        # One width for every entry, wide enough for the longest choice: the fields line up in a
        # column under each other whatever the length of their labels (the labels wrap).
        self._field_width = self.fontMetrics().horizontalAdvance(PRODUCT_TEXT["tisagenlecleucel"]) + 48
        self.assessed_on.setFixedWidth(self._field_width)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        top = QFormLayout()
        top.addRow("Assessment date", self.assessed_on)
        top.addRow("", self.messages.label_for("assessed_on"))
        body_layout.addLayout(top)
        # Two columns where they fit side by side, one under the other where they do not (1024
        # px screens): see resizeEvent.
        self.columns = columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        left, right = QVBoxLayout(), QVBoxLayout()
        for group, title in GROUPS:
            box = QGroupBox(title)
            grid = QVBoxLayout(box)
            for cid, text, g in CRITERIA:
                if g == group:
                    grid.addWidget(self._criterion(cid, text))
            (left if group in ("consent", "disease") else right).addWidget(box)
        left.addStretch(1)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        body_layout.addLayout(columns)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        self.save_button = QPushButton("&Save eligibility assessment")
        self.save_button.clicked.connect(self.submit)
        bottom = QHBoxLayout()
        bottom.addWidget(self.form_error, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.verdict)
        layout.addWidget(self.correction_box)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        self.assessed_on.dateChanged.connect(self._on_inputs_changed)
        state.changed.connect(self._on_patient_changed)
        self._loaded_for: int | None = -1
        self._on_patient_changed()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        """One column when two would not fit: each column needs its labels and its fields."""
        two_fit = event.size().width() >= 2 * (self._field_width + COLUMN_LABELS_PX)
        direction = QBoxLayout.Direction.LeftToRight if two_fit else QBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)
        super().resizeEvent(event)

    # ---- building --------------------------------------------------------------------------
    def _criterion(self, cid: str, text: str) -> QWidget:
        w = QWidget()
        w.setObjectName(f"criterion_{cid}")
        grid = QGridLayout(w)
        grid.setContentsMargins(4, 2, 4, 6)
        title = QLabel(f"<b>{text}</b>")
        title.setWordWrap(True)
        status = QLabel(objectName=f"status_{cid}")
        status.setMinimumWidth(90)
        detail = QLabel(objectName=f"detail_{cid}")
        detail.setWordWrap(True)
        detail.setStyleSheet("color: #333;")
        detail.setMinimumHeight(detail.fontMetrics().lineSpacing() * 2)
        detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status[cid], self.detail[cid] = status, detail
        grid.setColumnStretch(0, 1)
        header = QHBoxLayout()  # across both columns: the title is not squeezed by the field column
        header.addWidget(title, 1)
        header.addWidget(status)
        status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addLayout(header, 0, 0, 1, 2)
        grid.addWidget(detail, 1, 0, 1, 2)
        row = 2
        if cid == "age":
            self.age_note = QLabel(objectName="age_note")
            self.age_note.setWordWrap(True)
            self.age_note.setStyleSheet("font-style: italic;")
            grid.addWidget(self.age_note, row, 0, 1, 2)
        for name in CRITERION_FIELDS[cid]:
            if name == "disease_categories":
                box = QWidget()
                cats = QVBoxLayout(box)
                cats.setContentsMargins(0, 0, 0, 0)
                cats.addWidget(QLabel("Qualifying disease (tick all that apply):"))
                for key, words in [*CATEGORY_TEXT.items(), ("none", "none of these")]:
                    check = QCheckBox(words, objectName=f"category_{key}")
                    check.toggled.connect(self._on_inputs_changed)
                    self.categories[key] = check
                    cats.addWidget(check)
                grid.addWidget(box, row, 0, 1, 2)
                row += 1
                continue
            label, kind = FIELDS[name]
            widget = self._input(name, kind)
            self.inputs[name] = widget
            caption = QLabel(label.format(**fields_of(protocols.load().eligibility)))  # its numbers: the protocol's
            caption.setWordWrap(True)
            cell = self._beside_not_done(widget) if kind == "dlco" else widget
            cell.setFixedWidth(self._field_width)
            grid.addWidget(caption, row, 0)
            grid.addWidget(cell, row, 1)
            grid.addWidget(self.messages.label_for(name), row + 1, 0, 1, 2)
            row += 2
        return w

    def _beside_not_done(self, edit: QWidget) -> QWidget:
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(self.dlco_not_done)
        return cell

    def _input(self, name: str, kind: str) -> QWidget:
        w = field_input(name, kind, self.today)
        changed = (w.dateChanged if kind == "date" else w.textChanged if kind in ("number", "dlco")
                   else w.currentIndexChanged)
        changed.connect(self._on_inputs_changed)
        return w

    # ---- reading the form ------------------------------------------------------------------
    def values(self) -> EligibilityInputs:
        """The entries as eligibility inputs; raises :class:`CaseError` naming each field that does
        not parse or cannot be right."""
        data, problems = self._read()
        if problems:
            raise CaseError(problems)
        return data

    def _read(self) -> tuple[EligibilityInputs | dict, list[Problem]]:
        """(inputs, []) when every entry is good; else (the form's data, its problems)."""
        problems: list[Problem] = []
        data: dict = {}
        assessed = self.assessed_on.value()
        if assessed is None:
            problems.append(Problem("assessed_on", "Enter the assessment date."))
        data["assessed_on"] = assessed
        for name, widget in self.inputs.items():
            kind = FIELDS[name][1]
            try:
                if kind == "dlco" and self.dlco_not_done.isChecked():
                    data[name] = "not_done"
                elif kind in ("number", "dlco"):
                    value = parse_decimal(widget.text())
                    data[name] = int(value) if name == "dyspnea_grade" and value is not None else value
                else:
                    data[name] = widget.value()
            except ValueError as exc:
                problems.append(Problem(name, str(exc)))
        ticked = [k for k, c in self.categories.items() if c.isChecked()]
        if "none" in ticked:
            data["disease_categories"] = ()
        else:
            data["disease_categories"] = tuple(ticked) or None
        if problems:
            return data, problems
        try:
            inputs = checked(EligibilityInputs, data)
        except CaseError as exc:
            return data, list(exc.problems)
        if self.state.protocol is not None:  # percentages above 100 and the like (rules §10)
            problems = input_problems(inputs, self.state.protocol.eligibility, prefix="")
        return (data, problems) if problems else (inputs, [])

    def _on_dlco_not_done_changed(self, ticked: bool) -> None:
        edit = self.inputs["dlco_pct"]
        if ticked:
            edit.clear()  # a number beside "not done" would be a second, contradicting answer
        edit.setEnabled(not ticked)
        self._on_inputs_changed()

    def _show_status(self, cid: str, status: str, detail: str) -> None:
        label = self.status[cid]
        label.setText(CHECK_ENTRY if status == "check" else say.STATUS_TEXT[status])
        if label.property("shown_status") != status:  # re-styling is slow: only when it changes
            label.setStyleSheet(f"color: {STATUS_COLOUR[status]}; font-weight: bold;")
            label.setProperty("shown_status", status)
        self.detail[cid].setText(detail)

    def _on_inputs_changed(self, *_args) -> None:
        s = self.state
        if s.case is None or s.protocol is None:
            return
        self.age_note.setText(f"Age note: {s.protocol.eligibility.age_note}")
        self.messages.clear()
        inputs, problems = self._read()
        if problems:
            # issue 14 §3: a criterion whose entry does not parse shows the problem, never the
            # status judged before; the others are judged without the faulty entries.
            self.messages.show(problems)
            self.verdict.show_text("Check the entries marked below.", "warn")
            bad: dict[str, list[str]] = {}
            for p in problems:
                bad.setdefault(field_key(p.field), []).append(p.message)
            judged = {}
            if "assessed_on" not in bad:
                kept = {k: (None if k in bad else v) for k, v in inputs.items()}
                try:
                    result = evaluate_eligibility(checked(EligibilityInputs, kept), s.case.patient,
                                                  s.protocol.eligibility)
                    judged = {c.id: c for c in result.criteria}
                except CaseError:
                    judged = {}
            for cid, _text, _g in CRITERIA:
                wrong = [m for name in CRITERION_FIELDS[cid] for m in bad.get(name, ())]
                if cid in judged and not wrong:
                    self._show_status(cid, judged[cid].status, judged[cid].detail)
                elif wrong:
                    self._show_status(cid, "check", "Check the entry: " + "; ".join(wrong))
                else:
                    self._show_status(cid, "check", "Check the assessment date first.")
            return
        result = evaluate_eligibility(inputs, s.case.patient, s.protocol.eligibility)
        for c in result.criteria:
            self._show_status(c.id, c.status, c.detail)
        titles = {cid: text for cid, text, _g in CRITERIA}
        behind = ", ".join(titles[c] for c in result.reasons)
        text = say.VERDICT_TEXT[result.verdict]
        if result.verdict != "eligible":
            text += f" — {'not met' if result.verdict == 'not_eligible' else 'missing'}: {behind}"
        self.verdict.show_text(text, {"eligible": "ok", "not_eligible": "alarm", "incomplete": "warn"}[result.verdict])

    def _on_patient_changed(self) -> None:
        """Fill the form from the stored assessment when another patient is chosen."""
        s = self.state
        if s.patient_id == self._loaded_for:
            self._on_inputs_changed()
            return
        self._loaded_for = s.patient_id
        self._leave_correction()
        stored = s.case.eligibility if s.case is not None else None
        self.load(stored)

    # ---- correcting a stored assessment ----------------------------------------------------
    def start_correction(self, entry) -> None:
        """Show the stored assessment ``entry`` (a flowsheet entry) to correct it, with a reason."""
        self.correcting = entry
        zone = self.state.zone
        inputs = entry.values["inputs"]
        self.correction_was.setText(
            f"The assessment of {say.full_date(inputs.assessed_on)}, entered by {entry.entered_by} ({entry.role})"
            f" {say.day_time(entry.at or entry.entered_at, zone)}. Change what was wrong below, give the"
            " reason and save: it replaces the stored one, which stays in the record, struck through.")
        self.correction_reason.clear()
        self.save_button.setText("&Save correction")
        self.correction_box.show()
        self.load(inputs)
        self.correction_reason.setFocus()

    def end_correction(self) -> None:
        """Leave correcting; the form shows the assessment in force again."""
        self._leave_correction()
        s = self.state
        self.load(s.case.eligibility if s.case is not None else None)

    def _leave_correction(self) -> None:
        self.correcting = None
        self.correction_reason.clear()
        self.correction_box.hide()
        self.save_button.setText("&Save eligibility assessment")

    def today(self) -> date:
        """Today where the patient is (by this window's clock)."""
        return say.local(self.state.now(), self.state.zone).date() if self.state.record else date.today()

    def load(self, e: EligibilityInputs | None) -> None:
        widgets = [self.assessed_on, *self.inputs.values(), *self.categories.values(), self.dlco_not_done]
        for w in widgets:
            w.blockSignals(True)
        try:
            self.assessed_on.set_value(e.assessed_on if e else self.today())  # a new assessment: made today
            for name, widget in self.inputs.items():
                value = getattr(e, name) if e else None
                kind = FIELDS[name][1]
                if kind == "dlco":  # rules §10 rev 2: "not_done" is the ticked choice
                    self.dlco_not_done.setChecked(value == "not_done")
                    widget.setEnabled(value != "not_done")
                    widget.setText("" if value in (None, "not_done") else str(value))
                elif kind == "number":
                    widget.setText("" if value is None else str(value))
                else:
                    widget.set_value(value)
            cats = e.disease_categories if e else None
            for key, check in self.categories.items():
                check.setChecked(cats is not None and (key in cats or (key == "none" and cats == ())))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._on_inputs_changed()

    def submit(self) -> None:
        try:
            inputs = self.values()
        except CaseError as exc:
            self.messages.show(exc.problems)
            return
        if self.correcting is not None:
            self._submit_correction(inputs)
            return
        self.save_button.setEnabled(False)

        def done(_v) -> None:
            self.save_button.setEnabled(True)

        def problems(found) -> None:
            self.save_button.setEnabled(True)
            self.messages.show(found)

        self.state.save(lambda store, user, pid: store.add_eligibility(user, pid, inputs),
                        "Eligibility assessment saved", on_problems=problems, on_saved=done)

    def _submit_correction(self, inputs: EligibilityInputs) -> None:
        reason = self.correction_reason.text().strip()
        problems = []
        if not reason:
            problems.append(Problem("correction_reason", "Give the reason for the correction."))
        if inputs == self.correcting.values["inputs"]:
            problems.append(Problem("", "Nothing was changed: change an entry, or use 'Entered in error'"
                                        " on the flowsheet to withdraw the assessment."))
        if problems:
            self.messages.show(problems)
            return
        entry_id = self.correcting.id
        self.save_button.setEnabled(False)

        def done(_v) -> None:
            self.save_button.setEnabled(True)
            self.end_correction()

        def back(found) -> None:
            self.save_button.setEnabled(True)
            self.messages.show(found)

        self.state.save(lambda store, user, _pid: store.correct(user, "eligibility", entry_id, reason=reason,
                                                                replacement={"inputs": inputs}),
                        "Eligibility assessment corrected", on_problems=back, on_saved=done)



