"""Temperatures and persistent fever (rules §2, §3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer_desktop import protocols
from pacer_desktop.core.errors import CaseError
from pacer_desktop.core.temperature import Reading, find_persistent_fever, to_celsius
from tests.core.casebuild import INFUSION, case, evaluate, shift, temp

P = protocols.load()


@pytest.mark.parametrize("fahrenheit, celsius", [
    ("101.3", "38.50"),   # rules §2: 38.50 °C is not a protocol fever
    ("101.4", "38.56"),
    ("98.6", "37.00"),
    ("32", "0.00"),
    ("100.9", "38.28"),   # 38.2777… rounds half up to 38.28
])
def test_fahrenheit_converts_exactly_to_hundredths(fahrenheit, celsius):
    # rules §2
    assert to_celsius(Decimal(fahrenheit), "F", P.temperature) == Decimal(celsius)


def test_celsius_is_kept_as_entered():
    assert to_celsius(Decimal("38.51"), "C", P.temperature) == Decimal("38.51")


def _fever_at(readings):
    c = evaluate(case(temperatures=readings))
    return c.persistent_fever_at


def test_exactly_4_hours_apart_counts():
    # rules §3: 4 h <= b − a
    t0 = "2026-11-04T07:00:00-06:00"
    assert _fever_at([temp(t0, 38.6), temp(shift(t0, hours=4), 38.6)]).isoformat() == "2026-11-04T11:00:00-06:00"


def test_just_under_4_hours_does_not_count():
    t0 = "2026-11-04T07:00:00-06:00"
    assert _fever_at([temp(t0, 38.6), temp(shift(t0, hours=4, seconds=-1), 38.6)]) is None


def test_exactly_24_hours_apart_counts_and_just_over_does_not():
    t0 = "2026-11-04T07:00:00-06:00"
    assert _fever_at([temp(t0, 38.6), temp(shift(t0, hours=24), 38.6)]) is not None
    assert _fever_at([temp(t0, 38.6), temp(shift(t0, hours=24, seconds=1), 38.6)]) is None


def test_38_5_is_not_a_protocol_fever_but_38_51_is():
    t0 = "2026-11-04T07:00:00-06:00"
    assert _fever_at([temp(t0, 38.5), temp(shift(t0, hours=5), 38.9)]) is None
    assert _fever_at([temp(t0, 38.51), temp(shift(t0, hours=5), 38.9)]) is not None


def test_101_3_f_is_not_a_protocol_fever_but_101_4_f_is():
    t0 = "2026-11-04T07:00:00-06:00"
    assert _fever_at([temp(t0, 101.3, "F"), temp(shift(t0, hours=5), 38.9)]) is None
    assert _fever_at([temp(t0, 101.4, "F"), temp(shift(t0, hours=5), 38.9)]) is not None


def test_readings_before_the_infusion_never_count():
    before = shift(INFUSION, hours=-2)
    assert _fever_at([temp(before, 39.5), temp(shift(INFUSION, hours=3), 39.5)]) is None
    at_infusion = INFUSION
    assert _fever_at([temp(at_infusion, 39.5), temp(shift(INFUSION, hours=4), 39.5)]) is not None


def test_start_is_the_first_instant_and_readings_are_named():
    """The first qualifying b wins, whatever the input order; the result names a and b."""
    t0 = "2026-11-04T07:00:00-06:00"
    readings = [temp(shift(t0, hours=10), 39.0), temp(t0, 38.6), temp(shift(t0, hours=6), 38.8)]
    result = evaluate(case(temperatures=readings))
    assert result.persistent_fever_at.isoformat() == "2026-11-04T13:00:00-06:00"
    first, second = result.persistent_fever_readings
    assert (first.index, second.index) == (1, 2)


def test_persistent_fever_needs_an_infusion_time():
    t0 = "2026-11-04T07:00:00-06:00"
    assert evaluate(case(infusion_at=None, temperatures=[temp(t0, 39), temp(shift(t0, hours=5), 39)])).persistent_fever_at is None


@pytest.mark.parametrize("value, unit, message", [
    (50, "C", "temperatures[0].value: 50 °C is outside 30–44 °C"),
    (29.9, "C", "temperatures[0].value: 29.9 °C is outside 30–44 °C"),
    (112, "F", "temperatures[0].value: 112 °F (44.44 °C) is outside 30–44 °C"),
])
def test_implausible_temperatures_are_refused(value, unit, message):
    with pytest.raises(CaseError) as err:
        evaluate(case(temperatures=[temp("2026-11-04T07:00:00-06:00", value, unit)]))
    assert [str(p) for p in err.value.problems] == [message]


def test_plausible_bounds_are_accepted():
    evaluate(case(temperatures=[temp("2026-11-04T07:00:00-06:00", 30.0), temp("2026-11-04T08:00:00-06:00", 44.0)]))


def test_a_reading_after_now_plus_5_minutes_is_refused():
    now = "2026-11-06T08:00:00-06:00"
    evaluate(case(now=now, temperatures=[temp(shift(now, minutes=5), 37.0)]))
    with pytest.raises(CaseError) as err:
        evaluate(case(now=now, temperatures=[temp(shift(now, minutes=5, seconds=1), 37.0)]))
    assert err.value.problems[0].field == "temperatures[0].at"


# --- property: the linear search equals a brute-force pair search (rules §3) ---------------

BASE = datetime(2026, 11, 3, 16, 0, tzinfo=UTC)


def brute_force(readings, infusion):
    lo, hi = timedelta(hours=P.persistent_fever.min_separation_h), timedelta(hours=P.persistent_fever.max_separation_h)
    fevers = [r for r in readings if r.temp_c > P.persistent_fever.reading_above_c and r.at >= infusion]
    times = [b.at for b in fevers for a in fevers if lo <= b.at - a.at <= hi]
    return min(times) if times else None


readings_strategy = st.lists(
    st.tuples(st.integers(min_value=-600, max_value=4000), st.sampled_from(["37.0", "38.5", "38.51", "39.2"])),
    max_size=25,
)


@settings(max_examples=400, deadline=None)
@given(readings_strategy, st.integers(min_value=-100, max_value=300))
def test_detection_equals_brute_force(raw, infusion_offset_min):
    readings = [Reading(BASE + timedelta(minutes=10 * m), Decimal(v), i) for i, (m, v) in enumerate(raw)]
    infusion = BASE + timedelta(minutes=infusion_offset_min)
    found = find_persistent_fever(readings, infusion, P.persistent_fever)
    expected = brute_force(readings, infusion)
    assert (found.at if found else None) == expected
    if found:
        gap = found.second.at - found.first.at
        assert timedelta(hours=4) <= gap <= timedelta(hours=24)
        assert found.first.temp_c > Decimal("38.5") and found.second.temp_c > Decimal("38.5")


@pytest.mark.parametrize(("first", "second", "met"), [
    # the clocks go back (1 Nov 2026, 02:00 CDT): 4 h 45 min elapsed, 3 h 45 min on the wall
    (datetime(2026, 10, 31, 22, 30), datetime(2026, 11, 1, 2, 15), True),
    # the clocks go forward (8 Mar 2026, 02:00 CST): 3 h 30 min elapsed, 4 h 30 min on the wall
    (datetime(2026, 3, 7, 23, 0), datetime(2026, 3, 8, 3, 30), False),
])
def test_persistent_fever_counts_elapsed_hours_across_a_daylight_saving_change(first, second, met):
    """# rules §3: two readings at least 4 hours apart. A form's times are in the patient's zone
    (one ZoneInfo), where Python subtracts on the wall clock: the running window missed a persistent
    fever the same file showed once reopened, or met one that was not there."""
    from zoneinfo import ZoneInfo
    zone = ZoneInfo("America/Chicago")
    a = Reading(first.replace(tzinfo=zone), Decimal("38.8"), 0)
    b = Reading(second.replace(tzinfo=zone), Decimal("38.9"), 1)
    fever = find_persistent_fever([a, b], first.replace(tzinfo=zone) - timedelta(days=1), P.persistent_fever)
    assert (fever is not None) is met
    if met:
        assert fever.at == b.at


def test_persistent_fever_takes_readings_in_the_repeated_hour_in_the_order_they_were_taken():
    """# rules §3: the earliest time both readings exist. 01:40 CDT (06:40 UTC) comes before 01:20 CST
    (07:20 UTC) though its wall clock reads later: with 21:00 CDT the evening before, persistent
    fever is met at 01:40 CDT, not 01:20 CST."""
    from zoneinfo import ZoneInfo
    zone = ZoneInfo("America/Chicago")
    evening = Reading(datetime(2026, 10, 31, 21, 0, tzinfo=zone), Decimal("38.8"), 0)
    second_0120 = Reading(datetime(2026, 11, 1, 1, 20, fold=1, tzinfo=zone), Decimal("38.9"), 1)  # CST
    first_0140 = Reading(datetime(2026, 11, 1, 1, 40, tzinfo=zone), Decimal("38.9"), 2)  # CDT
    fever = find_persistent_fever([evening, second_0120, first_0140], datetime(2026, 10, 30, 10, tzinfo=zone),
                                  P.persistent_fever)
    assert fever is not None and fever.at.astimezone(UTC) == datetime(2026, 11, 1, 6, 40, tzinfo=UTC)
