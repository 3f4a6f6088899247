"""The pharmacist's verification of the current dose, stored (issue 18).

A verification is a signature (``signatures``, append-only and audited) with the action
``verify_dose`` and the meaning :data:`MEANING`, on the ``weights`` row the dose was calculated
from; its ``detail`` is JSON holding what was verified: the weight (kg and time), the dose in mg
and the volume in mL, and the figures the pharmacist entered blind. No table of its own: the
signature already says who, when, in which role and with what meaning, and cannot change.

- :func:`dose_working` — the calculator's current dose (``Result.dose``) as a ``DoseWorking``.
- :func:`record_verification` — sign "verified dose" for a matching double check.
- :func:`record_mismatch` — audit a double check that did not match (nothing else is stored).
- :func:`current_verification` — the verification that holds for the current dose, or None with
  the reasons (``never_verified``, or :func:`~pacer_desktop.core.double_check.staleness`'s).
- :func:`signatures_for` / :func:`for_print` — what a printed document shows: the verification
  (order sheet) and the signatures of the entries it concerns (an escalation or restart on the
  order sheet, the investigator's sign-off on the eligibility checklist).
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from .. import protocols
from ..core import notation
from ..core.dose import DoseWorking
from ..core.double_check import DoubleCheck, PharmacistFigures, Verification, staleness
from ..core.timeutil import instant

if TYPE_CHECKING:
    from ..core.result import Result
    from .accounts import Accounts, Signature
    from .store import Store, User

MEANING = "verified dose"
ACTION = "verify_dose"


class SignedVerification(NamedTuple):
    verification: Verification
    signature: Signature


def dose_working(result: Result) -> DoseWorking | None:
    """The evaluation's current dose with its working, None without a dosing weight."""
    d = result.dose
    if d is None:
        return None
    return DoseWorking(d.weight_kg, d.weight_at, d.mg_per_kg, d.calculated_mg, d.rounded_mg, d.mg, d.capped,
                       d.volume_ml, d.route)


def weight_entry_id(store: Store, patient_id: int, dose: DoseWorking) -> int | None:
    """The current ``weights`` row the dose was calculated from."""
    for entry in reversed(store.entries(patient_id, "weight", include_superseded=False)):
        if instant(entry.at) == instant(dose.weight_at) and Decimal(str(entry.values["kg"])) == dose.weight_kg:
            return entry.id
    return None


def record_verification(accounts: Accounts, initials: str, pin: str, *, patient_id: int, weight_id: int | None,
                        checked: DoseWorking, figures: PharmacistFigures) -> Signature:
    """Sign "verified dose" for ``checked`` (the calculator's dose the pharmacist's figures matched)."""
    detail = {"weight_kg": str(checked.weight_kg), "weight_at": checked.weight_at.isoformat(),
              "dose_mg": str(checked.mg), "volume_ml": str(checked.volume_ml),
              "entered": {"weight_kg": str(figures.weight_kg), "dose_mg": str(figures.dose_mg),
                          "volume_ml": str(figures.volume_ml)}}
    return accounts.sign(initials, pin, action=ACTION, meaning=MEANING, table="weights", row_id=weight_id,
                         patient_id=patient_id, detail=json.dumps(detail, sort_keys=True))


def _side_by_side(check: DoubleCheck) -> str:
    shown = {"weight_kg": notation.kg, "dose_mg": notation.mg, "volume_ml": notation.ml}
    return "; ".join(f"{f.name} {shown[f.name](f.pharmacist)} vs {shown[f.name](f.calculated)}" for f in check.figures)


def record_mismatch(store: Store, user: User, patient_id: int, check: DoubleCheck) -> None:
    """Audit a double check whose figures did not match (pharmacist's vs calculator's)."""
    from .accounts import _audit
    with store._transaction():
        _audit(store, user, f"double check mismatch, patient {patient_id}: {_side_by_side(check)}")


def _verification(signature: Signature) -> Verification:
    detail = json.loads(signature.detail)
    return Verification(verified_at=signature.at, weight_kg=Decimal(detail["weight_kg"]),
                        weight_at=datetime.fromisoformat(detail["weight_at"]), dose_mg=Decimal(detail["dose_mg"]))


def current_verification(store: Store, patient_id: int,
                         result: Result) -> tuple[SignedVerification | None, tuple[str, ...]]:
    """The latest verification and ``()`` while it holds for ``result``'s dose; else None and why:
    ``("never_verified",)``, or the staleness reasons (a new weight, a changed dose, an escalation
    since: the later of each escalation's time and when it was entered)."""
    from .accounts import Accounts
    rows = store._rows("SELECT * FROM signatures WHERE patient_id = ? AND action = ? ORDER BY id DESC LIMIT 1",
                       (patient_id, ACTION))
    if not rows:
        return None, ("never_verified",)
    signature = Accounts._signature(rows[0])
    verification = _verification(signature)
    escalations = [max(e.at, e.entered_at) if e.at else e.entered_at
                   for e in store.entries(patient_id, "escalation", include_superseded=False)]
    stale = staleness(verification, current=dose_working(result), escalations=escalations)
    return (None, stale) if stale else (SignedVerification(verification, signature), ())


#: The signed entries each printed document shows: (entry kind, signed action). A signature of an
#: entry is one on its own row (``table_name`` the kind's table, ``row_id`` the entry's id).
SIGNED_ENTRIES: dict[str, tuple[tuple[str, str], ...]] = {
    "order": (("escalation", "escalate"), ("restart", "restart")),
    "eligibility": (("eligibility", "sign_eligibility"),),
}


def signatures_for(store: Store, patient_id: int, kind: str) -> list[Signature]:
    """The signatures of the patient's current entries that the document ``kind`` concerns, oldest
    first (an entry entered in error takes its signature off the paper with it)."""
    from .accounts import Accounts
    from .records import KINDS
    accounts, found = Accounts(store), []
    for entry_kind, action in SIGNED_ENTRIES.get(kind, ()):
        for entry in store.entries(patient_id, entry_kind, include_superseded=False):
            if entry.current:
                found += [s for s in accounts.signatures(KINDS[entry_kind], entry.id) if s.action == action]
    return sorted(found, key=lambda s: (s.at, s.id))


def for_print(store: Store, patient_id: int, result: Result, kind: str) -> dict:
    """``reports.documents.make_job``'s ``verification``, ``signatures`` and ``recorded_by`` for
    ``kind`` printed from the database, ``result`` being the same case's evaluation."""
    return {"verification": current_verification(store, patient_id, result) if kind == "order" else None,
            "signatures": signatures_for(store, patient_id, kind),
            "recorded_by": recorded_by(store, patient_id, protocols.load(result.protocol).dose.drug)}


def recorded_by(store: Store, patient_id: int, drug: str) -> tuple[tuple[datetime, str], ...]:
    """Who recorded each dose of ``drug`` given, by the dose's instant: ``AB (nurse)`` of the entry
    as first recorded, not of a later correction of its amount (the bedside record prints it)."""
    from .entries import first_recorded
    history = store.entries(patient_id, "medication")
    firsts = [(e, first_recorded(history, e)) for e in history if e.current and e.values.get("drug") == drug]
    return tuple((instant(e.at), f"{first.entered_by} ({first.role})") for e, first in firsts)
