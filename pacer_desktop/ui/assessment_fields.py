"""CRS and ICANS assessment fields with the grade worked out live: what the entry form
(:mod:`.assessment_form`) and the correction of a stored assessment (:mod:`.stored_assessment`)
have in common. Each of them lays the fields out and asks the ICE and CAPD scores its own way.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QSpinBox, QWidget

from ..core.case import Assessment, CrsInputs, IcansInputs
from ..core.caseio import checked
from ..core.crs import DEVICE_TEXT, HYPOTENSION_TEXT
from ..core.errors import CaseError, Problem
from ..core.icans import tool_for
from ..core.timeutil import completed_years
from .patient_state import PatientState
from .date_time_fields import TimeField
from .widgets import Choice, FieldMessages, line_edit, parse_decimal, signals_blocked

CONSCIOUSNESS = [("normal", "normal: awake and alert"), ("awakens_spontaneously", "awakens spontaneously"),
                 ("awakens_to_voice", "awakens to voice"),
                 ("awakens_to_tactile", "awakens only to tactile stimulus"),
                 ("unarousable", "unarousable, stupor or coma")]
SEIZURE = [("none", "no seizure"), ("rapidly_resolving", "seizure that resolved rapidly"),
           ("prolonged_or_repetitive", "prolonged (> 5 min) or repetitive seizures")]
MOTOR = [("none", "no focal weakness"), ("deep_focal_weakness", "deep focal motor weakness")]
EDEMA = [("none", "no cerebral edema"), ("focal", "focal edema on imaging"),
         ("diffuse", "diffuse edema, posturing, CN VI palsy, papilledema or Cushing's triad")]

#: Characters a choice in the assessment form is sized for; its list opens wide enough for every
#: item. Sized for its longest item instead, the form needed scrolling sideways at 1366×768.
CHOICE_CHARS = 18
#: Room for a choice's arrow and scroll bar beside its longest item.
CHOICE_ARROW_PX = 24
#: The grade's place before anything is answered: a blank form is not worked out (one evaluation
#: per change: a save clears the form without a second evaluation for it).
NOT_ANSWERED = "Grade: worked out as you answer"


def fit_choice(choice: Choice) -> Choice:
    """Let ``choice`` narrow to :data:`CHOICE_CHARS` (the chosen text also as tooltip), its open
    list keeping the full width of its longest item."""
    choice.setSizeAdjustPolicy(Choice.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    choice.setMinimumContentsLength(CHOICE_CHARS)
    view = choice.view()
    view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + CHOICE_ARROW_PX)

    def show_tip(_index: int = 0) -> None:
        choice.setToolTip(choice.currentText())
    choice.currentIndexChanged.connect(show_tip)
    show_tip()
    return choice


class AssessmentFields(QGroupBox):
    """CRS inputs and ICANS; the grade computed live and explained.

    Subclasses make the ICE and CAPD inputs (:meth:`make_scores`), read them back (:meth:`scores`)
    and lay everything out (:meth:`lay_out`). The grade is worked out when an answer changes, and
    again when the patient's case changes while answers are on screen; a blank form waits for
    its first answer.
    """

    def __init__(self, state: PatientState, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.state = state
        self.replacing: Assessment | None = None  # the stored assessment shown (see load)
        self.answered = False  # whether anything was answered (or loaded) since the form was blank
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        self.time = TimeField(lambda: state.zone, state.now)
        # CRS
        self.crs_assessed = QCheckBox("CRS assessed at this time")
        self.crs_assessed.setChecked(True)
        self.hypotension = Choice([(k, v) for k, v in HYPOTENSION_TEXT.items()])
        self.hypotension.setObjectName("hypotension")
        self.oxygen = Choice([(k, v) for k, v in DEVICE_TEXT.items()])
        self.oxygen.setObjectName("oxygen_device")
        self.flow = line_edit("L/min", "oxygen_flow_l_min")
        # ICANS
        self.icans_assessed = QCheckBox("ICANS assessed at this time")
        self.icans_assessed.setChecked(True)
        self.tool = Choice([(None, "automatic"), ("ice", "ICE"), ("capd", "CAPD")])  # ages: show_protocol
        self.tool.setObjectName("icans_tool")
        self.tool_note = QLabel()
        self.ice_box, self.capd_box = self.make_scores()
        self.unable = QCheckBox("Unable to perform the assessment (unarousable)")
        self.sedated = QCheckBox("Sedated (consciousness and inability not counted as ICANS)")
        self.consciousness = Choice(CONSCIOUSNESS)
        self.seizure = Choice(SEIZURE)
        self.motor = Choice(MOTOR)
        self.edema = Choice(EDEMA)
        for name, widget in (("consciousness", self.consciousness), ("seizure", self.seizure),
                             ("motor", self.motor), ("cerebral_edema", self.edema)):
            widget.setObjectName(name)
        self.grade = QLabel(objectName="live_grade")
        self.grade.setWordWrap(True)
        self.grade.setStyleSheet("font-size: 11pt; font-weight: bold;")
        self.notes = QLabel(objectName="grade_notes")
        self.notes.setWordWrap(True)
        self.icans_widgets = QWidget()
        icans_layout = QFormLayout(self.icans_widgets)
        icans_layout.setContentsMargins(0, 0, 0, 0)
        icans_layout.addRow(self.ice_box)
        icans_layout.addRow(self.capd_box)
        icans_layout.addRow(self.unable)
        icans_layout.addRow(self.sedated)
        icans_layout.addRow("Consciousness", self.consciousness)
        icans_layout.addRow("Seizure", self.seizure)
        icans_layout.addRow("Motor", self.motor)
        icans_layout.addRow("Raised ICP / cerebral edema", self.edema)
        self.form = QFormLayout()  # the grade, its notes and the form's message (and more, by subclass)
        self.lay_out(icans_layout)
        for choice in self.choices():
            fit_choice(choice)
        for w in (*self.choices(), *self.item_choices()):
            w.currentIndexChanged.connect(self._on_inputs_changed)
        for spin in self.spins():
            spin.valueChanged.connect(self._on_inputs_changed)
        for box in (self.unable, self.sedated, self.icans_assessed, self.crs_assessed):
            box.toggled.connect(self._on_inputs_changed)
        self.flow.textChanged.connect(self._on_inputs_changed)
        self.time.edit.dateTimeChanged.connect(self._on_time_changed)
        state.changed.connect(self._on_state_changed)
        self.show_protocol()

    # ---- for the subclasses ----------------------------------------------------------------
    def make_scores(self) -> tuple[QWidget, QWidget]:
        """The ICE and CAPD inputs, each in one widget shown for its tool."""
        raise NotImplementedError

    def add_time_rows(self, form: QFormLayout) -> None:
        form.addRow("Assessed at", self.time)
        form.addRow("", self.messages.label_for("at"))

    def add_crs_rows(self, form: QFormLayout, *, assessed: QWidget | None = None) -> None:
        """The CRS inputs, as the entry form and the stored view both lay them out."""
        form.addRow(QLabel("<b>CRS</b>"))
        if assessed is not None:
            form.addRow("", assessed)
        form.addRow("Hypotension", self.hypotension)
        form.addRow("Oxygen", self.oxygen)
        form.addRow("Oxygen flow (L/min)", self.flow)
        form.addRow("", self.messages.label_for("oxygen_flow_l_min"))

    def add_icans_rows(self, form: QFormLayout) -> None:
        form.addRow(QLabel("<b>ICANS</b>"))
        form.addRow("", self.icans_assessed)
        form.addRow("Tool", self.tool)
        form.addRow("", self.tool_note)
        form.addRow(self.icans_widgets)

    def lay_out(self, icans_layout: QFormLayout) -> None:
        """Lay out the fields (the ICANS ones other than the tool already in ``icans_layout``)."""
        raise NotImplementedError

    def spins(self) -> tuple[QSpinBox, ...]:
        """The number inputs of the scores."""
        raise NotImplementedError

    def item_choices(self) -> tuple[Choice, ...]:
        """The choices among the scores' inputs (CAPD's items)."""
        return ()

    def scores(self) -> tuple[int | None, int | None]:
        """The ICE and CAPD scores as answered; None where not (completely) answered."""
        raise NotImplementedError

    def show_protocol(self) -> None:
        """Show the numbers of the patient's protocol (rules §9) beside the inputs."""
        protocol = self.state.protocol
        if protocol is None or protocol is getattr(self, "_shown_protocol", None):
            return
        self._shown_protocol = protocol
        icans = protocol.icans
        self.tool.setItemText(1, f"ICE ({icans.ice_min_age_years} years and older)")
        self.tool.setItemText(2, f"CAPD (under {icans.ice_min_age_years} or developmental delay)")
        self.show_score_maxima(icans)

    def show_score_maxima(self, icans) -> None:
        raise NotImplementedError

    def show_totals(self) -> None:
        """Redraw what the scores' inputs show as they are answered."""

    # ---- building the inputs -------------------------------------------------------------
    def choices(self) -> tuple[Choice, ...]:
        return (self.hypotension, self.oxygen, self.tool, self.consciousness, self.seizure, self.motor, self.edema)

    def default_tool(self) -> str | None:
        p, protocol = self.state.record, self.state.protocol
        if p is None or protocol is None:
            return None
        on = self.time.value().astimezone(ZoneInfo(self.state.zone)).date()
        age = completed_years(p.date_of_birth, on) if p.date_of_birth else None
        return tool_for(age, p.developmental_delay, protocol.icans)

    def tool_in_use(self) -> str | None:
        return self.tool.value() or self.default_tool()

    def inputs(self) -> Assessment:
        """The assessment on screen; raises CaseError for what cannot even be built."""
        try:
            flow = parse_decimal(self.flow.text())
        except ValueError as exc:
            raise CaseError([Problem("oxygen_flow_l_min", str(exc))]) from None
        if self.oxygen.value() == "none" and flow is not None:
            flow = None  # room air has no flow
        crs = checked(CrsInputs, dict(hypotension=self.hypotension.value(), oxygen_device=self.oxygen.value(),
                                      oxygen_flow_l_min=flow)) if self.crs_assessed.isChecked() else None
        icans = None
        if self.icans_assessed.isChecked():
            ice, capd = self.scores()
            tool = self.tool_in_use()
            icans = checked(IcansInputs, dict(
                tool=self.tool.value(), ice_score=ice if tool == "ice" else None,
                capd_score=capd if tool == "capd" else None, unable_to_perform=self.unable.isChecked(),
                consciousness=self.consciousness.value(), seizure=self.seizure.value(),
                motor=self.motor.value(), cerebral_edema=self.edema.value(), sedated=self.sedated.isChecked()))
        return checked(Assessment, dict(at=self.time.value(), crs=crs, icans=icans))

    # ---- live grade ----------------------------------------------------------------------
    def _on_inputs_changed(self, *_args) -> None:
        self.answered = True
        self._redraw()

    def _on_time_changed(self, *_args) -> None:
        """A time set by the user is an answer; the field following the clock or the zone is not."""
        if not self.time.following:
            self.answered = True
        self._redraw()

    def _on_state_changed(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        """The fields as the answers and the patient make them; the grade when anything is answered."""
        if self.state.protocol is None:
            return
        self.show_protocol()
        tool = self.tool_in_use()
        default = self.default_tool()
        self.tool_note.setText(
            f"Tool for this patient: {default.upper() if default else 'unknown (date of birth missing)'}"
            + (" (developmental delay)" if self.state.record and self.state.record.developmental_delay else ""))
        self.ice_box.setVisible(tool == "ice")
        self.capd_box.setVisible(tool == "capd")
        self.icans_widgets.setEnabled(self.icans_assessed.isChecked())
        crs = self.crs_assessed.isChecked()
        for w in (self.hypotension, self.oxygen):
            w.setEnabled(crs)
        self.flow.setEnabled(crs and self.oxygen.value() != "none")
        self.show_totals()
        self.messages.clear()
        if not self.answered:
            self.grade.setText(NOT_ANSWERED)
            self.notes.setText("")
            return
        try:
            assessment = self.inputs()
            result = self.state.evaluate_with(assessments=(assessment,), replacing=self.replacing)
        except CaseError as exc:
            self.grade.setText("Grade: not yet — " + "; ".join(p.message for p in exc.problems))
            self.notes.setText("")
            return
        # the one being typed is the case's last (evaluate_with adds it at the end); found by its
        # place, not its time: == on the wall clock takes 01:30 CDT for 01:30 CST in the autumn hour
        row = max(result.assessments, key=lambda a: a.index)
        lines = [row.crs_reason or "CRS not assessed"]
        lines.append(row.icans_reason or "ICANS not assessed (the last grade carries forward)")
        self.grade.setText("\n".join(lines))
        self.notes.setText("\n".join(row.notes))

    def _answer_widgets(self) -> tuple[QWidget, ...]:
        return (self.crs_assessed, *self.choices(), self.flow, self.icans_assessed, *self.item_choices(),
                *self.spins(), self.unable, self.sedated)

    def clear(self) -> None:
        """Every answer back to its blank default, the time following the clock (issue 14 §3):
        after a save, and whenever another patient is selected."""
        with signals_blocked(*self._answer_widgets(), self.time.edit):
            self.replacing = None
            self.answered = False
            self.time.set_now()
            self.crs_assessed.setChecked(True)
            self.icans_assessed.setChecked(True)
            for choice in (*self.choices(), *self.item_choices()):
                choice.setCurrentIndex(0)
            self.flow.clear()
            for spin in self.spins():
                spin.setValue(-1)
            self.unable.setChecked(False)
            self.sedated.setChecked(False)
        self.messages.clear()
        self._redraw()
