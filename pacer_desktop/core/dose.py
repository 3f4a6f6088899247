"""The anakinra dose and its working (clinical-rules §4)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from .protocol import DoseRules, WeightRules


@dataclass(frozen=True, slots=True)
class WeightEntry:
    """A weight as the dose working uses it: when, and kg."""
    at: datetime
    kg: Decimal


@dataclass(frozen=True, slots=True)
class DoseWorking:
    """One dose with every step shown: mg/kg × weight = calculated → rounded → capped."""

    weight_kg: Decimal
    weight_at: datetime
    mg_per_kg: Decimal
    calculated_mg: Decimal
    rounded_mg: Decimal
    mg: Decimal
    capped: bool
    volume_ml: Decimal
    route: str


def round_half_up(value: Decimal, quantum: Decimal) -> Decimal:
    """Round to a multiple of ``quantum``, halves up (quantum may be 1, 0.5, 0.01…)."""
    return (value / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum


def volume_ml(dose_mg: Decimal, rules: DoseRules) -> Decimal:
    """``dose × 0.67 / 100`` to 0.01 mL half up (rules §4)."""
    return round_half_up(dose_mg * rules.product_ml / rules.product_mg, rules.volume_quantum_ml)


def calculate_dose(weight: WeightEntry, rules: DoseRules) -> DoseWorking:
    """2.5 mg/kg × weight, rounded half up to the increment, then capped (rules §4)."""
    calculated = rules.mg_per_kg * weight.kg
    rounded = round_half_up(calculated, rules.rounding_increment_mg)
    dose = min(rounded, rules.max_mg)
    return DoseWorking(
        weight_kg=weight.kg, weight_at=weight.at, mg_per_kg=rules.mg_per_kg,
        calculated_mg=calculated, rounded_mg=rounded, mg=dose, capped=rounded > rules.max_mg,
        volume_ml=volume_ml(dose, rules), route=rules.route,
    )


class WeightHistory:
    """Recorded weights in time order; the dosing weight at t is the latest at or before t."""

    def __init__(self, weights: Sequence[WeightEntry]) -> None:
        self.entries = sorted(weights, key=lambda w: w.at)
        self._times = [w.at for w in self.entries]

    def at(self, when: datetime) -> WeightEntry | None:
        i = bisect_right(self._times, when)
        return self.entries[i - 1] if i else None

    def before(self, entry: WeightEntry) -> WeightEntry | None:
        i = self.entries.index(entry)
        return self.entries[i - 1] if i else None


def weight_warnings(history: WeightHistory, current: WeightEntry, now: datetime, rules: WeightRules) -> list[str]:
    """``weight_stale`` and ``weight_changed`` for ``current``, the weight the dose uses, at ``now``
    (rules §4). It may be up to the tolerance after now (§2 rev 2): then it is not stale."""
    warnings = []
    if now - current.at > timedelta(days=rules.stale_after_days):
        warnings.append("weight_stale")
    previous = history.before(current)
    if previous is not None and abs(current.kg - previous.kg) > rules.change_warning_fraction * previous.kg:
        warnings.append("weight_changed")
    return warnings
