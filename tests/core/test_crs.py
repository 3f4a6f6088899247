"""CRS grade, fever waiver and the escalation prompts (rules §7, §8)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pacer_desktop import protocols
from pacer_desktop.core.case import CrsInputs
from pacer_desktop.core.caseio import parse_case
from pacer_desktop.core.crs import grade_crs, oxygen_class
from pacer_desktop.core.errors import CaseError
from pacer_desktop.evaluation import evaluate_case
from tests.core.casebuild import assessment, case, crs, evaluate, icans, temp

P = protocols.load()


def grade(hypotension="none", device="none", flow=None, fever=True, waived=False):
    inputs = CrsInputs(hypotension=hypotension, oxygen_device=device,
                       oxygen_flow_l_min=None if flow is None else Decimal(str(flow)))
    return grade_crs(inputs, fever, waived, P.crs)


@pytest.mark.parametrize("device, flow, expected", [
    ("none", None, "none"),
    ("nasal_cannula", 6, "low_flow"),
    ("nasal_cannula", 6.5, "high_flow"),
    ("high_flow_nasal_cannula", 5, "low_flow"),   # heated high-flow at <= 6 L/min is low-flow
    ("high_flow_nasal_cannula", 7, "high_flow"),
    ("blow_by", None, "low_flow"),
    ("face_mask", None, "high_flow"),
    ("non_rebreather", None, "high_flow"),
    ("venturi_mask", None, "high_flow"),
    ("cpap", None, "positive_pressure"),
    ("bipap", None, "positive_pressure"),
    ("mechanical_ventilation", None, "positive_pressure"),
])
def test_oxygen_classes(device, flow, expected):
    # rules §8
    inputs = CrsInputs(hypotension="none", oxygen_device=device,
                       oxygen_flow_l_min=None if flow is None else Decimal(str(flow)))
    assert oxygen_class(inputs, P.crs) == expected


def test_heated_high_flow_at_5_l_min_is_grade_2_and_says_why():
    g = grade(device="high_flow_nasal_cannula", flow=5)
    assert g.grade == 2
    assert any("low-flow" in n and "6 L/min" in n for n in g.notes)


def test_heated_high_flow_at_7_l_min_is_grade_3():
    assert grade(device="high_flow_nasal_cannula", flow=7).grade == 3


@pytest.mark.parametrize("hypotension, device, expected, reason", [
    ("none", "none", 1, "CRS grade 1: fever without hypotension or hypoxia"),
    ("no_vasopressor", "none", 2, "CRS grade 2: hypotension not requiring vasopressors"),
    ("one_vasopressor", "none", 3, "CRS grade 3: one vasopressor"),
    ("multiple_vasopressors", "none", 4, "CRS grade 4: multiple vasopressors"),
    ("none", "cpap", 4, "CRS grade 4: positive pressure ventilation (CPAP)"),
    ("one_vasopressor", "face_mask", 3, "CRS grade 3: one vasopressor and high-flow oxygen (face mask)"),
    ("no_vasopressor", "bipap", 4, "CRS grade 4: positive pressure ventilation (BiPAP)"),
])
def test_grade_is_the_worse_row_and_is_explained(hypotension, device, expected, reason):
    g = grade(hypotension, device)
    assert (g.grade, g.reason) == (expected, reason)


def test_without_fever_hypotension_alone_is_not_crs_and_says_so():
    g = grade("one_vasopressor", fever=False)
    assert g.grade == 0
    assert any("not CRS" in n for n in g.notes)


def test_waived_fever_keeps_the_grade():
    assert grade("one_vasopressor", fever=False, waived=True).grade == 3
    assert grade("none", fever=False, waived=True).grade == 0


def test_a_nasal_cannula_without_flow_is_an_input_error():
    with pytest.raises(CaseError) as err:
        evaluate(case(assessments=[assessment("2026-11-04T07:00:00-06:00", crs(device="nasal_cannula"), None)]))
    assert err.value.problems[0].field == "assessments[0].crs.oxygen_flow_l_min"


FEVER = [temp("2026-11-04T07:00:00-06:00", 38.7), temp("2026-11-04T11:00:00-06:00", 38.9)]


def test_fever_is_waived_only_after_crs_onset_and_a_recorded_treatment():
    """Waived at 12:00 (anakinra at 11:10 after onset at 11:00); not at 11:00 (dose not yet given)."""
    c = case(now="2026-11-06T08:00:00-06:00", temperatures=FEVER,
             assessments=[assessment("2026-11-04T11:00:00-06:00", crs(), None),
                          assessment("2026-11-06T07:00:00-06:00", crs("no_vasopressor"), None)],
             medications=[{"at": "2026-11-04T11:10:00-06:00", "drug": "anakinra", "dose_mg": 59}])
    a = evaluate(c).assessments
    assert (a[0].crs_grade, a[0].fever_waived) == (1, False)
    assert (a[1].crs_grade, a[1].fever_waived) == (2, True)  # no fever in 24 h, waived


def test_treatment_before_crs_onset_does_not_waive_fever():
    c = case(now="2026-11-06T08:00:00-06:00", temperatures=FEVER,
             assessments=[assessment("2026-11-06T07:00:00-06:00", crs("no_vasopressor"), None)],
             medications=[{"at": "2026-11-04T06:00:00-06:00", "drug": "acetaminophen", "dose_mg": 300}])
    a = evaluate(c).assessments[0]
    assert (a.crs_grade, a.fever_waived) == (0, False)


def test_an_antipyretic_after_a_grade_1_assessment_waives_fever():
    c = case(now="2026-11-06T08:00:00-06:00", temperatures=[temp("2026-11-04T07:00:00-06:00", 38.2)],
             assessments=[assessment("2026-11-04T08:00:00-06:00", crs(), None),
                          assessment("2026-11-05T12:00:00-06:00", crs("one_vasopressor"), None)],
             medications=[{"at": "2026-11-04T09:00:00-06:00", "drug": "ibuprofen", "dose_mg": 200}])
    a = evaluate(c).assessments
    assert a[0].crs_grade == 1
    assert (a[1].crs_grade, a[1].fever_waived) == (3, True)


def test_crs_fever_window_is_24_hours_inclusive_at_38_0():
    def graded(reading_at, value):
        c = case(temperatures=[temp(reading_at, value)],
                 assessments=[assessment("2026-11-05T07:00:00-06:00", crs(), None)])
        return evaluate(c).assessments[0].crs_grade
    assert graded("2026-11-04T07:00:00-06:00", 38.0) == 1      # exactly 24 h before, 38.0 °C
    assert graded("2026-11-04T06:59:00-06:00", 38.0) == 0
    assert graded("2026-11-04T07:00:00-06:00", 37.99) == 0


# --- alerts (rules §7) -------------------------------------------------------------------------

def test_consider_escalation_on_progression():
    c = case(now="2026-11-04T20:00:00-06:00", temperatures=FEVER,
             assessments=[assessment("2026-11-04T11:00:00-06:00", crs(), None),
                          assessment("2026-11-04T19:00:00-06:00", crs("no_vasopressor"), None)])
    assert "consider_escalation" in evaluate(c).alerts


def test_consider_escalation_on_persistence_from_24_hours():
    def alerts(assessed_at):
        c = case(now="2026-11-05T12:00:00-06:00",
                 temperatures=FEVER + [temp("2026-11-05T09:00:00-06:00", 38.3)],
                 assessments=[assessment("2026-11-04T11:00:00-06:00", crs(), None),
                              assessment(assessed_at, crs(), None)])
        return evaluate(c).alerts
    assert "consider_escalation" in alerts("2026-11-05T11:00:00-06:00")     # 24 h after start, grade 1
    assert "consider_escalation" not in alerts("2026-11-05T10:59:00-06:00")


def test_standard_of_care_when_worse_after_escalation():
    c = case(now="2026-11-05T08:00:00-06:00", temperatures=FEVER,
             assessments=[assessment("2026-11-04T11:00:00-06:00", crs("no_vasopressor"), None),
                          assessment("2026-11-04T20:00:00-06:00", crs("one_vasopressor"), None)],
             escalations=[{"at": "2026-11-04T12:00:00-06:00", "by": "Dr A", "reason": "progression"}])
    r = evaluate(c)
    assert r.alerts == ("standard_of_care",)


def test_no_prompt_when_not_worse_after_escalation():
    c = case(now="2026-11-05T08:00:00-06:00", temperatures=FEVER,
             assessments=[assessment("2026-11-04T11:00:00-06:00", crs("no_vasopressor"), None)],
             escalations=[{"at": "2026-11-04T12:00:00-06:00", "by": "Dr A", "reason": "progression"}])
    assert evaluate(c).alerts == ()


def test_daily_max_uses_assessed_grades_only():
    c = case(now="2026-11-06T08:00:00-06:00", temperatures=FEVER,
             assessments=[assessment("2026-11-04T11:00:00-06:00", crs(), icans(ice_score=8)),
                          assessment("2026-11-05T11:01:00-06:00", crs(), None)])  # 24 h 1 min: no fever
    days = {d.day: (d.crs_grade, d.icans_grade) for d in evaluate(c).daily_max}
    assert days == {0: (0, 0), 1: (1, 1), 2: (0, 0), 3: (0, 0)}


def test_an_assessment_after_now_is_an_input_error_in_a_case_file_too():
    """§2 rev 2 (replaces the reading that later assessments were allowed in a case file)."""
    c = case(now="2026-11-04T20:00:00-06:00", temperatures=FEVER,
             assessments=[assessment("2026-11-04T11:00:00-06:00", crs(), None),
                          assessment("2026-11-04T23:00:00-06:00", crs("no_vasopressor"), None)])
    with pytest.raises(CaseError) as err:
        evaluate(c)
    assert [p.field for p in err.value.problems] == ["assessments[1].at"]


def test_at_the_bedside_and_in_a_file_every_entry_after_now_is_refused():
    c = parse_case(json.dumps(case(now="2026-11-04T20:00:00-06:00", temperatures=FEVER,
                                   assessments=[assessment("2026-11-04T20:06:00-06:00", crs(), None)])))
    for bedside in (False, True):
        with pytest.raises(CaseError) as err:
            evaluate_case(c, bedside=bedside)
        assert err.value.problems[0].field == "assessments[0].at"


def test_persistence_counts_the_crs_grade_an_icans_only_assessment_carries():
    """§7 judges the latest assessment; one of ICANS alone carries the last CRS grade forward (as
    for resolution, §6). Start 11:00 with CRS 1; CRS assessed again at 23 h, then a neuro check
    of ICANS alone at 25 h: the CRS grade it carries decides the persistence prompt."""
    def alerts(crs_again_at):
        c = case(now="2026-11-05T13:00:00-06:00", temperatures=FEVER,
                 assessments=[assessment("2026-11-04T11:00:00-06:00", crs(), None),
                              assessment(crs_again_at, crs(), None),
                              assessment("2026-11-05T12:00:00-06:00", None, icans())])  # 25 h, ICANS only
        return evaluate(c).alerts
    assert "consider_escalation" in alerts("2026-11-05T10:00:00-06:00")  # fever 23 h before: CRS 1, carried
    assert "consider_escalation" not in alerts("2026-11-05T11:30:00-06:00")  # no fever in 24 h: CRS 0


@pytest.mark.parametrize("worse_first", [True, False])
def test_assessments_at_one_instant_count_the_worse_grade_whatever_their_order(worse_first):
    """Two assessments at the same instant have no "latest" between them (§6, §7): the list order
    must not decide, and the worse grade is current. CRS 2 beside CRS 1 at 20:00, after CRS 1
    at the start: progression, whichever is listed last."""
    same = "2026-11-04T20:00:00-06:00"
    pair = [assessment(same, crs("no_vasopressor"), None), assessment(same, crs(), None)]
    c = case(now="2026-11-04T21:00:00-06:00", temperatures=FEVER,
             assessments=[assessment("2026-11-04T11:00:00-06:00", crs(), None),
                          *(pair if worse_first else pair[::-1])])
    r = evaluate(c)
    assert [a.crs_grade for a in r.assessments[1:]] == [2, 1]  # each its own grade, in one order (§7 rev 2)
    assert r.alerts == ("consider_escalation",)


@pytest.mark.parametrize("worse_first", [True, False])
def test_icans_at_one_instant_blocks_resolution_whatever_the_order(worse_first):
    """ICANS 1 (ICE 8) and a CRS and ICANS 0 at one instant: ICANS is not resolved there, nor by a
    later assessment of CRS alone, which carries ICANS forward (§6)."""
    same = "2026-11-06T12:00:00-06:00"
    pair = [assessment(same, None, icans(ice_score=8)), assessment(same, crs(), icans())]
    c = case(now="2026-11-09T08:00:00-06:00", temperatures=FEVER,
             assessments=[*(pair if worse_first else pair[::-1]),
                          assessment("2026-11-06T18:00:00-06:00", crs(), None)])  # ICANS 1 carried forward
    assert evaluate(c).resolved_at is None
