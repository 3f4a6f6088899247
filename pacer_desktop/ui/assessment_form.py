"""The grading screen's CRS and ICANS assessment: every ICE item and CAPD question asked, and a
button that records a new assessment (Enter records it too)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox, QLabel, QPushButton, QSpinBox, QWidget

from ..core.errors import CaseError
from ..core.icans import CAPD_FREQUENCIES, CAPD_ITEMS, ICE_ITEMS, capd_total, ice_total
from ..core.validation import fields_of
from .assessment_fields import AssessmentFields
from .patient_state import PatientState
from .widgets import Choice, SpinBox, SubmitOnEnter


class AssessmentForm(SubmitOnEnter, AssessmentFields):
    """A new assessment, in one column: time, CRS, ICANS with the ICE items or the CAPD questions."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        self.ice_items: dict[str, QSpinBox] = {}
        self.capd_items: list[Choice] = []
        super().__init__(state, "CRS and ICANS assessment", parent=parent)
        self.save_button = QPushButton("Record assessment")
        self.form.addRow("", self.save_button)
        self.save_button.clicked.connect(self.submit)
        state.switched.connect(self.clear)

    # ---- the scores: every item -------------------------------------------------------------
    def make_scores(self) -> tuple[QWidget, QWidget]:
        self.ice_box = QGroupBox("ICE score")
        self.capd_box = QGroupBox("CAPD: over the shift, how often does the child…")
        ice_grid = QGridLayout(self.ice_box)
        for row, (key, text) in enumerate(ICE_ITEMS.items()):
            spin = SpinBox(objectName=f"ice_{key}")
            spin.setRange(-1, 0)  # the item's maximum comes from the protocol (show_score_maxima)
            spin.setSpecialValueText("—")
            spin.setValue(-1)
            self.ice_items[key] = spin
            ice_grid.addWidget(QLabel(text), row, 0)
            ice_grid.addWidget(spin, row, 1)
            ice_grid.addWidget(QLabel(), row, 2)
        self.ice_total = QLabel(objectName="ice_total")
        ice_grid.addWidget(self.ice_total, len(ICE_ITEMS), 0, 1, 3)
        ice_grid.addWidget(self.messages.label_for("ice_score"), len(ICE_ITEMS) + 1, 0, 1, 3)
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
        return self.ice_box, self.capd_box

    def spins(self) -> tuple[QSpinBox, ...]:
        return tuple(self.ice_items.values())

    def item_choices(self) -> tuple[Choice, ...]:
        return tuple(self.capd_items)

    def scores(self) -> tuple[int | None, int | None]:
        rules = self.state.protocol.icans
        ice = capd = None
        values = {k: s.value() for k, s in self.ice_items.items()}
        if all(v >= 0 for v in values.values()):
            ice = ice_total(values, rules)
        answers = [c.value() for c in self.capd_items]
        if all(a is not None for a in answers):
            capd = capd_total(answers, rules)
        return ice, capd

    def show_score_maxima(self, icans) -> None:
        self.ice_box.setTitle(f"ICE score (out of {icans.ice_max})")
        self.capd_box.setTitle(f"CAPD: over the shift, how often does the child… (out of {icans.capd_max})")
        maxima = fields_of(icans.ice_items)
        grid = self.ice_box.layout()
        for key, spin in self.ice_items.items():
            spin.setMaximum(maxima[key])
            row = grid.getItemPosition(grid.indexOf(spin))[0]
            grid.itemAtPosition(row, 2).widget().setText(f"of {maxima[key]}")

    def show_totals(self) -> None:
        ice, capd = self.scores()
        icans = self.state.protocol.icans
        self.ice_total.setText(f"ICE total: {ice} of {icans.ice_max}" if ice is not None
                               else "ICE total: answer every item")
        self.capd_total.setText(f"CAPD total: {capd} of {icans.capd_max}" if capd is not None
                                else f"CAPD total: answer all {len(self.capd_items)} items")

    # ---- layout and saving ----------------------------------------------------------------
    def lay_out(self, icans_layout: QFormLayout) -> None:
        form = self.form
        self.add_time_rows(form)
        self.add_crs_rows(form)
        self.add_icans_rows(form)
        form.addRow(self.grade)
        form.addRow(self.notes)
        form.addRow(self.form_error)
        self.setLayout(form)

    def submit(self) -> None:
        try:
            assessment = self.inputs()
        except CaseError as exc:
            self.messages.show(exc.problems)
            return
        self.messages.clear()

        def saved(_id) -> None:
            self.clear()

        def refused(problems) -> None:
            self.answered = True
            self.messages.show(problems)

        what = self.grade.text().replace("\n", "; ")
        if self.state.save(lambda store, user, pid: store.add_assessment(
                user, pid, at=assessment.at, crs=assessment.crs, icans=assessment.icans),
                f"Assessment recorded: {what}", on_problems=refused, on_saved=saved):
            # On its way to storage: the form is cleared when it lands, so the patient's reload
            # then is the save's one evaluation (not a preview of answers about to be cleared).
            self.answered = False
