"""The pharmacist's blinded double check (issue 18): their own figures against the calculator's,
and when an earlier verification no longer holds. Dose numbers follow rules §4 (23.4 kg → 59 mg,
0.4 mL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pacer_desktop import protocols
from pacer_desktop.core import wording
from pacer_desktop.core.dose import WeightEntry, calculate_dose


P = protocols.load()
WEIGHED = datetime(2026, 11, 4, 8, tzinfo=UTC)
VERIFIED = WEIGHED + timedelta(hours=2)


def calculated(kg: str = "23.4", at: datetime = WEIGHED):
    return calculate_dose(WeightEntry(at, Decimal(kg)), P.dose)


def check(kg: str, mg: str, ml: str, calc=None):
    from pacer_desktop.core.double_check import PharmacistFigures, compare
    mine = PharmacistFigures(weight_kg=Decimal(kg), dose_mg=Decimal(mg), volume_ml=Decimal(ml))
    return compare(mine, calc or calculated(), P.dose)


@pytest.mark.parametrize("kg, mg, ml", [
    ("23.4", "59", "0.4"),        # rules §4 example, exactly
    ("23.40", "59.0", "0.40"),    # the same numbers written otherwise
    ("23.4", "58.5", "0.395"),    # unrounded: less than one increment from the rounded figures
])
def test_the_same_dose_matches(kg, mg, ml):
    result = check(kg, mg, ml)
    assert result.matches
    assert [f.matches for f in result.figures] == [True, True, True]


@pytest.mark.parametrize("kg, mg, ml, wrong", [
    ("24.3", "59", "0.4", "weight_kg"),   # read another weight off the chart
    ("23.4", "58", "0.4", "dose_mg"),     # one whole increment off is another dose
    ("23.4", "95", "0.4", "dose_mg"),     # a tenfold-style slip
    ("23.4", "59", "0.39", "volume_ml"),  # a whole volume step off
    ("23.4", "59", "4", "volume_ml"),
])
def test_a_different_figure_is_a_mismatch_and_names_it(kg, mg, ml, wrong):
    result = check(kg, mg, ml)
    assert not result.matches
    assert [f.name for f in result.figures if not f.matches] == [wrong]


def test_a_mismatch_shows_both_figures_and_the_working():
    result = check("24.3", "61", "0.41")
    by_name = {f.name: f for f in result.figures}
    assert (by_name["dose_mg"].pharmacist, by_name["dose_mg"].calculated) == (Decimal("61"), Decimal("59"))
    assert result.working == wording.dose_working(calculated(), P.dose)
    # what the protocol gives for the weight the pharmacist read: here their own dose
    assert result.for_pharmacists_weight.mg == Decimal("61")


def test_the_tolerances_come_from_the_protocol_file():
    result = check("23.4", "59", "0.4")
    by_name = {f.name: f for f in result.figures}
    assert by_name["dose_mg"].tolerance == P.dose.rounding_increment_mg
    assert by_name["volume_ml"].tolerance == P.dose.volume_quantum_ml
    assert by_name["weight_kg"].tolerance == 0


def verified():
    from pacer_desktop.core.double_check import Verification
    return Verification.of(calculated(), at=VERIFIED)


def stale(current, escalations=()):
    from pacer_desktop.core.double_check import staleness
    return staleness(verified(), current=current, escalations=escalations)


def test_a_verification_holds_while_nothing_changed():
    assert stale(calculated(), escalations=[WEIGHED - timedelta(days=1)]) == ()


def test_a_new_weight_makes_it_stale_even_with_the_same_kg():
    assert stale(calculated(at=VERIFIED + timedelta(hours=1))) == ("new_weight",)
    assert stale(calculated(kg="25")) == ("new_weight", "dose_changed")


def test_an_escalation_since_makes_it_stale():
    assert stale(calculated(), escalations=[VERIFIED + timedelta(minutes=5)]) == ("escalated",)


def test_no_current_weight_is_stale():
    assert stale(None) == ("no_weight",)
