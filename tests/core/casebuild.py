"""Small builders for case dictionaries used across the core tests."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from pacer_desktop.evaluation import evaluate_text

TZ = "America/Chicago"
INFUSION = "2026-11-03T10:00:00-06:00"


def at(text: str) -> str:
    return text


def shift(iso: str, **delta: float) -> str:
    return (datetime.fromisoformat(iso) + timedelta(**delta)).isoformat()


def temp(when: str, value: float, unit: str = "C") -> dict:
    return {"at": when, "value": value, "unit": unit}


def crs(hypotension: str = "none", device: str = "none", flow: float | None = None) -> dict:
    return {"hypotension": hypotension, "oxygen_device": device, "oxygen_flow_l_min": flow}


def icans(**kw: Any) -> dict:
    base = {"tool": None, "ice_score": 10, "capd_score": None, "unable_to_perform": False,
            "consciousness": "normal", "seizure": "none", "motor": "none", "cerebral_edema": "none",
            "sedated": False}
    base.update(kw)
    return base


def assessment(when: str, crs_in: dict | None = None, icans_in: dict | None = None) -> dict:
    return {"at": when, "crs": crs_in, "icans": icans_in}


def case(**kw: Any) -> dict:
    base = {
        "protocol": "pacer-1", "timezone": TZ, "now": "2026-11-06T08:00:00-06:00",
        "patient": {"date_of_birth": "2010-01-01", "sex_at_birth": "female", "developmental_delay": False},
        "weights": [{"at": "2026-11-02T09:00:00-06:00", "kg": 23.4}],
        "infusion_at": INFUSION, "temperatures": [], "assessments": [], "medications": [],
        "escalations": [], "eligibility": None,
    }
    base.update(kw)
    return base


def fever_case(first: str = "2026-11-04T07:00:00-06:00", gap_h: float = 4, **kw: Any) -> dict:
    """A case whose persistent fever is met at first + gap_h."""
    return case(temperatures=[temp(first, 38.7), temp(shift(first, hours=gap_h), 38.9)], **kw)


def evaluate(c: dict):
    return evaluate_text(json.dumps(c))


def paths_in(node: Any, prefix: tuple = ()):
    """Every key path into a case's JSON data: ``("temperatures", 0, "value")``, …"""
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from paths_in(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield prefix + (i,)
            yield from paths_in(v, prefix + (i,))
