"""Temperatures and persistent fever (clinical-rules §2, §3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, localcontext
from typing import Literal, NamedTuple, Sequence

from .protocol import PersistentFeverRules, TemperatureRules
from .timeutil import hours, instant


def to_celsius(value: Decimal, unit: Literal["C", "F"], rules: TemperatureRules) -> Decimal:
    """°C as entered; °F converted exactly, ``(F − 32) × 5 / 9`` to 0.01 °C half up (rules §2).

    Exact for every value, in rational numbers: decimal arithmetic would round ``/ 9`` to 28
    digits first (a 20-digit 101.30899999999999999 °F could then round up past 38.505 °C), and
    quantizing 1e30 °F to 0.01 needs more digits than it has (InvalidOperation). Such a value is
    returned in °C all the same, for the range check to refuse with its usual message."""
    if unit == "C":
        return value
    from fractions import Fraction  # only for °F: 1.5 ms of every start otherwise
    quantum = rules.conversion_quantum_c
    steps = (Fraction(value) - 32) * 5 / 9 / Fraction(quantum)
    whole, rest = divmod(abs(steps.numerator), steps.denominator)
    whole += rest >= steps.denominator - rest  # half up: ties away from zero, as ROUND_HALF_UP
    with localcontext() as exact:
        exact.prec = max(exact.prec, len(str(whole)) + len(quantum.as_tuple().digits))
        return Decimal(whole if steps >= 0 else -whole) * quantum


class Reading(NamedTuple):
    """A temperature in °C at an instant; ``index`` is its place in the case's list."""

    at: datetime
    temp_c: Decimal
    index: int


@dataclass(frozen=True, slots=True)
class PersistentFever:
    """Persistent fever met at ``at`` (the anakinra start), by the readings ``first`` and ``second``."""

    at: datetime
    first: Reading
    second: Reading


def find_persistent_fever(
    readings: Sequence[Reading], infusion_at: datetime | None, rules: PersistentFeverRules
) -> PersistentFever | None:
    """The first instant T with two protocol fever readings a, b, 4 h <= b − a <= 24 h, b at T.

    A protocol fever reading is > 38.5 °C at or after the infusion (rules §3). ``readings`` may be
    in any order. Linear after sorting: for each b in time order, the earliest reading still
    within 24 h before b is the best candidate for a.
    """
    if infusion_at is None:
        return None
    fevers = sorted(  # in the order taken (instants): the hour repeated in autumn reads the same twice
        (r for r in readings if r.temp_c > rules.reading_above_c and instant(r.at) >= instant(infusion_at)),
        key=lambda r: instant(r.at),
    )
    shortest, longest = hours(rules.min_separation_h), hours(rules.max_separation_h)
    lo = 0
    for b in fevers:  # elapsed hours (instant): a form's times in one named zone subtract on its wall clock
        while instant(b.at) - instant(fevers[lo].at) > longest:
            lo += 1
        a = fevers[lo]
        if instant(b.at) - instant(a.at) >= shortest:
            return PersistentFever(at=b.at, first=a, second=b)
    return None
