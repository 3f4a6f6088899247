"""How a stored entry is worded on screen: its kind ("CRS/ICANS assessment") and one line for its values.

The flowsheet lists entries in these words and the correction dialogs repeat them, so they live
apart from both.
"""

from __future__ import annotations

from .. import protocols
from ..core import notation
from ..core.crs import DEVICE_TEXT, HYPOTENSION_TEXT
from . import presenters as say

KIND_TEXT = {"weight": "weight (kg)", "temperature": "temperature", "assessment": "CRS/ICANS assessment",
             "medication": "medication given", "escalation": "escalation", "eligibility": "eligibility",
             "dose_outcome": "dose not given", "restart": "anakinra restarted", "patient": "patient details"}
#: What a correction replaced, by kind: "correction of 4 Nov 14:00 reading".
REPLACED_NOUN = {"temperature": "reading", "weight": "reading", "assessment": "assessment",
                 "medication": "administration", "escalation": "escalation", "dose_outcome": "record",
                 "restart": "restart"}


def kind_text(kind: str) -> str:
    return KIND_TEXT.get(kind, kind)


def describe(kind: str, values: dict) -> str:
    """One line for a stored entry, in the words of the screens."""
    v = values or {}
    if kind == "temperature":
        return notation.temperature(v["value"], v["unit"])
    if kind == "weight":
        return notation.kg(v["kg"])
    if kind == "medication":
        text = f"{v['drug']} {notation.mg(v['dose_mg']) if v.get('dose_mg') is not None else ''}".strip()
        if v.get("for_line") is not None:
            text += f", for line {v['for_line']}"
        return text + (f" ({v['reason']})" if v.get("reason") else "")
    if kind == "escalation":
        interval = protocols.load().schedule.escalated_interval_h
        return f"anakinra to {notation.every_hours(interval)}, by {v.get('by', '')}: {v.get('reason', '')}"
    if kind == "dose_outcome":
        return f"line {v.get('line')} {v.get('outcome')}, by {v.get('by', '')}: {v.get('reason', '')}"
    if kind == "restart":
        return f"new course, by {v.get('by', '')}: {v.get('reason', '')}"
    if kind == "assessment":
        parts = []
        crs, icans = v.get("crs"), v.get("icans")
        if crs is not None:
            device = DEVICE_TEXT[crs.oxygen_device]
            if crs.oxygen_flow_l_min is not None:
                device += f" {notation.plain_number(crs.oxygen_flow_l_min)} L/min"
            parts.append(f"CRS: {HYPOTENSION_TEXT[crs.hypotension]}, {device}")
        if icans is not None:
            score = (f"ICE {icans.ice_score}" if icans.ice_score is not None else
                     f"CAPD {icans.capd_score}" if icans.capd_score is not None else "no score")
            extra = [x for x in (icans.unable_to_perform and "unable to perform", icans.sedated and "sedated",
                                 icans.consciousness != "normal" and icans.consciousness.replace("_", " "),
                                 icans.seizure != "none" and "seizure", icans.motor != "none" and "motor weakness",
                                 icans.cerebral_edema != "none" and f"{icans.cerebral_edema} edema") if x]
            parts.append(f"ICANS: {', '.join([score, *extra])}")
        return "; ".join(parts) or "not assessed"
    if kind == "eligibility":
        inputs = v.get("inputs")
        return f"assessed {say.full_date(inputs.assessed_on)}" if inputs is not None else ""
    return ", ".join(f"{k} {val}" for k, val in v.items() if k != "at")
