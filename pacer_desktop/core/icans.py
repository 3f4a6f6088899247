"""ICANS grade with ICE or CAPD, ASTCT consensus (clinical-rules §9)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Mapping, Sequence

from .case import IcansInputs
from .protocol import IcansRules

CAPD_ITEMS = (
    "Makes eye contact with the caregiver",
    "Actions are purposeful",
    "Aware of their surroundings",
    "Communicates needs and wants",
    "Restless",
    "Inconsolable",
    "Underactive: very little movement while awake",
    "Takes a long time to respond to interactions",
)
CAPD_FREQUENCIES = ("never", "rarely", "sometimes", "often", "always")
ICE_ITEMS = {
    "orientation": "Orientation: year, month, city, hospital",
    "naming": "Naming three objects",
    "following_commands": "Following simple commands",
    "writing": "Writing a standard sentence",
    "attention": "Attention: counting back from 100 by ten",
}
DOMAIN_TEXT = {
    "consciousness": {
        "awakens_spontaneously": "awakens spontaneously",
        "awakens_to_voice": "awakens to voice",
        "awakens_to_tactile": "awakens only to tactile stimulus",
        "unarousable": "unarousable",
    },
    "seizure": {
        "rapidly_resolving": "seizure that resolved rapidly",
        "prolonged_or_repetitive": "prolonged or repetitive seizures",
    },
    "motor": {"deep_focal_weakness": "deep focal motor weakness"},
    "cerebral_edema": {"focal": "focal cerebral edema", "diffuse": "diffuse cerebral edema"},
}


@dataclass(frozen=True, slots=True)
class IcansGrade:
    """An ICANS grade with the tool used and the reason."""
    grade: int
    tool: str
    tool_overridden: bool
    reason: str
    notes: tuple[str, ...] = ()


def tool_for(age_years: int | None, developmental_delay: bool, rules: IcansRules) -> str | None:
    """ICE from 12 years; CAPD below 12 or with developmental delay; None if age unknown."""
    if developmental_delay:
        return "capd"
    if age_years is None:
        return None
    return "ice" if age_years >= rules.ice_min_age_years else "capd"


def ice_total(items: Mapping[str, int], rules: IcansRules) -> int:
    """Sum of the five ICE items, each checked against its maximum (0–10)."""
    maxima = asdict(rules.ice_items)
    if set(items) != set(maxima):
        raise ValueError(f"ICE needs exactly the items {', '.join(maxima)}")
    for name, points in items.items():
        if not 0 <= points <= maxima[name]:
            raise ValueError(f"ICE {name}: {points} is outside 0–{maxima[name]}")
    return sum(items.values())


def capd_item_points(item: int, frequency: int, rules: IcansRules) -> int:
    """Points of CAPD item ``item`` (1–8) answered with frequency 0 (never) … 4 (always).

    Items 1–4 are reverse-scored (never 4 … always 0); items 5–8 score never 0 … always 4.
    """
    if not 1 <= item <= rules.capd_items:
        raise ValueError(f"CAPD item {item} is outside 1–{rules.capd_items}")
    if not 0 <= frequency <= rules.capd_item_max:
        raise ValueError(f"CAPD answer {frequency} is outside 0–{rules.capd_item_max}")
    return rules.capd_item_max - frequency if item in rules.capd_reverse_scored_items else frequency


def capd_total(frequencies: Sequence[int], rules: IcansRules) -> int:
    """CAPD score (0–32) from the eight answers in item order."""
    if len(frequencies) != rules.capd_items:
        raise ValueError(f"CAPD needs {rules.capd_items} answers, got {len(frequencies)}")
    return sum(capd_item_points(i, f, rules) for i, f in enumerate(frequencies, start=1))


def _band(score: int, bands) -> int:
    for low, high, grade in bands:
        if low <= score <= high:
            return grade
    raise ValueError(f"score {score} is outside the protocol's bands")


def grade_icans(inputs: IcansInputs, default_tool: str, rules: IcansRules) -> IcansGrade:
    """The highest grade of the domains (§9). Sedation sets aside consciousness and inability."""
    tool = inputs.tool or default_tool
    overridden = inputs.tool is not None and inputs.tool != default_tool
    tool_name = "ICE" if tool == "ice" else "CAPD"
    score = inputs.ice_score if tool == "ice" else inputs.capd_score
    domains: list[tuple[int, str]] = []
    notes: list[str] = []
    if inputs.unable_to_perform and not inputs.sedated:
        domains.append((rules.unable_to_perform_grade, f"unable to perform {tool_name}"))
    if score is not None:
        bands = rules.ice_bands if tool == "ice" else rules.capd_bands
        domains.append((_band(score, bands), f"{tool_name} {score}"))
    if inputs.sedated:
        notes.append(
            "Sedated: depressed consciousness and inability to perform the assessment are"
            " not counted as ICANS."
        )
    else:
        domains.append((rules.consciousness_grades[inputs.consciousness],
                        DOMAIN_TEXT["consciousness"].get(inputs.consciousness, "")))
    domains.append((rules.seizure_grades[inputs.seizure], DOMAIN_TEXT["seizure"].get(inputs.seizure, "")))
    domains.append((rules.motor_grades[inputs.motor], DOMAIN_TEXT["motor"].get(inputs.motor, "")))
    domains.append((rules.cerebral_edema_grades[inputs.cerebral_edema],
                    DOMAIN_TEXT["cerebral_edema"].get(inputs.cerebral_edema, "")))
    grade = max(level for level, _ in domains)
    if overridden:
        notes.append(f"{tool_name} chosen by the user instead of the tool for age and development.")
    if grade == 0:
        reason = f"ICANS grade 0: {tool_name} {score}" if score is not None else "ICANS grade 0"
    else:
        drivers = [text for level, text in domains if level == grade and text]
        reason = f"ICANS grade {grade}: {' and '.join(drivers)}"
    return IcansGrade(grade, tool, overridden, reason, tuple(notes))
