"""The eligibility checklist's entries: each field's label and kind, the criteria they belong to,
the input made for each kind (a date field, a number, a choice with "not entered"), and the box
shown over the checklist while a stored assessment is corrected."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ..core.eligibility import PRODUCT_TEXT
from .date_time_fields import DateField
from .widgets import Choice, line_edit, yes_no

GROUPS = (("consent", "Consent"), ("disease", "Disease"), ("organ", "Organ function"),
          ("reproductive", "Reproductive"))
HSCT_REASONS = [(None, "— not entered"), ("comorbid_disease", "comorbid disease"),
                ("conditioning_contraindicated", "other contraindication to conditioning"),
                ("no_suitable_donor", "no suitable donor"), ("prior_hsct", "prior HSCT"),
                ("declined_after_discussion", "declined HSCT after documented discussion")]
# field name → (label with unit, kind)
FIELDS = {
    "consent_signed_on": ("Consent (and assent) signed on", "date"),
    "relapsed_or_refractory_b_all": ("Relapsed or refractory B-ALL", "bool"),
    "hsct_ineligibility_reason": ("Reason ineligible for HSCT", "hsct"),
    "cd19_documented": ("CD19+ documented by flow cytometry", "bool"),
    "alt_u_l": ("ALT (U/L)", "number"),
    "bilirubin_mg_dl": ("Bilirubin (mg/dL)", "number"),
    "dyspnea_grade": ("Dyspnea grade (0–5)", "grade"),
    "spo2_room_air_pct": ("SpO2 on room air (%)", "number"),
    "dlco_pct": ("DLCO (% predicted)", "dlco"),  # rules §10 rev 2: a number, or "not done" ticked
    "lv_shortening_fraction_pct": ("LV shortening fraction (%)", "number"),
    "ejection_fraction_pct": ("Ejection fraction (%)", "number"),
    "cardiac_function_documented": ("Adequate function documented by imaging/cardiologist", "bool"),
    "creatinine_mg_dl": ("Serum creatinine (mg/dL)", "number"),
    "marrow_blasts_pct": ("Marrow blasts (%)", "number"),
    "peripheral_blasts": ("Peripheral blasts detected", "bool"),
    "disease_assessed_on": ("Disease assessed on", "date"),
    "lymphodepletion_start_on": ("Lymphodepletion start", "date"),
    "product": ("Product", "product"),
    "childbearing_potential": ("Of child-bearing potential", "bool"),
    "pregnancy_test": ("Pregnancy test (serum or urine)", "pregnancy"),
    "reproductive_potential": ("Has reproductive potential", "bool"),
    "contraception_agreed": ("Agreed to contraception through {contraception_days_after_last_dose} days after the"
                             " last dose", "bool"),
}
CRITERION_FIELDS = {
    "consent": ("consent_signed_on",), "age": (),
    "diagnosis": ("relapsed_or_refractory_b_all", "disease_categories", "hsct_ineligibility_reason"),
    "cd19": ("cd19_documented",), "alt": ("alt_u_l",), "bilirubin": ("bilirubin_mg_dl",),
    "pulmonary": ("dyspnea_grade", "spo2_room_air_pct", "dlco_pct"),
    "cardiac": ("lv_shortening_fraction_pct", "ejection_fraction_pct", "cardiac_function_documented"),
    "creatinine": ("creatinine_mg_dl",),
    "disease_burden": ("marrow_blasts_pct", "peripheral_blasts", "disease_assessed_on", "lymphodepletion_start_on"),
    "product": ("product",), "pregnancy": ("childbearing_potential", "pregnancy_test"),
    "contraception": ("reproductive_potential", "contraception_agreed"),
}


def field_input(name: str, kind: str, today: Callable[[], date]) -> QWidget:
    """The input for field ``name`` of ``kind`` (see :data:`FIELDS`); every one starts not entered."""
    if kind == "date":  # missing is a state of its own (rules §10): never today
        return DateField(today, name)
    if kind in ("number", "dlco"):
        return line_edit("", name)
    if kind == "bool":
        w = yes_no()
    elif kind == "hsct":
        w = Choice(HSCT_REASONS)
    elif kind == "grade":
        w = Choice([(None, "— not entered"), *[(g, str(g)) for g in range(6)]])
    elif kind == "pregnancy":
        w = Choice([(None, "— not entered"), ("negative", "negative"), ("positive", "positive")])
    else:  # product, rules §10 rev 2: a choice
        w = Choice([(None, "— not entered"), *PRODUCT_TEXT.items()])
    w.setObjectName(name)
    return w


class CorrectionBox(QGroupBox):
    """Over the checklist while a stored assessment is corrected: what it was, the reason asked
    for (its message in ``reason_message``) and a button that cancels the correction."""

    def __init__(self, reason_message: QLabel, parent: QWidget | None = None) -> None:
        super().__init__("Correcting a stored eligibility assessment", parent)
        self.setObjectName("eligibility_correction")
        self.was = QLabel(objectName="correction_was")
        self.was.setWordWrap(True)
        self.reason = line_edit("Why (required), e.g. typing error", "correction_reason")
        self.cancel_button = QPushButton("Cancel correction")
        reason_row = QHBoxLayout()
        reason_row.addWidget(self.reason, 1)
        reason_row.addWidget(self.cancel_button)
        form = QFormLayout(self)
        form.addRow(self.was)
        form.addRow("Reason for the correction", reason_row)
        form.addRow("", reason_message)
        self.hide()
