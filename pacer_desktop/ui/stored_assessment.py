"""A stored CRS and ICANS assessment in the fields, to be corrected (:mod:`.corrections`).

Storage keeps the ICE and CAPD totals, not their items, so those are asked as totals; CRS may
have been left unassessed. CRS and ICANS stand in two columns, to fit a dialog at 1366×768.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from ..core import notation
from ..core.case import Assessment
from .assessment_fields import AssessmentFields
from .widgets import SpinBox, signals_blocked

#: Space between the CRS and ICANS columns.
COLUMN_GAP_PX = 12


def align_labels(*forms: QFormLayout) -> None:
    """Give the labels of ``forms`` (nested one in another) one width, so their fields line up."""
    labels = [item.widget() for f in forms for row in range(f.rowCount())
              if (item := f.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None and item.widget()]
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


class StoredAssessmentFields(AssessmentFields):
    """A stored assessment (:meth:`load`); the live grade is worked out with the stored one left out."""

    def make_scores(self) -> tuple[QWidget, QWidget]:
        ice_box, capd_box = QWidget(), QWidget()
        self.ice_score = self._total_score(ice_box, "ICE score", "ice_score")
        self.capd_score = self._total_score(capd_box, "CAPD score", "capd_score")
        return ice_box, capd_box

    def _total_score(self, box: QWidget, label: str, key: str) -> QSpinBox:
        """A stored total (ICE or CAPD): blank ("—") is not entered, never zero. Its maximum
        comes from the protocol (:meth:`show_score_maxima`)."""
        spin = SpinBox(objectName=key)
        spin.setRange(-1, 0)
        spin.setSpecialValueText("—")
        spin.setValue(-1)
        grid = QFormLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addRow(QLabel(label, objectName=f"{key}_label"), spin)
        grid.addRow(self.messages.label_for(key))
        return spin

    def spins(self) -> tuple[QSpinBox, ...]:
        return (self.ice_score, self.capd_score)

    def scores(self) -> tuple[int | None, int | None]:
        return tuple(v if v >= 0 else None for v in (s.value() for s in self.spins()))

    def show_score_maxima(self, icans) -> None:
        for spin, maximum, text in ((self.ice_score, icans.ice_max, f"ICE score (out of {icans.ice_max})"),
                                    (self.capd_score, icans.capd_max, f"CAPD score (out of {icans.capd_max})")):
            spin.setMaximum(maximum)
            self.findChild(QLabel, f"{spin.objectName()}_label").setText(text)

    def lay_out(self, icans_layout: QFormLayout) -> None:
        time_form = QFormLayout()
        self.add_time_rows(time_form)
        crs_form = QFormLayout()
        self.add_crs_rows(crs_form, assessed=self.crs_assessed)
        icans_form = QFormLayout()
        self.add_icans_rows(icans_form)
        self.form.addRow(self.grade)
        self.form.addRow(self.notes)
        self.form.addRow(self.form_error)
        columns = QHBoxLayout()
        columns.addLayout(crs_form, 1)
        columns.addSpacing(COLUMN_GAP_PX)
        columns.addLayout(icans_form, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(time_form)
        outer.addLayout(columns)
        outer.addLayout(self.form)
        align_labels(time_form, crs_form)
        align_labels(icans_form, icans_layout, self.ice_box.layout(), self.capd_box.layout())

    def load(self, assessment: Assessment) -> None:
        """Show the stored ``assessment``; the live grade is then worked out with it replaced."""
        crs, icans = assessment.crs, assessment.icans
        with signals_blocked(*self._answer_widgets(), self.time.edit):
            self.replacing = assessment
            self.answered = True
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
                for spin, score in zip(self.spins(), (icans.ice_score, icans.capd_score)):
                    spin.setValue(-1 if score is None else score)
                self.unable.setChecked(icans.unable_to_perform)
                self.sedated.setChecked(icans.sedated)
                self.consciousness.set_value(icans.consciousness)
                self.seizure.set_value(icans.seizure)
                self.motor.set_value(icans.motor)
                self.edema.set_value(icans.cerebral_edema)
        self._redraw()
