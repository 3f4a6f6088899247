"""The schedule, escalation re-anchoring and the stop rule (rules §5, §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer_desktop import protocols
from pacer_desktop.core.dose import WeightEntry, WeightHistory
from pacer_desktop.core.errors import CaseError
from pacer_desktop.core.schedule import CoursePlan, apply_daily_maximum, due_times, plan_lines
from tests.core.casebuild import assessment, case, crs, evaluate, icans, shift, temp

P = protocols.load()
H = timedelta(hours=1)


def local(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def times(start: str, escalated: str | None, until: str, inclusive=True) -> list[tuple[str, int]]:
    zone = ZoneInfo("America/Chicago")
    out = due_times(local(start), local(escalated) if escalated else None, local(until), inclusive, P.schedule)
    return [(t.astimezone(zone).strftime("%d %H:%M"), h) for t, h in out]


DAY = "2026-11-04T{}:00-06:00"


def test_every_12_hours_from_the_start():
    assert times(DAY.format("08:00"), None, "2026-11-05T20:00:00-06:00") == [
        ("04 08:00", 12), ("04 20:00", 12), ("05 08:00", 12), ("05 20:00", 12)]


@pytest.mark.parametrize("escalated, expected", [
    # rules §5 examples, doses due 08:00 and 20:00
    ("10:00", [("04 08:00", 12), ("04 14:00", 6), ("04 20:00", 6)]),
    ("17:00", [("04 08:00", 12), ("04 17:00", 6), ("04 23:00", 6)]),
    ("20:00", [("04 08:00", 12), ("04 20:00", 6), ("05 02:00", 6)]),
    # just before and just after L + 6 h
    ("13:59", [("04 08:00", 12), ("04 14:00", 6), ("04 20:00", 6)]),
    ("14:01", [("04 08:00", 12), ("04 14:01", 6), ("04 20:01", 6)]),
    # escalated at the start time: that dose stands, every 6 hours from it
    ("08:00", [("04 08:00", 6), ("04 14:00", 6), ("04 20:00", 6)]),
])
def test_escalation_re_anchors_at_max_of_E_and_L_plus_6(escalated, expected):
    got = times(DAY.format("08:00"), DAY.format(escalated), "2026-11-05T02:00:00-06:00")
    assert got[:3] == expected


def test_a_dose_due_exactly_at_the_stop_time_is_not_given():
    """Infusion 3 Nov 10:00 → stop floor 10 Nov 10:00, which is also a due time (rules §5, §6)."""
    c = case(
        now="2026-11-05T12:00:00-06:00",
        temperatures=[temp("2026-11-04T06:00:00-06:00", 39), temp("2026-11-04T10:00:00-06:00", 39)],
        assessments=[assessment("2026-11-05T11:00:00-06:00", crs(), icans())],
    )
    r = evaluate(c)
    assert r.persistent_fever_at.isoformat() == "2026-11-04T10:00:00-06:00"
    assert r.stop_at.isoformat() == "2026-11-10T10:00:00-06:00"
    assert r.doses[-1].due.isoformat() == "2026-11-09T22:00:00-06:00"
    assert all(d.due < r.stop_at for d in r.doses)


def test_without_a_stop_time_doses_run_to_now_plus_24_hours_inclusive():
    c = case(now="2026-11-04T23:00:00-06:00",
             temperatures=[temp("2026-11-04T07:00:00-06:00", 39), temp("2026-11-04T11:00:00-06:00", 39)])
    r = evaluate(c)
    assert r.stop_at is None
    assert [d.due.isoformat() for d in r.doses][-1] == "2026-11-05T23:00:00-06:00"  # = now + 24 h


def test_stop_is_48_hours_after_resolution_when_later_than_day_7():
    c = case(now="2026-11-12T08:00:00-06:00",
             temperatures=[temp("2026-11-04T07:00:00-06:00", 39), temp("2026-11-04T11:00:00-06:00", 39)],
             assessments=[assessment("2026-11-04T11:00:00-06:00", crs("no_vasopressor"), icans()),
                          assessment("2026-11-09T12:00:00-06:00", crs(), icans())])
    r = evaluate(c)
    assert r.resolved_at.isoformat() == "2026-11-09T12:00:00-06:00"
    assert r.stop_at.isoformat() == "2026-11-11T12:00:00-06:00"


def test_not_resolved_while_a_later_assessment_has_a_grade():
    c = case(now="2026-11-08T08:00:00-06:00",
             temperatures=[temp("2026-11-04T07:00:00-06:00", 39), temp("2026-11-04T11:00:00-06:00", 39)],
             assessments=[assessment("2026-11-05T11:00:00-06:00", crs(), icans()),
                          assessment("2026-11-06T11:00:00-06:00", crs(), icans(ice_score=8))])
    r = evaluate(c)
    assert r.resolved_at is None and r.stop_at is None


def test_resolution_is_never_before_the_start():
    c = case(now="2026-11-05T08:00:00-06:00",
             temperatures=[temp("2026-11-04T07:00:00-06:00", 39), temp("2026-11-04T11:00:00-06:00", 39)],
             assessments=[assessment("2026-11-04T09:00:00-06:00", crs(), icans())])
    assert evaluate(c).resolved_at is None


def test_carried_forward_icans_blocks_resolution():
    """An assessment without ICANS carries the last ICANS grade forward (case-format)."""
    c = case(now="2026-11-08T08:00:00-06:00",
             temperatures=[temp("2026-11-04T07:00:00-06:00", 39), temp("2026-11-04T11:00:00-06:00", 39)],
             assessments=[assessment("2026-11-05T11:00:00-06:00", crs(), icans(ice_score=8)),
                          assessment("2026-11-06T11:00:00-06:00", crs(), None),
                          assessment("2026-11-07T11:00:00-06:00", crs(), icans())])
    assert evaluate(c).resolved_at.isoformat() == "2026-11-07T11:00:00-06:00"


def test_escalation_before_the_start_is_an_input_error():
    c = case(temperatures=[temp("2026-11-04T07:00:00-06:00", 39), temp("2026-11-04T11:00:00-06:00", 39)],
             escalations=[{"at": "2026-11-04T10:59:00-06:00", "by": "Dr A", "reason": "x"}])
    with pytest.raises(CaseError) as err:
        evaluate(c)
    assert err.value.problems[0].field == "escalations[0].at"


def test_only_the_first_escalation_changes_the_schedule():
    c = case(now="2026-11-05T08:00:00-06:00",
             temperatures=[temp("2026-11-04T07:00:00-06:00", 39), temp("2026-11-04T11:00:00-06:00", 39)],
             escalations=[{"at": "2026-11-04T19:00:00-06:00", "by": "A", "reason": "x"},
                          {"at": "2026-11-04T15:00:00-06:00", "by": "B", "reason": "y"}])
    r = evaluate(c)
    assert r.escalated_at.isoformat() == "2026-11-04T15:00:00-06:00"
    assert [d.due.isoformat()[11:16] for d in r.doses[:3]] == ["11:00", "17:00", "23:00"]


@pytest.mark.parametrize("start, expected", [
    # Chicago leaves daylight saving on 1 Nov 2026 at 02:00: 12 elapsed hours after 20:00 CDT is 07:00 CST
    ("2026-10-31T20:00:00-05:00", ["2026-10-31T20:00:00-05:00", "2026-11-01T07:00:00-06:00", "2026-11-01T19:00:00-06:00"]),
    # and enters it on 8 Mar 2026 at 02:00: 12 elapsed hours after 20:00 CST is 09:00 CDT
    ("2026-03-07T20:00:00-06:00", ["2026-03-07T20:00:00-06:00", "2026-03-08T09:00:00-05:00", "2026-03-08T21:00:00-05:00"]),
])
def test_intervals_are_elapsed_hours_across_daylight_saving(start, expected):
    c = case(now=shift(start, hours=2), infusion_at=shift(start, hours=-30),
             weights=[{"at": shift(start, hours=-40), "kg": 20}],
             temperatures=[temp(shift(start, hours=-5), 39), temp(start, 39)])
    r = evaluate(c)
    assert [d.due.isoformat() for d in r.doses][:3] == expected



@pytest.mark.parametrize("resolved, before_r, stop, last_dose", [
    # resolved at noon CDT on 31 Oct; 48 elapsed hours later is 11:00 CST on 2 Nov, not noon (49 h):
    # the dose at R + 48.5 h (11:30 CST) falls after the stop and is not given
    ("2026-10-31T12:00:00-05:00", 35.5, "2026-11-02T11:00:00-06:00", "2026-11-01T23:30:00-06:00"),
    # resolved at noon CST on 7 Mar; 48 elapsed hours later is 13:00 CDT on 9 Mar, not noon (47 h):
    # the dose at R + 47.5 h (12:30 CDT) falls before the stop and is given
    ("2026-03-07T12:00:00-06:00", 36.5, "2026-03-09T13:00:00-05:00", "2026-03-09T12:30:00-05:00"),
])
def test_stop_is_48_elapsed_hours_after_resolution_across_daylight_saving(resolved, before_r, stop, last_dose):
    """Rules §6 on instants: R + 48 h is 48 elapsed hours, the case's zone changing its clocks or not."""
    start = shift(resolved, hours=-before_r)  # the first dose; then every 12 elapsed hours
    c = case(now=shift(resolved, hours=60), infusion_at=shift(resolved, hours=-24 * 7),
             weights=[{"at": shift(start, hours=-40), "kg": 20}],
             temperatures=[temp(shift(start, hours=-4), 38.6), temp(start, 38.6)],
             assessments=[assessment(resolved, crs(), icans())])
    r = evaluate(c)
    assert r.resolved_at.isoformat() == resolved
    assert r.stop_at.isoformat() == stop
    assert r.doses[-1].due.isoformat() == last_dose
    assert r.stop_at.astimezone(UTC) - r.resolved_at.astimezone(UTC) == 48 * H


def test_stop_time_is_elapsed_whatever_zone_its_inputs_carry():
    """A resolution time in the case's named zone (as results carry it) is moved on the time line,
    not on the clock: Python adds hours to a ``ZoneInfo`` datetime on its wall clock."""
    from pacer_desktop.core.schedule import stop_time
    chicago = ZoneInfo("America/Chicago")
    resolved = datetime(2026, 10, 31, 12, tzinfo=chicago)
    stop = stop_time(resolved, resolved - 10 * 24 * H, P.schedule)
    assert stop - resolved.astimezone(UTC) == 48 * H
    assert stop.astimezone(chicago).hour == 11


# --- properties ----------------------------------------------------------------------------

START = datetime(2026, 3, 1, 14, tzinfo=UTC)


@settings(max_examples=300, deadline=None)
@given(escalate_after_min=st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 24 * 6)),
       days=st.integers(min_value=1, max_value=20),
       weights=st.lists(st.tuples(st.integers(min_value=-2000, max_value=60 * 24 * 20),
                                  st.decimals(min_value=3, max_value=200, places=1)), min_size=1, max_size=6))
def test_intervals_exact_and_no_24_hour_window_above_400_mg(escalate_after_min, days, weights):
    escalated = START + timedelta(minutes=escalate_after_min) if escalate_after_min is not None else None
    history = WeightHistory([WeightEntry(START + timedelta(minutes=m), kg) for m, kg in weights])
    end = START + timedelta(days=days)
    lines, _ = plan_lines([CoursePlan(1, START, escalated, end, end)], [], {}, history, P.schedule, P.dose)
    doses, _ = apply_daily_maximum(lines, [], START - H, P.dose, {}, timedelta(minutes=60))  # all planned: nothing given yet
    dues = [d.due for d in doses]
    for before, after in zip(dues, dues[1:]):
        gap = after - before
        if escalated is None or after < escalated:
            assert gap == 12 * H
        elif before >= escalated:
            assert gap == 6 * H
        else:  # the re-anchoring step: max(E, L + 6 h) − L
            assert 6 * H <= gap <= 12 * H
    given_mg = [(d.due, d.mg) for d in doses if d.mg is not None]
    for due, mg in given_mg:
        assert mg <= P.dose.max_mg
        window = sum(m for t, m in given_mg if due - timedelta(hours=24) < t <= due)
        assert window <= P.dose.max_mg_per_24h
