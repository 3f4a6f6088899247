"""The entry kinds in one table: for each kind its table, the case list it feeds, its engine model,
and how a model becomes a row, a row a model, and a row a case file's JSON.

Every place that once chose by kind with an ``if``/``elif`` chain now looks the kind up in
:data:`KIND_TABLE`. Times are stored as UTC text (one fixed width, so text order is time order)
plus the original UTC offset in seconds, so an entry is shown with the offset it was entered with.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from ..core.case import (Assessment, CrsInputs, DoseOutcome, EligibilityInputs, Escalation, IcansInputs, Medication,
                         Restart, Temperature, Weight)
from ..core.caseio import checked
from ..core.eligibility import stored_inputs
from ..core.errors import CaseError, Problem
from ..core.validation import check, dump, load
from .errors import StorageError

# -- encoding -------------------------------------------------------------------------------------


def utc_text(at: datetime) -> str:
    if at.tzinfo is None or at.utcoffset() is None:
        raise CaseError([Problem("at", f"{at.isoformat()} has no UTC offset")])
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def offset_s(at: datetime) -> int:
    return int(at.utcoffset().total_seconds())


def instant(utc: str | None, offset: int | None) -> datetime | None:
    if utc is None:
        return None
    return datetime.fromisoformat(utc).astimezone(timezone(timedelta(seconds=offset or 0)))


def dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def parsed(model: type, text: str | None, cache: dict | None = None) -> Any:
    """``model`` from stored JSON, parsed once per distinct text (most assessments repeat).

    ``cache`` holds the parses of one export; otherwise they are kept for the process (the
    models are immutable, and the same few CRS and ICANS inputs recur across patients)."""
    if text is None:
        return None
    if cache is None:
        return _parsed_once(model, text)
    key = (model, text)
    if key not in cache:
        cache[key] = _parse(model, text)
    return cache[key]


@functools.lru_cache(maxsize=4096)
def _parsed_once(model: type, text: str) -> Any:
    return _parse(model, text)


def _parse(model: type, text: str) -> Any:
    """A stored row's inputs, read back with the model's own constructor.

    Rows were checked by pydantic on the way in and the patient's rows are checked against their
    recorded hashes when loaded (issue 17), so reading one back only turns JSON text into the
    model's types: Decimals (stored as text) and dates. pydantic is loaded on first use (a form's
    check, a case file), not to read back what it already checked. A row that does not fit its
    constructor (a missing or unknown field, a number or date that does not read) goes through
    pydantic, which names the problem."""
    data = json.loads(text, parse_float=Decimal)  # a number, if one was ever stored as such, as written
    try:
        return _READ_BACK[model](data)
    except (TypeError, ValueError, ArithmeticError):
        return stored_eligibility(text) if model is EligibilityInputs else load(model, text)


def stored_eligibility(text: str) -> EligibilityInputs:
    """A stored eligibility row checked by pydantic; rows written before rules §10 rev 2 hold a
    free-text product, read as the rev 2 choice by :func:`..core.eligibility.stored_inputs` (which says how)."""
    return check(EligibilityInputs, stored_inputs(json.loads(text)))


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


#: The fields of the stored inputs that are not JSON's own types (the rest are text, whole
#: numbers, true/false and null). A test checks every field of every model reads back equal.
_ELIGIBILITY_NUMBERS = ("alt_u_l", "bilirubin_mg_dl", "creatinine_mg_dl", "spo2_room_air_pct",
                        "lv_shortening_fraction_pct", "ejection_fraction_pct", "marrow_blasts_pct")
_ELIGIBILITY_DATES = ("assessed_on", "consent_signed_on", "disease_assessed_on", "lymphodepletion_start_on")


def _eligibility(d: dict) -> EligibilityInputs:
    d = stored_inputs(d)
    d.update({k: _number(d[k]) for k in _ELIGIBILITY_NUMBERS if k in d})
    d.update({k: _day(d[k]) for k in _ELIGIBILITY_DATES if k in d})
    if d.get("dlco_pct") not in (None, "not_done"):
        d["dlco_pct"] = Decimal(d["dlco_pct"])
    if d.get("disease_categories") is not None:
        d["disease_categories"] = tuple(d["disease_categories"])
    return EligibilityInputs(**d)


_READ_BACK: dict[type, Callable[[dict], Any]] = {
    CrsInputs: lambda d: CrsInputs(**{**d, "oxygen_flow_l_min": _number(d.get("oxygen_flow_l_min"))}),
    IcansInputs: lambda d: IcansInputs(**d),
    EligibilityInputs: _eligibility,
}


# -- the kinds ------------------------------------------------------------------------------------

#: A case file's JSON for one row: (row, its time as ISO text, number writer, inputs writer) → dict.
JsonOf = Callable[[dict, str, Any, Callable[[type, str | None], Any]], dict]


@dataclass(frozen=True)
class Kind:
    """One entry kind. ``case_list`` is the :class:`Case` field it feeds (None: not a timed list);
    ``row_of`` gives the kind's own columns of a model, ``model_of`` the model of a stored row
    (rows were validated on the way in, so they are built without checking every field again),
    ``json_of`` the row as the case file writes it."""

    name: str
    table: str
    case_list: str | None = None
    model: type | None = None
    row_of: Callable[[Any], dict] | None = None
    model_of: Callable[[dict, datetime | None], Any] | None = None
    json_of: JsonOf | None = None

    @property
    def timed(self) -> bool:
        return self.case_list is not None

    @property
    def order(self) -> str:
        """The columns a patient's current rows are read in, oldest first."""
        return "assessed_on, id" if self.name == "eligibility" else "at, id"

    def checked_model(self, values: dict) -> Any:
        """The engine model of entered values, every field checked (nested inputs too)."""
        if self.name == "eligibility":
            return checked(EligibilityInputs, values.get("inputs"))
        return checked(self.model, dict(values))

    def row(self, m: Any) -> dict:
        """The kind's columns for the model ``m`` (without patient and attribution)."""
        if not self.timed:
            return self.row_of(m)
        return {"at": utc_text(m.at), "at_offset_s": offset_s(m.at), **self.row_of(m)}

    def model_from(self, r: dict) -> Any:
        at = instant(r["at"], r["at_offset_s"]) if self.timed else None
        return self.model_of(r, at)


def _by(r: dict) -> dict:
    return {"by": r["by"] or "", "reason": r["reason"] or ""}


def _medication_json(r: dict, at: str, n: Any, inputs: Any) -> dict:
    return {"at": at, "drug": r["drug"], "dose_mg": n.number(r["dose_mg"]),
            **({"for_line": r["for_line"]} if r.get("for_line") is not None else {}),
            **({"reason": r["reason"]} if r.get("reason") else {})}


_KIND_LIST = (
    Kind("weight", "weights", "weights", Weight,
         row_of=lambda m: {"kg": dec(m.kg)},
         model_of=lambda r, at: Weight(at=at, kg=Decimal(r["kg"])),
         json_of=lambda r, at, n, inputs: {"at": at, "kg": n.number(r["kg"])}),
    Kind("temperature", "temperatures", "temperatures", Temperature,
         row_of=lambda m: {"value": dec(m.value), "unit": m.unit},
         model_of=lambda r, at: Temperature(at=at, value=Decimal(r["value"]), unit=r["unit"]),
         json_of=lambda r, at, n, inputs: {"at": at, "value": n.number(r["value"]), "unit": r["unit"]}),
    Kind("assessment", "assessments", "assessments", Assessment,
         row_of=lambda m: {"crs": dump(m.crs) if m.crs else None, "icans": dump(m.icans) if m.icans else None},
         model_of=lambda r, at: Assessment(at=at, crs=parsed(CrsInputs, r["crs"]),
                                           icans=parsed(IcansInputs, r["icans"])),
         json_of=lambda r, at, n, inputs: {"at": at, "crs": inputs(CrsInputs, r["crs"]),
                                           "icans": inputs(IcansInputs, r["icans"])}),
    Kind("medication", "medications", "medications", Medication,
         row_of=lambda m: {"drug": m.drug, "dose_mg": dec(m.dose_mg), "for_line": m.for_line, "reason": m.reason},
         model_of=lambda r, at: Medication(
             at=at, drug=r["drug"], dose_mg=Decimal(r["dose_mg"]) if r["dose_mg"] is not None else None,
             for_line=r.get("for_line"), reason=r.get("reason")),
         json_of=_medication_json),
    Kind("escalation", "escalations", "escalations", Escalation,
         row_of=lambda m: {"by": m.by, "reason": m.reason},
         model_of=lambda r, at: Escalation(at=at, **_by(r)),
         json_of=lambda r, at, n, inputs: {"at": at, **_by(r)}),
    Kind("dose_outcome", "dose_outcomes", "dose_outcomes", DoseOutcome,
         row_of=lambda m: {"line": m.line, "outcome": m.outcome, "by": m.by, "reason": m.reason},
         model_of=lambda r, at: DoseOutcome(line=r["line"], outcome=r["outcome"], at=at, **_by(r)),
         json_of=lambda r, at, n, inputs: {"line": r["line"], "outcome": r["outcome"], "at": at, **_by(r)}),
    Kind("restart", "restarts", "restarts", Restart,
         row_of=lambda m: {"by": m.by, "reason": m.reason},
         model_of=lambda r, at: Restart(at=at, **_by(r)),
         json_of=lambda r, at, n, inputs: {"at": at, **_by(r)}),
    Kind("eligibility", "eligibility", None, EligibilityInputs,
         row_of=lambda m: {"assessed_on": m.assessed_on.isoformat(), "inputs": dump(m)},
         model_of=lambda r, at: parsed(EligibilityInputs, r["inputs"])),
    # a patient's details: see patients.py and Store.correct
    Kind("patient", "patient_versions"),
)

#: Every kind by name, in the order the flowsheet and ``import-case`` go through them.
KIND_TABLE: dict[str, Kind] = {k.name: k for k in _KIND_LIST}
#: The kinds that feed a case's timed lists (weights … restarts).
TIMED: tuple[Kind, ...] = tuple(k for k in _KIND_LIST if k.timed)
#: Entry kinds and their tables (``patient`` is special: see :meth:`Store.correct`).
KINDS: dict[str, str] = {k.name: k.table for k in _KIND_LIST}


def kind(name: str) -> Kind:
    try:
        return KIND_TABLE[name]
    except KeyError:
        raise StorageError(f"unknown entry kind {name!r}; expected one of {', '.join(KINDS)}") from None
