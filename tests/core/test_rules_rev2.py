"""Rules revision 2: what a second clinical review found (issue: the rules, revision 2).

Each test cites the rule it checks. Times are America/Chicago (−06:00 in November); the infusion is
3 Nov 10:00 and, in ``fever_case``, persistent fever (the anakinra start) is met on 4 Nov 11:00.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer_desktop.core.errors import CaseError
from pacer_desktop.core.result import output_data
from tests.core.casebuild import assessment, case, crs, evaluate, fever_case, icans, temp
from tests.paths import EXAMPLES

START = "2026-11-04T11:00:00-06:00"


def t(day: int, hm: str) -> str:
    return f"2026-11-{day:02d}T{hm}:00-06:00"


def no_icans() -> None:
    return None


def calm(when: str) -> dict:
    """CRS 0 and ICANS 0 (no fever in the 24 h before it)."""
    return assessment(when, crs(), icans())


def dose(when: str, mg: float = 59, **kw) -> dict:
    return {"at": when, "drug": "anakinra", "dose_mg": mg, **kw}


def problems(c: dict) -> list[str]:
    with pytest.raises(CaseError) as err:
        evaluate(c)
    return [f"{p.field}: {p.message}" for p in err.value.problems]


def lines(r) -> list[tuple]:
    return [(d.line, d.due.isoformat()[5:16], d.status) for d in r.doses]


# ---- §7 rev 2: the grade at t; the order of listing never changes a result ----------------------

def test_an_icans_only_entry_does_not_carry_an_old_crs_grade_into_an_instant():
    """# rules §7 rev 2: CRS 1, then at one instant an ICANS-only entry and a CRS 0 / ICANS 0 entry."""
    later = t(5, "12:00")  # more than 24 h after the last fever: a calm CRS entry is grade 0
    base = fever_case(now=t(9, "08:00"), assessments=[assessment(t(4, "12:00"), crs(), icans())])
    one = dict(base, assessments=base["assessments"] + [assessment(later, None, icans()), calm(later)])
    other = dict(base, assessments=base["assessments"] + [calm(later), assessment(later, None, icans())])
    assert evaluate(one).resolved_at == evaluate(other).resolved_at
    assert evaluate(one).resolved_at.isoformat() == later


def _without_indexes(data):
    if isinstance(data, dict):
        return {k: _without_indexes(v) for k, v in data.items() if k != "index"}
    if isinstance(data, list):
        return [_without_indexes(v) for v in data]
    return data


def _busy_case() -> dict:
    """Entries at shared instants of every kind."""
    same = t(5, "12:00")
    return case(
        now=t(12, "08:00"),
        temperatures=[temp(t(4, "07:00"), 38.7), temp(t(4, "11:00"), 38.9), temp(t(4, "11:00"), 39.2),
                      temp(same, 37.0), temp(same, 37.1)],
        assessments=[assessment(t(4, "12:00"), crs("no_vasopressor"), icans(ice_score=8)),
                     assessment(same, None, icans()), calm(same), assessment(same, crs(), None),
                     assessment(t(5, "20:00"), crs(), icans(ice_score=9)), calm(t(6, "09:00"))],
        medications=[dose(t(4, "11:10")), {"at": t(4, "12:00"), "drug": "tocilizumab", "dose_mg": 200}],
    )


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_shuffling_the_lists_of_a_case_never_changes_the_result(rnd):
    """# rules §7 rev 2: the order in which entries are listed never changes a result (``index``
    fields name a place in the input list, so they follow the shuffle and are left out)."""
    c = _busy_case()
    want = _without_indexes(output_data(evaluate(c)))
    shuffled = {k: (rnd.sample(v, len(v)) if isinstance(v, list) else v) for k, v in c.items()}
    assert _without_indexes(output_data(evaluate(shuffled))) == want


def test_the_shuffle_property_holds_for_the_shipped_examples():
    """# rules §7 rev 2, on every worked example."""
    rnd = random.Random(7)
    for path in sorted(EXAMPLES.glob("*.case.json")):
        c = json.loads(path.read_text())
        want = _without_indexes(output_data(evaluate(c)))
        for _ in range(5):
            shuffled = {k: (rnd.sample(v, len(v)) if isinstance(v, list) else v) for k, v in c.items()}
            assert _without_indexes(output_data(evaluate(shuffled))) == want, path.name


# ---- §6 rev 2: resolution and the stop --------------------------------------------------------

def test_an_icans_only_check_never_shows_crs_resolved():
    """# rules §6 rev 2: the CRS grade at R comes from a CRS assessment at or after the start."""
    c = case(now=t(4, "13:30"), temperatures=[temp(t(4, "07:00"), 38.7), temp(t(4, "11:00"), 39.4)],
             assessments=[assessment(t(4, "13:00"), None, icans())])
    r = evaluate(c)
    assert r.resolved_at is None and r.stop_at is None


def test_icans_never_checked_is_not_shown_resolved():
    """# rules §6 rev 2: the ICANS grade at R comes from an ICANS assessment at or after the start."""
    c = fever_case(now=t(6, "08:00"), assessments=[assessment(t(5, "13:00"), crs(), None)])
    assert evaluate(c).resolved_at is None


def test_crs_and_icans_assessed_at_or_after_the_start_resolve():
    """# rules §6: both assessed 0 after the start, nothing higher later."""
    c = fever_case(now=t(6, "08:00"), assessments=[calm(t(5, "13:00"))])
    r = evaluate(c)
    assert r.resolved_at.isoformat() == t(5, "13:00")
    assert r.stop_at.isoformat() == "2026-11-10T10:00:00-06:00"  # infusion + 7 × 24 h


def test_a_fever_after_resolution_and_before_the_stop_undoes_it():
    """# rules §6 rev 2: a temperature >= 38.0 °C after R and before the stop time undoes R."""
    c = fever_case(now=t(7, "08:00"), assessments=[calm(t(5, "13:00"))])
    c["temperatures"].append(temp(t(6, "09:00"), 38.0))
    r = evaluate(c)
    assert r.resolved_at is None and r.stop_at is None
    c["assessments"].append(calm(t(7, "10:00")))
    c["now"] = t(7, "11:00")
    assert evaluate(c).resolved_at.isoformat() == t(7, "10:00")


def test_a_fever_at_or_after_the_stop_raises_recurrence_and_the_stop_stands():
    """# rules §6 rev 2: recurrence after the stop does not reopen the course."""
    c = fever_case(now=t(12, "08:00"), assessments=[calm(t(5, "13:00"))])
    before = evaluate(c)
    c["temperatures"].append(temp(t(11, "09:00"), 38.4))
    r = evaluate(c)
    assert r.stop_at == before.stop_at and r.resolved_at == before.resolved_at
    assert r.doses == before.doses
    assert "recurrence_after_stop" in r.alerts


def test_a_crs_grade_after_the_stop_keeps_the_stop_and_lists_no_gap_doses():
    """# rules §6 rev 2: the doses of the gap are not listed as due (they would show as overdue)."""
    c = fever_case(now=t(12, "08:00"), assessments=[calm(t(5, "13:00"))])
    before = evaluate(c)
    c["temperatures"].append(temp(t(11, "08:00"), 38.6))
    c["assessments"].append(assessment(t(11, "09:00"), crs("no_vasopressor"), icans()))
    r = evaluate(c)
    assert r.stop_at == before.stop_at
    assert [d.due for d in r.doses] == [d.due for d in before.doses]
    assert r.alerts == ("recurrence_after_stop",)


def test_a_restart_starts_a_new_course_and_clears_the_recurrence_alert():
    """# rules §6 rev 2: a restart (instant, who, why) starts a new course; doses[] lists every course."""
    c = fever_case(now=t(12, "08:00"), assessments=[calm(t(5, "13:00"))])
    c["temperatures"].append(temp(t(11, "08:00"), 38.6))
    c["assessments"].append(assessment(t(11, "09:00"), crs("no_vasopressor"), icans()))
    first = evaluate(c)
    c["restarts"] = [{"at": t(11, "10:00"), "by": "Dr R", "reason": "CRS 2 after the stop"}]
    r = evaluate(c)
    assert "recurrence_after_stop" not in r.alerts
    old = [d for d in r.doses if d.due < first.stop_at]
    assert [d.due for d in old] == [d.due for d in first.doses]
    new = [d.due.isoformat()[5:16] for d in r.doses if d.due >= first.stop_at]
    assert new == ["11-11T10:00", "11-11T22:00", "11-12T10:00", "11-12T22:00"]  # from the restart, to now + 24 h
    assert [d.line for d in r.doses] == list(range(1, len(r.doses) + 1))
    assert r.stop_at is None and r.resolved_at is None  # those of the latest course


def test_a_restart_while_the_course_runs_or_before_persistent_fever_is_refused():
    """# rules §6 rev 2: a restart while the course is running, or before persistent fever, is an input error."""
    running = fever_case(now=t(6, "08:00"), restarts=[{"at": t(5, "10:00"), "by": "Dr R", "reason": "x"}])
    assert any(p.startswith("restarts[0].at") for p in problems(running))
    never = case(now=t(6, "08:00"), restarts=[{"at": t(5, "10:00"), "by": "Dr R", "reason": "x"}])
    assert any(p.startswith("restarts[0].at") for p in problems(never))


def test_a_restart_is_due_six_hours_after_the_last_dose_if_that_is_later():
    """# rules §6 rev 2: first dose at the restart, or 6 h after the last recorded administration."""
    c = fever_case(now=t(12, "08:00"), assessments=[calm(t(5, "13:00"))],
                   medications=[dose(t(10, "07:00"))])  # an extra dose recorded late on the last day
    c["temperatures"].append(temp(t(10, "11:00"), 38.6))
    c["restarts"] = [{"at": t(10, "11:00"), "by": "Dr R", "reason": "fever back"}]
    r = evaluate(c)
    restarted = [d for d in r.doses if d.due >= r.doses[0].due and d.due.isoformat() >= t(10, "10:00")]
    assert restarted[0].due.isoformat() == t(10, "13:00")


def test_a_dose_given_at_the_restart_instant_is_the_new_course_s_first_dose():
    """# rules §6 rev 2: the first dose is due at the restart instant, or 6 h after the last recorded
    administration *before* it: the dose given as the restart is recorded is that first dose, not a
    dose that pushes the course 6 hours on (found in review: it showed as fitting no line, and the
    next was due 6 hours after it in a 12-hourly course)."""
    c = fever_case(now=t(12, "08:00"), assessments=[calm(t(5, "13:00"))])
    c["temperatures"].append(temp(t(11, "08:00"), 38.6))
    c["restarts"] = [{"at": t(11, "10:00"), "by": "Dr R", "reason": "fever back"}]
    c["medications"] = c.get("medications", []) + [dose(t(11, "10:00"))]
    r = evaluate(c)
    first = next(d for d in r.doses if d.course == 2)
    assert first.due.isoformat() == t(11, "10:00") and first.status == "given"
    assert "unscheduled_dose" not in r.notices
    assert [d.due.isoformat() for d in r.doses if d.course == 2][1] == t(11, "22:00")


# ---- §7 rev 2: prompts ------------------------------------------------------------------------

def test_a_first_grade_1_after_the_start_is_not_progression():
    """# rules §7 rev 2: the grade at the start is at least 1 (persistent fever is CRS grade 1)."""
    c = fever_case(now=t(4, "14:00"), assessments=[assessment(t(4, "12:00"), crs(), icans())])
    assert evaluate(c).assessments[0].crs_grade == 1
    assert "consider_escalation" not in evaluate(c).alerts


def test_grade_2_after_the_start_is_progression():
    """# rules §7: progression above the grade at the start."""
    c = fever_case(now=t(4, "14:00"), assessments=[assessment(t(4, "12:00"), crs("no_vasopressor"), icans())])
    assert "consider_escalation" in evaluate(c).alerts


def test_a_fever_24_hours_after_the_start_with_no_assessment_since_shows_persistence():
    """# rules §7 rev 2."""
    c = fever_case(now=t(5, "12:00"), assessments=[assessment(t(4, "12:00"), crs(), icans())])
    assert "consider_escalation" not in evaluate(c).alerts
    c["temperatures"].append(temp(t(5, "11:30"), 38.2))
    assert "consider_escalation" in evaluate(c).alerts


def test_an_icans_only_check_after_the_fever_does_not_hide_it():
    """# rules §7 rev 2: "an ICANS-only check does not hide CRS"; a temperature >= 38.0 °C at least
    24 h after the start and after the latest assessment shows persistence. The latest assessment
    of CRS is the one that could have shown the fever gone (found in review)."""
    c = fever_case(now=t(5, "13:00"), assessments=[calm(t(5, "11:30"))])  # CRS 0: a day after the last fever
    assert "consider_escalation" not in evaluate(c).alerts
    c["temperatures"].append(temp(t(5, "12:00"), 38.2))
    assert "consider_escalation" in evaluate(c).alerts
    c["assessments"].append(assessment(t(5, "12:30"), None, icans()))  # ICANS only, after the fever
    assert "consider_escalation" in evaluate(c).alerts


def test_prompts_and_dose_warnings_concern_a_running_course_only():
    """# rules §7 rev 2 and §4 rev 2: nothing after the stop time is reached (the weight is stale by then)."""
    c = fever_case(now=t(20, "08:00"), assessments=[calm(t(5, "13:00"))],
                   weights=[{"at": "2026-10-01T09:00:00-05:00", "kg": 60}])
    r = evaluate(c)
    assert r.stop_at is not None and r.alerts == ()


def test_dose_warnings_wait_for_the_course_to_start():
    """# rules §4 rev 2: not before it starts (a stale weight before any fever)."""
    c = case(now=t(4, "08:00"), weights=[{"at": "2026-10-01T09:00:00-05:00", "kg": 60}])
    assert evaluate(c).alerts == ()


def test_standard_of_care_needs_worse_than_grade_1_at_escalation():
    """# rules §7 rev 2: the CRS grade at the escalation time is at least 1."""
    c = fever_case(now=t(4, "20:00"), assessments=[assessment(t(4, "19:00"), crs(), icans())],
                   escalations=[{"at": t(4, "12:00"), "by": "Dr E", "reason": "fever persists"}])
    assert "standard_of_care" not in evaluate(c).alerts


# ---- §8 rev 2: CRS follows the infusion --------------------------------------------------------

def test_premedication_before_the_infusion_does_not_waive_fever():
    """# rules §8 rev 2: assessments and medications before the infusion never set onset or waive fever."""
    c = case(now="2026-11-03T12:00:00-06:00",
             temperatures=[temp("2026-11-03T08:00:00-06:00", 38.4)],
             assessments=[assessment("2026-11-03T08:30:00-06:00", crs(), None),
                          assessment("2026-11-03T11:00:00-06:00", crs("no_vasopressor"), None)],
             medications=[{"at": "2026-11-03T09:00:00-06:00", "drug": "acetaminophen", "dose_mg": 240}])
    r = evaluate(c)
    assert r.assessments[0].crs_grade == 0  # a temperature before the infusion is never CRS fever
    assert r.assessments[1].crs_grade == 0 and r.assessments[1].fever_waived is False


def test_prednisolone_waives_fever_once_crs_began():
    """# rules §8 rev 2: prednisolone joins the corticosteroids."""
    c = fever_case(now=t(6, "08:00"), medications=[{"at": t(5, "09:00"), "drug": "prednisolone", "dose_mg": 20}],
                   assessments=[assessment(t(6, "07:00"), crs("no_vasopressor"), icans())])
    r = evaluate(c)
    assert r.assessments[0].fever_waived is True and r.assessments[0].crs_grade == 2


# ---- §2 rev 2: nothing after now ---------------------------------------------------------------

@pytest.mark.parametrize("kind, entry", [
    ("weights", {"at": t(6, "09:00"), "kg": 24}),
    ("assessments", assessment(t(6, "09:00"), crs(), icans())),
    ("medications", {"at": t(6, "09:00"), "drug": "tocilizumab", "dose_mg": 200}),
    ("escalations", {"at": t(6, "09:00"), "by": "Dr E", "reason": "x"}),
])
def test_every_entry_later_than_now_plus_5_minutes_is_an_input_error(kind, entry):
    """# rules §2 rev 2, in a case file as at the bedside."""
    c = fever_case(now=t(6, "08:00"))
    c[kind] = c.get(kind, []) + [entry]
    assert any(p.startswith(f"{kind}[{len(c[kind]) - 1}].at") for p in problems(c))


def test_an_entry_up_to_5_minutes_after_now_counts_as_now():
    """# rules §2: clocks of two devices differ."""
    c = fever_case(now=t(6, "08:00"), weights=[{"at": t(6, "08:05"), "kg": 24}])
    assert evaluate(c).dose.mg == 60


# ---- §4 rev 2: what was given -----------------------------------------------------------------

def test_the_daily_maximum_counts_doses_given_and_lowers_the_next_line():
    """# rules §4 rev 2: an extra 100 mg given after an error; the next line is lowered to what the
    window (t − 24 h, t] allows, and ``daily_maximum`` is raised."""
    c = fever_case(now=t(4, "23:30"), weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 52}],
                   medications=[dose(START, 100), dose(t(4, "14:00"), 100), dose(t(4, "17:00"), 100),
                                dose(t(4, "23:00"), 100)],
                   escalations=[{"at": t(4, "12:00"), "by": "Dr E", "reason": "progression"}])
    r = evaluate(c)
    nxt = next(d for d in r.doses if d.status == "planned")
    assert nxt.due.isoformat() == t(5, "05:00") and nxt.lowered_from_mg == 100
    assert "daily_maximum" in r.notices
    assert nxt.mg == 0  # 400 mg already given in (4 Nov 05:00, 5 Nov 05:00]
    assert "unscheduled_dose" in r.notices  # the 14:00 dose fits no line (17:00 took its own)
    assert [d.mg for d in r.doses if d.status == "planned"][1] == 100  # 11:00: the 11:00 dose has left its window


@pytest.mark.parametrize("now, status", [("05:10", "due"), ("07:30", "overdue")])
def test_a_line_due_now_is_lowered_as_it_was_while_planned(now, status):
    """# rules §4 rev 2, read the safe way: "no rolling 24-hour window may contain more than 400 mg".
    Line 4 (5 Nov 05:00) was planned at no dose while 400 mg were given in the 24 hours before it;
    once it fell due it went back to 100 mg, and given then it takes (t − 24 h, t] to 500 mg. A line
    due now or overdue is judged at now, the earliest it can be given (README, readings of the rules)."""
    given = [dose(START, 100), dose(t(4, "14:00"), 100), dose(t(4, "17:00"), 100), dose(t(4, "23:00"), 100)]
    before, after = (evaluate(fever_case(now=when, weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 52}],
                                         medications=given,
                                         escalations=[{"at": t(4, "12:00"), "by": "Dr E", "reason": "progression"}]))
                     for when in (t(5, "03:30"), t(5, now)))
    line4 = [next(d for d in r.doses if d.line == 4) for r in (before, after)]
    assert [(d.status, d.mg, d.lowered_from_mg) for d in line4] == [("planned", 0, 100), (status, 0, 100)]
    assert "daily_maximum" in after.notices
    # the next line counts line 4 at now: (4 Nov 11:00, 5 Nov 11:00] holds 300 mg given, so 100 mg
    assert next(d for d in after.doses if d.line == 5).mg == 100


def _late_first_dose(now: str):
    """Every 6 hours at 100 mg from 4 Nov 11:00, line 1 given 40 minutes late (within its window):
    the 24 hours up to line 5 (5 Nov 11:00) hold 400 mg until 11:40."""
    return evaluate(fever_case(now=t(5, now), weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 52}],
                               medications=[dose(t(4, "11:40"), 100), dose(t(4, "17:00"), 100),
                                            dose(t(4, "23:00"), 100), dose(t(5, "05:00"), 100)],
                               escalations=[{"at": START, "by": "Dr E", "reason": "progression"}]))


@pytest.mark.parametrize("now", ["10:30", "11:20"])
def test_a_lowered_line_says_from_when_its_full_dose_fits(now):
    """# rules §4 rev 2, found in review: "give nothing on this line and tell the prescriber" was
    said of line 5 while planned and until 11:40, though 100 mg fits its 24 hours from 11:40, well
    within its window. The words say so; the prescriber is asked only when no dose fits before the
    next line."""
    from pacer_desktop.core import wording
    r = _late_first_dose(now)
    line5 = next(d for d in r.doses if d.line == 5)
    assert (line5.mg, line5.lowered_from_mg) == (0, 100)
    said = wording.after_lowered(line5, lambda at: wording.day_time(at, r.timezone))
    assert said == "100 mg fits from 5 Nov 11:40"


def test_a_due_line_whose_dose_fits_by_now_is_not_lowered():
    """# rules §4 rev 2: judged at now (the earliest it can be given), line 5 has room from 11:40."""
    r = _late_first_dose("11:45")
    line5 = next(d for d in r.doses if d.line == 5)
    assert (line5.status, line5.mg, line5.lowered_from_mg) == ("due", 100, None)


def test_recorded_amounts_above_the_typing_guard_are_refused_and_alerts_raised_below_it():
    """# rules §4 rev 2: refused only above the guard; above 100 mg → dose_above_maximum;
    above 110 % of the line's dose → dose_above_calculated."""
    guard = fever_case(now=t(4, "12:00"), medications=[dose(START, 1001)])
    assert any(p.startswith("medications[0].dose_mg") for p in problems(guard))
    big = evaluate(fever_case(now=t(4, "12:00"), medications=[dose(START, 120)]))
    assert {"dose_above_maximum", "dose_above_calculated"} <= set(big.alerts)
    small = evaluate(fever_case(now=t(4, "12:00"), medications=[dose(START, 65)]))  # 59 + 10 % = 64.9
    assert "dose_above_calculated" in small.alerts and "dose_above_maximum" not in small.alerts
    fine = evaluate(fever_case(now=t(4, "12:00"), medications=[dose(START, 64)]))
    assert "dose_above_calculated" not in fine.alerts


# ---- §9 rev 2: unable to perform ---------------------------------------------------------------

def test_ice_unable_to_perform_beside_a_normal_consciousness_is_an_input_error():
    """# rules §9 rev 2: names both fields."""
    c = fever_case(assessments=[assessment(t(5, "09:00"), crs(), icans(tool="ice", ice_score=None,
                                                                        unable_to_perform=True))])
    found = problems(c)
    assert any(p.startswith("assessments[0].icans.unable_to_perform") for p in found)
    assert any(p.startswith("assessments[0].icans.consciousness") for p in found)


def test_ice_unable_to_perform_when_unarousable_is_grade_4():
    c = fever_case(assessments=[assessment(t(5, "09:00"), crs(), icans(tool="ice", ice_score=None,
                                                                        unable_to_perform=True,
                                                                        consciousness="unarousable"))])
    assert evaluate(c).assessments[0].icans_grade == 4


def test_capd_unable_to_perform_is_grade_4_whatever_the_consciousness():
    """# rules §9 rev 2 (ASTCT's table)."""
    c = fever_case(assessments=[assessment(t(5, "09:00"), crs(), icans(tool="capd", ice_score=None,
                                                                        unable_to_perform=True))])
    assert evaluate(c).assessments[0].icans_grade == 4


# ---- §5a rev 2: lines -------------------------------------------------------------------------

def test_lines_are_numbered_and_report_given_at_and_status():
    """# rules §5a rev 2: given, missed, overdue, due, planned; only one line is overdue."""
    c = fever_case(now=t(5, "12:30"), medications=[dose(t(4, "11:20"))])
    assert lines(evaluate(c)) == [(1, "11-04T11:00", "given"), (2, "11-04T23:00", "missed"),
                                  (3, "11-05T11:00", "overdue"), (4, "11-05T23:00", "planned"),
                                  (5, "11-06T11:00", "planned")]
    assert evaluate(c).doses[0].given_at.isoformat() == t(4, "11:20")
    c["now"] = t(5, "11:30")
    assert [s for _, _, s in lines(evaluate(c))][:3] == ["given", "missed", "due"]


def test_a_first_dose_given_11_hours_late_re_times_the_next_12_hours_after_it():
    """# rules §5a rev 2: never 41 minutes after it, as a fixed grid would have it."""
    c = fever_case(now=t(4, "22:30"), medications=[dose(t(4, "22:19"), for_line=1)])  # recorded against line 1
    r = evaluate(c)
    assert lines(r)[:2] == [(1, "11-04T11:00", "given"), (2, "11-05T10:19", "planned")]
    assert r.doses[1].retimed_after_line == 1


def test_a_dose_named_for_its_line_closes_that_line():
    """# rules §5a rev 2 step 1: the bedside records a dose against a chosen line."""
    c = fever_case(now=t(5, "00:30"), medications=[dose(t(5, "00:10"), for_line=2)])
    r = evaluate(c)
    assert lines(r)[:2] == [(1, "11-04T11:00", "missed"), (2, "11-04T23:00", "given")]


def test_naming_a_line_that_does_not_exist_or_is_closed_is_an_input_error():
    """# rules §5a rev 2."""
    c = fever_case(now=t(5, "00:30"), medications=[dose(t(5, "00:10"), for_line=40)])
    assert any(p.startswith("medications[0].for_line") for p in problems(c))
    c = fever_case(now=t(5, "00:30"), medications=[dose(t(4, "11:05"), for_line=1), dose(t(4, "11:30"), for_line=1)])
    assert any(p.startswith("medications[1].for_line") for p in problems(c))


def test_two_anakinra_administrations_at_one_instant_are_an_input_error():
    c = fever_case(now=t(5, "00:30"), medications=[dose(t(4, "11:05")), dose(t(4, "11:05"))])
    assert any(p.startswith("medications[1].at") for p in problems(c))


def test_held_refused_and_omitted_lines_close_without_a_dose_and_re_time_nothing():
    """# rules §5a rev 2."""
    held = {"line": 1, "outcome": "held", "at": t(4, "11:30"), "by": "RN", "reason": "hypotension"}
    c = fever_case(now=t(5, "00:30"), dose_outcomes=[held])
    assert lines(evaluate(c))[:2] == [(1, "11-04T11:00", "held"), (2, "11-04T23:00", "overdue")]
    both = fever_case(now=t(5, "00:30"), dose_outcomes=[held], medications=[dose(t(4, "11:20"), for_line=1)])
    assert problems(both)


def test_an_administration_that_fits_no_line_is_unscheduled():
    """# rules §5a rev 2: kept, counted, and the notice ``unscheduled_dose`` is raised."""
    c = fever_case(now=t(4, "20:00"), medications=[dose(t(4, "09:30")), dose(START)])  # before the course
    r = evaluate(c)
    assert "unscheduled_dose" in r.notices
    assert [u.at.isoformat() for u in r.unscheduled_doses] == [t(4, "09:30")]
    assert lines(r)[0] == (1, "11-04T11:00", "given")


def test_matching_takes_a_late_then_an_early_dose():
    """# rules §5a rev 2 steps 3 and 4."""
    late = fever_case(now=t(5, "06:00"), medications=[dose(t(4, "13:00"))])  # 2 h late for line 1
    assert evaluate(late).doses[0].given_at.isoformat() == t(4, "13:00")
    early = fever_case(now=t(5, "06:00"), medications=[dose(START), dose(t(4, "20:00"))])  # line 2 due 23:00
    r = evaluate(early)
    assert r.doses[1].given_at.isoformat() == t(4, "20:00")
    assert r.doses[2].due.isoformat() == t(5, "08:00")  # re-timed: 12 h after the early dose


def test_the_first_escalated_dose_waits_6_hours_minus_the_window_after_the_last_dose():
    """# rules §5 rev 2: the 08:00 dose given late at 16:00, escalated at 17:00: next at 21:00."""
    c = case(now=t(5, "18:00"), temperatures=[temp(t(5, "04:00"), 38.7), temp(t(5, "08:00"), 38.9)],
             medications=[dose(t(5, "16:00"))],
             escalations=[{"at": t(5, "17:00"), "by": "Dr E", "reason": "progression"}])
    r = evaluate(c)
    assert [d.due.isoformat()[11:16] for d in r.doses][:2] == ["08:00", "21:00"]


def escalated_at_10(now: str, *given: str) -> dict:
    """Doses due 08:00 and 20:00 on 5 Nov; escalated at 10:00; anakinra given at ``given``."""
    return case(now=now, temperatures=[temp(t(5, "04:00"), 38.7), temp(t(5, "08:00"), 38.9)],
                medications=[dose(at) for at in given],
                escalations=[{"at": t(5, "10:00"), "by": "Dr E", "reason": "progression"}])


@pytest.mark.parametrize("given_at, next_due, after", [("12:00", "18:00", "00:00"), ("13:30", "19:30", "01:30")])
def test_a_late_dose_given_after_the_escalation_re_times_the_first_escalated_dose(given_at, next_due, after):
    """# rules §5a rev 2 with §5: the 08:00 dose given late, after an escalation at 10:00. The
    escalation alone puts the next dose at max(E, L + 6 h) = 14:00, but a dose given outside the
    window re-times what follows: the next is one interval (6 h, escalated) after it, never 2 hours
    or 30 minutes after it (the safest reading: the later of the two)."""
    r = evaluate(escalated_at_10(t(5, "13:45"), t(5, given_at)))
    assert r.doses[0].given_at.isoformat() == t(5, given_at)
    assert [d.due.isoformat()[11:16] for d in r.doses][:3] == ["08:00", next_due, after]
    assert r.doses[1].status == "planned"  # nothing is due or overdue at 13:45
    assert r.doses[1].retimed_after_line == 1


def test_a_dose_given_on_time_before_the_escalation_keeps_the_escalated_time():
    """# rules §5: within the window a dose re-times nothing; the next is at max(E, L + 6 h)."""
    r = evaluate(escalated_at_10(t(5, "10:30"), t(5, "08:40")))
    assert [d.due.isoformat()[11:16] for d in r.doses][:3] == ["08:00", "14:00", "20:00"]


def test_before_anakinra_starts_a_named_line_is_refused_and_a_dose_is_unscheduled():
    """# rules §5a rev 2: "Naming a line that does not exist … is an input error"; "An administration
    taken by no line is unscheduled: it is kept … and raises the notice unscheduled_dose". Before
    persistent fever there is no line at all (found in review: exit 0, and the dose nowhere)."""
    named = case(now=t(4, "08:00"), medications=[dose(t(4, "06:00"), for_line=1)])
    assert problems(named) == ["medications[0].for_line: anakinra has not started: there is no line 1"]
    r = evaluate(case(now=t(4, "08:00"), medications=[dose(t(4, "06:00"))]))
    assert r.persistent_fever_at is None and r.doses == ()
    assert "unscheduled_dose" in r.notices
    assert [u.at.isoformat() for u in r.unscheduled_doses] == [t(4, "06:00")]


def test_before_anakinra_starts_a_dose_above_the_maximum_is_still_an_alert():
    """# rules §4 rev 2: dose_above_maximum for any recorded dose above 100 mg (found in review)."""
    r = evaluate(case(now=t(4, "08:00"), medications=[dose(t(4, "06:00"), mg=300)]))
    assert "dose_above_maximum" in r.alerts and "unscheduled_dose" in r.notices
