"""CRS grade, ASTCT consensus (clinical-rules §8)."""

from __future__ import annotations

from dataclasses import dataclass

from . import notation
from .case import CrsInputs
from .protocol import CrsRules

HYPOTENSION_TEXT = {
    "none": "no hypotension",
    "no_vasopressor": "hypotension not requiring vasopressors",
    "one_vasopressor": "one vasopressor",
    "multiple_vasopressors": "multiple vasopressors",
}
OXYGEN_CLASS_TEXT = {
    "none": "no oxygen",
    "low_flow": "low-flow oxygen",
    "high_flow": "high-flow oxygen",
    "positive_pressure": "positive pressure ventilation",
}
DEVICE_TEXT = {
    "none": "room air",
    "nasal_cannula": "nasal cannula",
    "blow_by": "blow-by oxygen",
    "high_flow_nasal_cannula": "heated high-flow nasal cannula",
    "face_mask": "face mask",
    "non_rebreather": "non-rebreather mask",
    "venturi_mask": "Venturi mask",
    "cpap": "CPAP",
    "bipap": "BiPAP",
    "mechanical_ventilation": "intubation and mechanical ventilation",
}


@dataclass(frozen=True, slots=True)
class CrsGrade:
    """A CRS grade with whether fever counted (or was waived) and the reason."""
    grade: int
    fever: bool
    fever_waived: bool
    reason: str
    notes: tuple[str, ...] = ()


def oxygen_class(inputs: CrsInputs, rules: CrsRules) -> str:
    """none / low_flow / high_flow / positive_pressure; cannulas by flow, 6 L/min line (§8)."""
    kind = rules.oxygen_device_classes[inputs.oxygen_device]
    if kind != "by_flow":
        return kind
    assert inputs.oxygen_flow_l_min is not None, "validated: a nasal cannula needs its flow"
    return "low_flow" if inputs.oxygen_flow_l_min <= rules.low_flow_max_l_min else "high_flow"


def grade_crs(inputs: CrsInputs, fever: bool, waived: bool, rules: CrsRules) -> CrsGrade:
    """Grade from fever, hypotension and oxygen; the higher of the two rows (§8)."""
    o2 = oxygen_class(inputs, rules)
    hypo_level = rules.hypotension_grades[inputs.hypotension]
    o2_level = rules.oxygen_grades[o2]
    level = max(hypo_level, o2_level)
    device = DEVICE_TEXT[inputs.oxygen_device]
    if inputs.oxygen_flow_l_min is not None and inputs.oxygen_device != "none":
        device += f" {notation.plain_number(inputs.oxygen_flow_l_min)} L/min"
    drivers = []
    if hypo_level == level and hypo_level > 0:
        drivers.append(HYPOTENSION_TEXT[inputs.hypotension])
    if o2_level == level and o2_level > 0:
        drivers.append(f"{OXYGEN_CLASS_TEXT[o2]} ({device})")
    notes = []
    if inputs.oxygen_device == "high_flow_nasal_cannula" and o2 == "low_flow":
        notes.append(
            f"A heated high-flow nasal cannula at {notation.plain_number(inputs.oxygen_flow_l_min)}"
            f" L/min is low-flow oxygen for grading: ASTCT draws the line at"
            f" {notation.plain_number(rules.low_flow_max_l_min)} L/min, with no weight adjustment."
        )
    if level > rules.fever_only_grade and (fever or waived):
        why = " and ".join(drivers)
        if not fever:
            why += " (fever not required: waived after anticytokine, steroid or antipyretic treatment)"
        return CrsGrade(level, fever, waived, f"CRS grade {level}: {why}", tuple(notes))
    if fever:
        text = f"CRS grade {rules.fever_only_grade}: fever"
        text += " without hypotension or hypoxia" if level == 0 else ""
        return CrsGrade(rules.fever_only_grade, fever, waived, text, tuple(notes))
    if level > 0:
        notes.append(
            f"{' and '.join(drivers).capitalize()} without fever is not CRS (grade 0):"
            f" no temperature of {notation.celsius(rules.fever_c)} or more in the last"
            f" {rules.fever_lookback_h} hours and fever not waived."
        )
        return CrsGrade(0, fever, waived, "CRS grade 0: no fever", tuple(notes))
    return CrsGrade(0, fever, waived, "CRS grade 0: no fever, hypotension or hypoxia", tuple(notes))
