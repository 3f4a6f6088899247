"""Temperature and grading screen: temperature, weight, CRS and ICANS entry with the live grade."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QScrollArea, QSpinBox, QSplitter, QTabWidget, QVBoxLayout,
                               QWidget)

from ..core import notation
from ..core.case import Assessment, CrsInputs, IcansInputs, Temperature, Weight
from ..core.crs import DEVICE_TEXT, HYPOTENSION_TEXT
from ..core.caseio import checked
from ..core.errors import CaseError, Problem
from ..core.validation import fields_of
from ..core.icans import CAPD_FREQUENCIES, CAPD_ITEMS, ICE_ITEMS, capd_total, ice_total, tool_for
from ..core.temperature import to_celsius
from ..core.timeutil import completed_years
from . import presenters as say
from .flowsheet import Flowsheet
from .patient_state import PatientState
from .widgets import (Banner, Choice, FieldMessages, SpinBox, TimeField, line_edit, on_enter, parse_decimal, required_decimal,
                      set_by_name, signals_blocked)

CONSCIOUSNESS = [("normal", "normal: awake and alert"), ("awakens_spontaneously", "awakens spontaneously"),
                 ("awakens_to_voice", "awakens to voice"),
                 ("awakens_to_tactile", "awakens only to tactile stimulus"),
                 ("unarousable", "unarousable, stupor or coma")]
SEIZURE = [("none", "no seizure"), ("rapidly_resolving", "seizure that resolved rapidly"),
           ("prolonged_or_repetitive", "prolonged (> 5 min) or repetitive seizures")]
MOTOR = [("none", "no focal weakness"), ("deep_focal_weakness", "deep focal motor weakness")]
EDEMA = [("none", "no cerebral edema"), ("focal", "focal edema on imaging"),
         ("diffuse", "diffuse edema, posturing, CN VI palsy, papilledema or Cushing's triad")]

#: Width of the entry forms' pane, and the least width the flowsheet beside it needs to show all
#: its columns (Entered by, Status); below their sum the flowsheet goes under the forms.
ENTRY_WIDTH_PX = 530
FLOWSHEET_WIDTH_PX = 520
SPLIT_GAP_PX = 10

#: Characters a choice in the assessment form is sized for; its list opens wide enough for every
#: item. Sized for its longest item instead, the form needed scrolling sideways at 1366×768.
CHOICE_CHARS = 18
#: Space between the CRS and ICANS columns of a stored assessment.
COLUMN_GAP_PX = 12
#: Room for a choice's arrow and scroll bar beside its longest item.
CHOICE_ARROW_PX = 24


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


def align_labels(*forms: QFormLayout) -> None:
    """Give the labels of ``forms`` (nested one in another) one width, so their fields line up."""
    labels = [item.widget() for f in forms for row in range(f.rowCount())
              if (item := f.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None and item.widget()]
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


def fahrenheit(celsius: Decimal) -> Decimal:
    """°C → °F (physics, not protocol)."""
    return celsius * 9 / 5 + 32


class TemperatureReading(QWidget):
    """A temperature as typed: value, °C or °F, and the value in the other unit beside them.
    The entry form records one; a correction of a stored temperature shows it (flowsheet)."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.value = line_edit("e.g. 38.7", "temperature_value")
        self.unit = Choice([("C", "°C"), ("F", "°F")])
        self.unit.setObjectName("temperature_unit")
        self.converted = QLabel(objectName="temperature_converted")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.value, 1)
        row.addWidget(self.unit)
        row.addWidget(self.converted, 2)
        self.value.textChanged.connect(self._on_value_changed)
        self.unit.currentIndexChanged.connect(self._on_value_changed)

    def _on_value_changed(self, *_args) -> None:
        try:
            value = parse_decimal(self.value.text())
        except ValueError as exc:
            self.converted.setText(str(exc))
            return
        if value is None or self.state.protocol is None:
            self.converted.setText("")
            return
        rules = self.state.protocol.temperature
        if self.unit.value() == "F":
            self.converted.setText(f"= {notation.celsius(to_celsius(value, 'F', rules))}")
        else:
            self.converted.setText(f"= {notation.fahrenheit(fahrenheit(value))}")


class ReadingEntry(QGroupBox):
    """One measured value with its time (defaulting to now) and a save button; Enter saves.
    The temperature and weight forms."""

    def __init__(self, state: PatientState, title: str, label: str, value: QWidget, value_key: str,
                 time_label: str, button: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.state = state
        self.time = TimeField(lambda: state.zone, state.now)
        self.save_button = QPushButton(button)
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        form = QFormLayout(self)
        form.addRow(label, value)
        form.addRow("", self.messages.label_for(value_key))
        form.addRow(time_label, self.time)
        form.addRow("", self.messages.label_for("at"))
        form.addRow(self.form_error)
        form.addRow("", self.save_button)
        self.save_button.clicked.connect(self.submit)
        on_enter(self, self.submit)
        state.switched.connect(self.clear)

    def submit(self) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        """Blank, with the time following the clock: after a save, and for another patient."""
        self.messages.clear()
        self.time.set_now()

    def check(self, **additions: tuple) -> bool:
        """Whether the new entry passes the bedside rules by this window's clock; if not, the
        problems are shown at their fields and nothing is sent to storage."""
        try:
            self.state.check(**additions)
        except CaseError as exc:
            self.messages.show(list(exc.problems))
            return False
        return True


class TemperatureEntry(ReadingEntry):
    """Value, °C or °F (the other unit shown as typed), time defaulting to now."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        reading = TemperatureReading(state)
        super().__init__(state, "Temperature", "Temperature", reading, "value", "Taken at", "Record temperature",
                         parent)
        self.reading = reading
        self.value, self.unit, self.converted = reading.value, reading.unit, reading.converted

    def clear(self) -> None:
        self.value.clear()
        self.unit.set_value("C")
        super().clear()

    def submit(self) -> None:
        try:
            value = required_decimal(self.value.text(), "value", "Enter the temperature.")
        except CaseError as exc:
            self.messages.show(list(exc.problems))
            return
        self.messages.clear()
        at, unit = self.time.value(), self.unit.value()
        shown = notation.temperature(value, unit)
        if not self.check(temperatures=(Temperature(at=at, value=value, unit=unit),)):
            return

        def saved(_id) -> None:
            self.clear()
            self.value.setFocus()

        self.state.save(lambda store, user, pid: store.add_temperature(user, pid, at=at, value=value, unit=unit),
                        f"Temperature {shown} recorded", on_problems=self.messages.show, on_saved=saved)


class WeightEntry(ReadingEntry):
    """Weight in kg, time defaulting to now."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        kg = line_edit("e.g. 23.4", "weight_kg")
        super().__init__(state, "Weight", "Weight (kg)", kg, "kg", "Weighed at", "Record weight", parent)
        self.kg = kg

    def clear(self) -> None:
        self.kg.clear()
        super().clear()

    def submit(self) -> None:
        try:
            kg = required_decimal(self.kg.text(), "kg", "Enter the weight in kg.")
        except CaseError as exc:
            self.messages.show(list(exc.problems))
            return
        self.messages.clear()
        at = self.time.value()
        if not self.check(weights=(Weight(at=at, kg=kg),)):
            return

        def saved(_id) -> None:
            self.clear()

        self.state.save(lambda store, user, pid: store.add_weight(user, pid, at=at, kg=kg),
                        f"Weight {notation.kg(kg)} recorded", on_problems=self.messages.show, on_saved=saved)


class AssessmentFields(QGroupBox):
    """CRS inputs and ICANS with the ICE or CAPD form; the grade computed live and explained.

    The grading screen records new assessments with it (:class:`AssessmentForm`). A correction
    shows a stored assessment in it (``stored=True``, then :meth:`load`): storage keeps the ICE and
    CAPD totals, not the items, so those are asked as totals, and CRS may be left unassessed.
    """

    def __init__(self, state: PatientState, title: str, *, stored: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.state = state
        self.stored = stored
        self.replacing: Assessment | None = None  # the stored assessment shown (see load)
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
        self.tool = Choice([(None, "automatic"), ("ice", "ICE"), ("capd", "CAPD")])  # ages: _show_protocol
        self.tool.setObjectName("icans_tool")
        self.tool_note = QLabel()
        self.ice_items: dict[str, QSpinBox] = {}
        self.capd_items: list[Choice] = []
        if stored:  # one number each: a row of the form, not a box of items
            self.ice_box, self.capd_box = QWidget(), QWidget()
            self.ice_score = self._total_score(self.ice_box, "ICE score", "ice_score")
            self.capd_score = self._total_score(self.capd_box, "CAPD score", "capd_score")
        else:
            self.ice_box = QGroupBox("ICE score")
            self.capd_box = QGroupBox("CAPD: over the shift, how often does the child…")
            self._ice_items()
            self._capd_items()
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

        form = QFormLayout()
        # A stored assessment is shown in two columns (CRS, ICANS) to fit a dialog at 1366×768.
        time_form = QFormLayout() if stored else form
        time_form.addRow("Assessed at", self.time)
        time_form.addRow("", self.messages.label_for("at"))
        crs_form = QFormLayout() if stored else form
        crs_form.addRow(QLabel("<b>CRS</b>"))
        if stored:
            crs_form.addRow("", self.crs_assessed)
        crs_form.addRow("Hypotension", self.hypotension)
        crs_form.addRow("Oxygen", self.oxygen)
        crs_form.addRow("Oxygen flow (L/min)", self.flow)
        crs_form.addRow("", self.messages.label_for("oxygen_flow_l_min"))
        icans_form = QFormLayout() if stored else form
        icans_form.addRow(QLabel("<b>ICANS</b>"))
        icans_form.addRow("", self.icans_assessed)
        icans_form.addRow("Tool", self.tool)
        icans_form.addRow("", self.tool_note)
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
        icans_form.addRow(self.icans_widgets)
        form.addRow(self.grade)
        form.addRow(self.notes)
        form.addRow(self.form_error)
        self.form = form
        if stored:
            columns = QHBoxLayout()
            columns.addLayout(crs_form, 1)
            columns.addSpacing(COLUMN_GAP_PX)
            columns.addLayout(icans_form, 1)
            outer = QVBoxLayout(self)
            outer.addLayout(time_form)
            outer.addLayout(columns)
            outer.addLayout(form)
            align_labels(time_form, crs_form)
            align_labels(icans_form, icans_layout, self.ice_box.layout(), self.capd_box.layout())
        else:
            self.setLayout(form)
        for choice in (self.hypotension, self.oxygen, self.tool, self.consciousness, self.seizure, self.motor,
                       self.edema):
            fit_choice(choice)

        for w in (self.hypotension, self.oxygen, self.tool, self.consciousness, self.seizure, self.motor,
                  self.edema, *self.capd_items):
            w.currentIndexChanged.connect(self._on_inputs_changed)
        for spin in (*self.ice_items.values(), *self._totals()):
            spin.valueChanged.connect(self._on_inputs_changed)
        for box in (self.unable, self.sedated, self.icans_assessed, self.crs_assessed):
            box.toggled.connect(self._on_inputs_changed)
        self.flow.textChanged.connect(self._on_inputs_changed)
        self.time.edit.dateTimeChanged.connect(self._on_inputs_changed)
        state.changed.connect(self._on_inputs_changed)
        self._set_item_maxima()

    def _ice_items(self) -> None:
        ice_grid = QGridLayout(self.ice_box)
        for row, (key, text) in enumerate(ICE_ITEMS.items()):
            spin = SpinBox(objectName=f"ice_{key}")
            spin.setRange(-1, 0)  # the item's maximum comes from the protocol (_show_protocol)
            spin.setSpecialValueText("—")
            spin.setValue(-1)
            self.ice_items[key] = spin
            ice_grid.addWidget(QLabel(text), row, 0)
            ice_grid.addWidget(spin, row, 1)
            ice_grid.addWidget(QLabel(), row, 2)
        self.ice_total = QLabel(objectName="ice_total")
        ice_grid.addWidget(self.ice_total, len(ICE_ITEMS), 0, 1, 3)
        ice_grid.addWidget(self.messages.label_for("ice_score"), len(ICE_ITEMS) + 1, 0, 1, 3)

    def _capd_items(self) -> None:
        capd_grid = QGridLayout(self.capd_box)
        for i, text in enumerate(CAPD_ITEMS):
            choice = Choice([(None, "—"), *[(n, f) for n, f in enumerate(CAPD_FREQUENCIES)]])
            choice.setObjectName(f"capd_{i + 1}")
            self.capd_items.append(choice)
            item = QLabel(f"{i + 1}. {text}")
            item.setWordWrap(True)
            capd_grid.addWidget(item, i, 0)
            capd_grid.addWidget(choice, i, 1)
        self.capd_total = QLabel(objectName="capd_total")
        capd_grid.addWidget(self.capd_total, len(CAPD_ITEMS), 0, 1, 2)
        capd_grid.addWidget(self.messages.label_for("capd_score"), len(CAPD_ITEMS) + 1, 0, 1, 2)

    def _total_score(self, box: QGroupBox, label: str, key: str) -> QSpinBox:
        """A stored total (ICE or CAPD): blank ("—") is not entered, never zero. Its maximum
        comes from the protocol (:meth:`_show_protocol`)."""
        spin = SpinBox(objectName=key)
        spin.setRange(-1, 0)
        spin.setSpecialValueText("—")
        spin.setValue(-1)
        grid = QFormLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addRow(QLabel(label, objectName=f"{key}_label"), spin)
        grid.addRow(self.messages.label_for(key))
        return spin

    def _totals(self) -> tuple[QSpinBox, ...]:
        return (self.ice_score, self.capd_score) if self.stored else ()

    def _set_item_maxima(self) -> None:
        self._show_protocol()

    def _show_protocol(self) -> None:
        """The numbers the form shows, from the patient's protocol (rules §9): the ICE items'
        and totals' maxima, the age that chooses the tool, the number of CAPD items."""
        protocol = self.state.protocol
        if protocol is None or protocol is getattr(self, "_shown_protocol", None):
            return
        self._shown_protocol = protocol
        icans = protocol.icans
        ice_range, capd_range = f"(out of {icans.ice_max})", f"(out of {icans.capd_max})"
        self.tool.setItemText(1, f"ICE ({icans.ice_min_age_years} years and older)")
        self.tool.setItemText(2, f"CAPD (under {icans.ice_min_age_years} or developmental delay)")
        if self.stored:
            for spin, maximum, text in ((self.ice_score, icans.ice_max, f"ICE score {ice_range}"),
                                        (self.capd_score, icans.capd_max, f"CAPD score {capd_range}")):
                spin.setMaximum(maximum)
                self.findChild(QLabel, f"{spin.objectName()}_label").setText(text)
            return
        self.ice_box.setTitle(f"ICE score {ice_range}")
        self.capd_box.setTitle(f"CAPD: over the shift, how often does the child… {capd_range}")
        maxima = fields_of(icans.ice_items)
        grid = self.ice_box.layout()
        for key, spin in self.ice_items.items():
            spin.setMaximum(maxima[key])
            row = grid.getItemPosition(grid.indexOf(spin))[0]
            grid.itemAtPosition(row, 2).widget().setText(f"of {maxima[key]}")

    # ---- building the inputs -------------------------------------------------------------
    def default_tool(self) -> str | None:
        p, protocol = self.state.record, self.state.protocol
        if p is None or protocol is None:
            return None
        on = self.time.value().astimezone(ZoneInfo(self.state.zone)).date()
        age = completed_years(p.date_of_birth, on) if p.date_of_birth else None
        return tool_for(age, p.developmental_delay, protocol.icans)

    def tool_in_use(self) -> str | None:
        return self.tool.value() or self.default_tool()

    def scores(self) -> tuple[int | None, int | None]:
        if self.stored:
            return tuple(v if v >= 0 else None for v in (s.value() for s in self._totals()))
        rules = self.state.protocol.icans
        ice = capd = None
        values = {k: s.value() for k, s in self.ice_items.items()}
        if all(v >= 0 for v in values.values()):
            ice = ice_total(values, rules)
        answers = [c.value() for c in self.capd_items]
        if all(a is not None for a in answers):
            capd = capd_total(answers, rules)
        return ice, capd

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
        if self.state.protocol is None:
            return
        self._set_item_maxima()
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
        if not self.stored:
            ice, capd = self.scores()
            icans = self.state.protocol.icans
            self.ice_total.setText(f"ICE total: {ice} of {icans.ice_max}" if ice is not None
                                   else "ICE total: answer every item")
            self.capd_total.setText(f"CAPD total: {capd} of {icans.capd_max}" if capd is not None
                                    else f"CAPD total: answer all {len(self.capd_items)} items")
        self.messages.clear()
        try:
            assessment = self.inputs()
            result = self.state.evaluate_with(assessments=(assessment,), replacing=self.replacing)
        except CaseError as exc:
            self.grade.setText("Grade: not yet — " + "; ".join(p.message for p in exc.problems))
            self.notes.setText("")
            return
        row = [a for a in result.assessments if a.at == assessment.at][-1]
        lines = [row.crs_reason or "CRS not assessed"]
        lines.append(row.icans_reason or "ICANS not assessed (the last grade carries forward)")
        self.grade.setText("\n".join(lines))
        self.notes.setText("\n".join(row.notes))

    def clear(self) -> None:
        """Every answer back to its blank default, the time following the clock (issue 14 §3):
        after a save, and whenever another patient is selected."""
        widgets = (self.crs_assessed, self.hypotension, self.oxygen, self.flow, self.icans_assessed, self.tool,
                   *self.ice_items.values(), *self.capd_items, *self._totals(), self.unable, self.sedated,
                   self.consciousness, self.seizure, self.motor, self.edema)
        with signals_blocked(*widgets, self.time.edit):
            self.replacing = None
            self.time.set_now()
            self.crs_assessed.setChecked(True)
            self.icans_assessed.setChecked(True)
            for choice in (self.hypotension, self.oxygen, self.tool, self.consciousness, self.seizure, self.motor,
                           self.edema, *self.capd_items):
                choice.setCurrentIndex(0)
            self.flow.clear()
            for spin in (*self.ice_items.values(), *self._totals()):
                spin.setValue(-1)
            self.unable.setChecked(False)
            self.sedated.setChecked(False)
        self.messages.clear()
        self._on_inputs_changed()

    def load(self, assessment: Assessment) -> None:
        """Show the stored ``assessment``; the live grade is then worked out with it replaced."""
        crs, icans = assessment.crs, assessment.icans
        widgets = (self.crs_assessed, self.hypotension, self.oxygen, self.flow, self.icans_assessed, self.tool,
                   *self._totals(), self.unable, self.sedated, self.consciousness, self.seizure, self.motor,
                   self.edema)
        with signals_blocked(*widgets, self.time.edit):
            self.replacing = assessment
            self.time.set_value(assessment.at)
            self.crs_assessed.setChecked(crs is not None)
            if crs is not None:
                self.hypotension.set_value(crs.hypotension)
                self.oxygen.set_value(crs.oxygen_device)
                flow = crs.oxygen_flow_l_min
                self.flow.setText("" if flow is None else notation.plain_number(flow))
            self.icans_assessed.setChecked(icans is not None)
            if icans is not None:
                self.tool.set_value(icans.tool)
                for spin, score in zip(self._totals(), (icans.ice_score, icans.capd_score)):
                    spin.setValue(-1 if score is None else score)
                self.unable.setChecked(icans.unable_to_perform)
                self.sedated.setChecked(icans.sedated)
                self.consciousness.set_value(icans.consciousness)
                self.seizure.set_value(icans.seizure)
                self.motor.set_value(icans.motor)
                self.edema.set_value(icans.cerebral_edema)
        self._on_inputs_changed()


class AssessmentForm(AssessmentFields):
    """The grading screen's assessment: the fields, and a button that records a new assessment."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(state, "CRS and ICANS assessment", parent=parent)
        self.save_button = QPushButton("Record assessment")
        self.form.addRow("", self.save_button)
        self.save_button.clicked.connect(self.submit)
        on_enter(self, self.submit)
        state.switched.connect(self.clear)

    def submit(self) -> None:
        try:
            assessment = self.inputs()
            self.state.check(assessments=(assessment,))
        except CaseError as exc:
            self.messages.show(exc.problems)
            return
        self.messages.clear()

        def saved(_id) -> None:
            self.clear()

        what = self.grade.text().replace("\n", "; ")
        self.state.save(lambda store, user, pid: store.add_assessment(
            user, pid, at=assessment.at, crs=assessment.crs, icans=assessment.icans),
            f"Assessment recorded: {what}", on_problems=self.messages.show, on_saved=saved)


class ChartTab(QWidget):
    """The chart's tab: empty until first shown, then a :class:`chart.TemperatureChart` (that
    module and QtCharts load then, not at start-up)."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.chart: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.chart is None:
            from .chart import TemperatureChart
            self.chart = TemperatureChart(self.state)
            self._layout.addWidget(self.chart)
        super().showEvent(event)


class GradingScreen(QWidget):
    """Screen 1 (Ctrl+1): entry on the left; flowsheet and chart on the right."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.fever_banner = Banner()
        self.fever_banner.setObjectName("fever_banner")
        self.temperature = TemperatureEntry(state)
        self.weight = WeightEntry(state)
        self.assessment = AssessmentForm(state)
        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        entry_layout.addWidget(self.temperature)
        entry_layout.addWidget(self.weight)
        entry_layout.addWidget(self.assessment)
        entry_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(entry)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(ENTRY_WIDTH_PX)
        self.flowsheet = Flowsheet(state)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.flowsheet, "&Flowsheet")
        self.chart = ChartTab(state)
        self.tabs.addTab(self.chart, "&Chart")
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([ENTRY_WIDTH_PX + SPLIT_GAP_PX, FLOWSHEET_WIDTH_PX])
        self.splitter = splitter
        self._wide = True
        # The screen's least width is the entry pane's, side by side or not: were it the sum of
        # both panes, a narrow window could never become narrow enough to put one under the other.
        splitter.setMinimumWidth(ENTRY_WIDTH_PX)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.fever_banner)
        layout.addWidget(splitter, 1)
        state.changed.connect(self._on_state_changed)
        self._on_state_changed()

    def _on_state_changed(self) -> None:
        for field in self.findChildren(TimeField):  # times shown in the selected patient's zone
            field.follow_zone()
        r = self.state.result
        if r is None or r.persistent_fever_at is None:
            self.fever_banner.show_text("")
            return
        rows = say.schedule_rows(r)
        self.fever_banner.show_text(*say.fever_banner(r, rows))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Side by side where both fit; narrower (a 1024×768 screen), the flowsheet goes under the
        entry forms, so that none of its columns is cut off (issue 14 §4)."""
        wide = event.size().width() >= ENTRY_WIDTH_PX + FLOWSHEET_WIDTH_PX
        if wide != self._wide:
            self._wide = wide
            set_by_name(self.splitter, orientation="Horizontal" if wide else "Vertical")
            half = max(event.size().height(), 2) // 2
            self.splitter.setSizes([ENTRY_WIDTH_PX + SPLIT_GAP_PX, FLOWSHEET_WIDTH_PX] if wide else [half, half])
        super().resizeEvent(event)

    def first_field(self) -> QWidget:
        return self.temperature.value
