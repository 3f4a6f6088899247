"""The anakinra dose, its working and its warnings (rules §4)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacer_desktop import protocols
from pacer_desktop.core import wording
from pacer_desktop.core.dose import WeightEntry, calculate_dose, round_half_up, volume_ml
from pacer_desktop.core.errors import CaseError
from tests.core.casebuild import evaluate, fever_case, shift

P = protocols.load()
WHEN = datetime(2026, 11, 4, 12, tzinfo=UTC)


def dose_for(kg: str):
    return calculate_dose(WeightEntry(WHEN, Decimal(kg)), P.dose)


@pytest.mark.parametrize("kg, calculated, mg, capped", [
    ("23.4", "58.5", 59, False),   # rules §4 example: .5 rounds up
    ("23", "57.5", 58, False),
    ("22.98", "57.45", 57, False),
    ("40", "100", 100, False),     # exactly the cap is not "capped"
    ("40.2", "100.5", 100, True),  # rounds to 101, then the cap applies
    ("52", "130", 100, True),      # rules §4 example
    ("3", "7.5", 8, False),
])
def test_dose_is_rounded_half_up_then_capped(kg, calculated, mg, capped):
    d = dose_for(kg)
    assert d.calculated_mg == Decimal(calculated)
    assert d.mg == mg and d.capped is capped


@pytest.mark.parametrize("mg, ml", [(59, "0.4"), (53, "0.36"), (100, "0.67"), (8, "0.05"), (50, "0.34")])
def test_volume_is_dose_times_0_67_over_100_to_hundredths(mg, ml):
    assert volume_ml(Decimal(mg), P.dose) == Decimal(ml)


def test_round_half_up_is_not_bankers_rounding():
    assert round_half_up(Decimal("0.125"), Decimal("0.01")) == Decimal("0.13")
    assert round_half_up(Decimal("58.5"), Decimal("1")) == 59
    assert round_half_up(Decimal("57.5"), Decimal("1")) == 58


def test_working_is_written_safely():
    assert wording.dose_working(dose_for("23.4"), P.dose) == (
        "2.5 mg/kg/dose × 23.4 kg = 58.5 mg, rounded to 59 mg; 0.4 mL of 100 mg/0.67 mL")
    assert wording.dose_working(dose_for("64"), P.dose) == (
        "2.5 mg/kg/dose × 64 kg = 160 mg, capped at the maximum of 100 mg per dose; 0.67 mL of 100 mg/0.67 mL")


@given(st.decimals(min_value=3, max_value=200, places=1))
def test_no_dose_is_ever_above_100_mg(kg):
    d = dose_for(str(kg))
    assert 0 < d.mg <= P.dose.max_mg
    assert d.mg == min(round_half_up(Decimal("2.5") * kg, Decimal(1)), Decimal(100))


@pytest.mark.parametrize("kg", [0, 2.9, 200.1, 500])
def test_implausible_weights_are_refused(kg):
    with pytest.raises(CaseError) as err:
        evaluate(fever_case(weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": kg}]))
    assert err.value.problems[0].field == "weights[0].kg"
    assert "is outside 3–200 kg" in err.value.problems[0].message


def test_a_weight_recorded_between_doses_applies_from_the_next_dose():
    """rules §5: each dose uses the latest weight at or before its due time."""
    c = fever_case(now="2026-11-06T08:00:00-06:00", weights=[
        {"at": "2026-11-02T09:00:00-06:00", "kg": 23.4},
        {"at": "2026-11-05T12:00:00-06:00", "kg": 30},
    ])
    r = evaluate(c)
    by_due = {d.due.isoformat(): d for d in r.doses}
    assert by_due["2026-11-05T11:00:00-06:00"].mg == 59
    assert by_due["2026-11-05T23:00:00-06:00"].mg == 75
    assert by_due["2026-11-05T23:00:00-06:00"].weight_kg == 30
    assert r.dose.mg == 75 and r.dose.weight_kg == 30
    assert "weight_changed" in r.alerts  # 30 kg is 28 % more than 23.4 kg


def test_weight_stale_only_after_more_than_7_days():
    weight_at = "2026-11-02T09:00:00-06:00"
    exactly = evaluate(fever_case(now=shift(weight_at, days=7), weights=[{"at": weight_at, "kg": 23.4}]))
    assert "weight_stale" not in exactly.alerts
    later = evaluate(fever_case(now=shift(weight_at, days=7, seconds=1), weights=[{"at": weight_at, "kg": 23.4}]))
    assert "weight_stale" in later.alerts


def test_weight_changed_only_above_10_percent():
    def alerts(second_kg):
        return evaluate(fever_case(weights=[{"at": "2026-11-01T09:00:00-06:00", "kg": 20},
                                            {"at": "2026-11-02T09:00:00-06:00", "kg": second_kg}])).alerts
    assert "weight_changed" not in alerts(22)      # exactly 10 %
    assert "weight_changed" not in alerts(18)
    assert "weight_changed" in alerts(22.01)
    assert "weight_changed" in alerts(17.99)


def test_the_weight_warnings_judge_the_weight_the_dose_uses():
    """# rules §4 and §2 rev 2: a weight entered up to 5 minutes after now (a workstation clock a
    little ahead) is the dosing weight; its warnings are its own, not those of the weight before it."""
    def result(second_at: str):
        return evaluate(fever_case(now="2026-11-09T12:00:00-06:00", weights=[
            {"at": "2026-11-02T09:00:00-06:00", "kg": 20}, {"at": second_at, "kg": 25}]))
    at_now, ahead = result("2026-11-09T12:00:00-06:00"), result("2026-11-09T12:03:00-06:00")
    assert ahead.dose.weight_kg == at_now.dose.weight_kg == 25
    assert "weight_changed" in at_now.alerts and "weight_stale" not in at_now.alerts
    assert "weight_changed" in ahead.alerts  # 25 kg is 25 % more than 20 kg
    assert "weight_stale" not in ahead.alerts  # the 20 kg of a week ago is no longer the dosing weight


def test_dose_warnings_only_when_anakinra_is_due():
    """A heavy patient with no persistent fever gets no dose and no dose warning (example 03)."""
    r = evaluate(fever_case(gap_h=1, weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 64}]))
    assert r.dose is None and r.alerts == ()


def test_capped_dose_alert():
    r = evaluate(fever_case(weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 64}]))
    assert r.dose.capped and "dose_capped" in r.alerts


def test_no_weight_means_no_dose_and_a_warning():
    r = evaluate(fever_case(weights=[]))
    assert r.dose is None
    assert all(d.mg is None for d in r.doses)
    assert "weight_missing" in r.notices and r.alerts == ()
