"""A stored patient as a case file: JSON written straight from the rows, numbers digit for digit.

``export-case`` and ``export-case --all`` write from the rows without building the engine's models
(a ward's file of 1,000 patients stays quick); the import/export round-trip tests hold the text to
the case :meth:`Store.case_for` builds.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..core.case import EligibilityInputs
from ..core.validation import fields_of
from . import cases
from .records import TIMED, Kind, instant, parsed, utc_text

if TYPE_CHECKING:
    from .store import PatientRecord, Store


class Numbers:
    """Writes Decimals as JSON numbers digit for digit (``json`` alone would go through float)."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def number(self, text: str | Decimal | None) -> str | None:
        if text is None:
            return None
        self.tokens.append(str(text))
        return f"\x00{len(self.tokens) - 1}\x00"

    def plain(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return self.number(value)
        if isinstance(value, dict):
            return {k: self.plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.plain(v) for v in value]
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        return value

    def dumps(self, value: Any, indent: int | None) -> str:
        text = json.dumps(value, indent=indent, ensure_ascii=False)
        return re.sub(r'"\\u0000(\d+)\\u0000"', lambda m: self.tokens[int(m.group(1))], text)


def _python_data(model: Any) -> Any:
    """A model as nested dicts and lists, keeping Decimals, dates and times as they are."""
    if hasattr(model, "__dataclass_fields__"):
        return {k: _python_data(v) for k, v in fields_of(model).items()}
    if isinstance(model, (list, tuple)):
        return [_python_data(v) for v in model]
    return model


def export_case_json(store: Store, patient_id: int, *, now: datetime | None = None, indent: int | None = None) -> str:
    """The patient's current rows as a case file (the same case as :meth:`case_for`, with
    ``now`` the patient as known at that moment).

    Written straight from the rows, without building the engine's models, so that exporting
    every patient stays fast; the import/export round-trip tests hold the two to each other.
    """
    with store._lock:
        patient = store._patient(patient_id)
        # "at" is stored as UTC text of one fixed width, so text order is time order
        until, bound = ("", ()) if now is None else (" AND at <= ?", (utc_text(cases.latest_known(patient, now)),))
        rows = {k.name: store._rows(f"SELECT * FROM current_{k.table} WHERE patient_id = ?{until}"
                                    " ORDER BY at, id", (patient_id, *bound)) for k in TIMED}
        eligibility = store._rows("SELECT inputs FROM current_eligibility WHERE patient_id = ?"
                                  " ORDER BY assessed_on, id", (patient_id,))
    return case_text(patient, rows, eligibility[-1]["inputs"] if eligibility else None, now, indent, {})

def export_all(store: Store, out, *, now: datetime | None = None) -> int:
    """Write every current patient's case as one JSON line to ``out``; returns how many."""
    count = 0
    for patient in store.patients():
        out.write(export_case_json(store, patient.id, now=now))
        out.write("\n")
        count += 1
    return count

def case_text(patient: PatientRecord, rows: dict, eligibility: str | None, now: datetime | None,
               indent: int | None, cache: dict) -> str:
    n = Numbers()

    def at(r: dict) -> str:
        return instant(r["at"], r["at_offset_s"]).isoformat()

    written: dict = {}  # the same few CRS and ICANS texts recur: each is written out once

    def inputs(model: type, text: str | None) -> Any:
        if text is None:
            return None
        if (model, text) not in written:
            written[model, text] = n.plain(_python_data(parsed(model, text, cache)))
        return written[model, text]

    def listed(kind: Kind) -> list[dict]:
        return [kind.json_of(r, at(r), n, inputs) for r in rows[kind.name]]

    lists = {k.case_list: listed(k) for k in TIMED}
    case = {
        "protocol": patient.protocol, "timezone": patient.timezone,
        "now": now.isoformat() if now else None,
        "patient": {"date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None,
                    "sex_at_birth": patient.sex_at_birth, "developmental_delay": patient.developmental_delay},
        "weights": lists["weights"],
        "infusion_at": patient.infusion_at.isoformat() if patient.infusion_at else None,
        **{name: lists[name] for name in ("temperatures", "assessments", "medications", "escalations",
                                          "restarts", "dose_outcomes")},
        "eligibility": inputs(EligibilityInputs, eligibility),
    }
    return n.dumps(case, indent)
