"""ICANS grade with ICE or CAPD (rules §9)."""

from __future__ import annotations

import pytest

from pacer_desktop import protocols
from pacer_desktop.core.case import IcansInputs
from pacer_desktop.core.errors import CaseError
from pacer_desktop.core.icans import capd_item_points, capd_total, grade_icans, ice_total, tool_for
from tests.core.casebuild import assessment, case, evaluate, icans

P = protocols.load()


def g(tool="ice", **kw):
    return grade_icans(IcansInputs(**kw), tool, P.icans)


@pytest.mark.parametrize("score, expected", [(10, 0), (9, 1), (7, 1), (6, 2), (3, 2), (2, 3), (0, 3)])
def test_ice_score_bands(score, expected):
    assert g(ice_score=score).grade == expected


def test_ice_0_awake_is_grade_3_but_unarousable_is_grade_4():
    assert g(ice_score=0).grade == 3                    # awake with global aphasia
    assert g(ice_score=0, consciousness="unarousable").grade == 4
    assert g(unable_to_perform=True, consciousness="unarousable").grade == 4


@pytest.mark.parametrize("score, expected", [(0, 0), (1, 1), (8, 1), (9, 3), (32, 3)])
def test_capd_score_bands(score, expected):
    assert g("capd", capd_score=score).grade == expected


def test_capd_1_to_8_with_awakening_to_voice_is_grade_2():
    assert g("capd", capd_score=6, consciousness="awakens_to_voice").grade == 2


def test_unable_to_perform_capd_is_grade_4():
    assert g("capd", unable_to_perform=True).grade == 4


@pytest.mark.parametrize("domain, value, expected", [
    ("consciousness", "awakens_spontaneously", 1), ("consciousness", "awakens_to_voice", 2),
    ("consciousness", "awakens_to_tactile", 3), ("consciousness", "unarousable", 4),
    ("seizure", "rapidly_resolving", 3), ("seizure", "prolonged_or_repetitive", 4),
    ("motor", "deep_focal_weakness", 4),
    ("cerebral_edema", "focal", 3), ("cerebral_edema", "diffuse", 4),
])
def test_each_domain_grades(domain, value, expected):
    assert g(ice_score=10, **{domain: value}).grade == expected


def test_sedation_sets_aside_consciousness_and_inability_but_not_seizures():
    sedated = g(sedated=True, consciousness="unarousable", unable_to_perform=True)
    assert sedated.grade == 0 and any("Sedated" in n for n in sedated.notes)
    assert g(sedated=True, seizure="rapidly_resolving").grade == 3


def test_the_reason_names_the_domain():
    assert g(ice_score=5).reason == "ICANS grade 2: ICE 5"
    assert g("capd", capd_score=11).reason == "ICANS grade 3: CAPD 11"


@pytest.mark.parametrize("age, delay, expected", [(11, False, "capd"), (12, False, "ice"), (16, True, "capd"), (None, False, None)])
def test_tool_by_age_and_development(age, delay, expected):
    assert tool_for(age, delay, P.icans) == expected


def test_ice_items_add_up_to_10():
    assert ice_total({"orientation": 4, "naming": 3, "following_commands": 1, "writing": 1, "attention": 1}, P.icans) == 10
    with pytest.raises(ValueError):
        ice_total({"orientation": 5, "naming": 3, "following_commands": 1, "writing": 1, "attention": 0}, P.icans)


def test_capd_items_1_to_4_are_reverse_scored():
    assert capd_item_points(1, 0, P.icans) == 4   # eye contact: never → 4
    assert capd_item_points(4, 4, P.icans) == 0   # communicates: always → 0
    assert capd_item_points(5, 0, P.icans) == 0   # restless: never → 0
    assert capd_item_points(8, 4, P.icans) == 4
    assert capd_total([4, 4, 4, 4, 0, 0, 0, 0], P.icans) == 0      # a well child
    assert capd_total([0, 0, 0, 0, 4, 4, 4, 4], P.icans) == 32
    assert capd_total([3, 4, 4, 4, 0, 0, 0, 1], P.icans) == 2


def test_the_tool_follows_age_on_each_assessment_date():
    """A child turning 12 moves from CAPD to ICE on the birthday (completed years)."""
    c = case(now="2026-11-06T08:00:00-06:00",
             patient={"date_of_birth": "2014-11-05", "sex_at_birth": "male", "developmental_delay": False},
             assessments=[assessment("2026-11-04T08:00:00-06:00", None, icans(ice_score=None, capd_score=0)),
                          assessment("2026-11-05T08:00:00-06:00", None, icans(ice_score=10))])
    assert [a.icans_tool for a in evaluate(c).assessments] == ["capd", "ice"]


def test_a_missing_score_is_an_input_error_not_a_zero():
    c = case(assessments=[assessment("2026-11-04T08:00:00-06:00", None, icans(ice_score=None))])
    with pytest.raises(CaseError) as err:
        evaluate(c)
    assert err.value.problems[0].field == "assessments[0].icans.ice_score"


def test_a_missing_score_is_fine_when_sedated_or_unable():
    # §9 rev 2: for ICE, unable to perform goes with an unarousable patient
    for kw in ({"sedated": True}, {"unable_to_perform": True, "consciousness": "unarousable"}):
        evaluate(case(assessments=[assessment("2026-11-04T08:00:00-06:00", None, icans(ice_score=None, **kw))]))


def test_the_user_may_override_the_tool():
    c = case(assessments=[assessment("2026-11-04T08:00:00-06:00", None,
                                     icans(tool="capd", ice_score=None, capd_score=3))])
    a = evaluate(c).assessments[0]
    assert (a.icans_tool, a.icans_grade) == ("capd", 1)
    assert any("chosen by the user" in n for n in a.notes)


def test_scores_out_of_range_are_refused():
    with pytest.raises(CaseError) as err:
        evaluate(case(assessments=[assessment("2026-11-04T08:00:00-06:00", None, icans(ice_score=11))]))
    assert str(err.value.problems[0]) == "assessments[0].icans.ice_score: 11 is outside 0–10"
