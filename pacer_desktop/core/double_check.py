"""The pharmacist's independent double check of the current dose (issue 18), as pure logic.

The pharmacist first enters, without seeing the calculator's figures, the weight they read from
the chart and their own dose in mg and volume in mL. :func:`compare` sets those beside the
calculator's :class:`~pacer_desktop.core.dose.DoseWorking`:

- the weight must be the same number (it is read, not calculated: no rounding explains a difference);
- the dose must be less than one rounding increment (``[dose] rounding_increment_mg``) from the
  calculator's, and the volume less than one volume step (``[dose] volume_quantum_ml``). An
  unrounded figure (58.5 mg for 59 mg) is explained by rounding; a whole increment off is another
  dose, and a person reconciles it.

A match may then be signed "verified" (the caller records it as a :class:`Verification`).
:func:`staleness` says why an earlier verification no longer holds: a newer weight (even of the
same kg: the issue's "a new weight"), a changed dose, or an escalation since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from . import wording
from .dose import DoseWorking, WeightEntry, calculate_dose
from .protocol import DoseRules
from .timeutil import instant


@dataclass(frozen=True, kw_only=True, slots=True)
class PharmacistFigures:
    """What the pharmacist entered, blind: the chart weight and their own dose and volume."""
    weight_kg: Decimal
    dose_mg: Decimal
    volume_ml: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class FigureComparison:
    """One figure side by side: ``name`` is ``weight_kg``, ``dose_mg`` or ``volume_ml``."""
    name: str
    pharmacist: Decimal
    calculated: Decimal
    tolerance: Decimal  # a match differs by less than this (0: must be equal)
    matches: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class DoubleCheck:
    """The comparison, the calculator's working, and what the protocol gives for the weight the
    pharmacist read (so a mismatch shows where the two workings part)."""
    figures: tuple[FigureComparison, ...]
    working: str
    for_pharmacists_weight: DoseWorking

    @property
    def matches(self) -> bool:
        return all(f.matches for f in self.figures)


def _figure(name: str, mine: Decimal, theirs: Decimal, tolerance: Decimal) -> FigureComparison:
    difference = abs(mine - theirs)
    ok = difference == 0 if tolerance == 0 else difference < tolerance
    return FigureComparison(name=name, pharmacist=mine, calculated=theirs, tolerance=tolerance, matches=ok)


def compare(mine: PharmacistFigures, calculated: DoseWorking, rules: DoseRules) -> DoubleCheck:
    """The pharmacist's figures against the calculator's dose for the same patient and line."""
    # rules §4: the dose per kg of the weight, rounded to the protocol's increment; the volume follows it
    figures = (
        _figure("weight_kg", mine.weight_kg, calculated.weight_kg, Decimal(0)),
        _figure("dose_mg", mine.dose_mg, calculated.mg, rules.rounding_increment_mg),
        _figure("volume_ml", mine.volume_ml, calculated.volume_ml, rules.volume_quantum_ml),
    )
    theirs = calculate_dose(WeightEntry(calculated.weight_at, mine.weight_kg), rules)
    return DoubleCheck(figures=figures, working=wording.dose_working(calculated, rules), for_pharmacists_weight=theirs)


@dataclass(frozen=True, kw_only=True, slots=True)
class Verification:
    """A signed verification: when, and the weight entry and dose it was checked against."""
    verified_at: datetime
    weight_kg: Decimal
    weight_at: datetime
    dose_mg: Decimal

    @classmethod
    def of(cls, checked: DoseWorking, *, at: datetime) -> Verification:
        return cls(verified_at=at, weight_kg=checked.weight_kg, weight_at=checked.weight_at, dose_mg=checked.mg)


def staleness(verification: Verification, *, current: DoseWorking | None,
              escalations: Iterable[datetime]) -> tuple[str, ...]:
    """Why ``verification`` no longer holds for the ``current`` dose; () while it holds.

    Reasons, in this order: ``no_weight`` (no dosing weight now), ``new_weight`` (the dosing weight
    is another entry), ``dose_changed`` (the dose in mg differs), ``escalated`` (an escalation
    after the verification). ``escalations`` are the instants to compare with the verification's
    time: pass the later of each escalation's time and when it was entered, so one entered after
    the verification but dated before it still counts.
    """
    if current is None:
        return ("no_weight",)
    reasons = []
    if (instant(current.weight_at), current.weight_kg) != (instant(verification.weight_at), verification.weight_kg):
        reasons.append("new_weight")
    if current.mg != verification.dose_mg:
        reasons.append("dose_changed")
    if any(at > verification.verified_at for at in escalations):
        reasons.append("escalated")
    return tuple(reasons)
