"""Eligibility: every boundary and every missing case (rules §10)."""

from __future__ import annotations

import pytest

from pacer_desktop.core.eligibility import CRITERION_IDS
from tests.core.casebuild import case, evaluate

GOOD = {
    "assessed_on": "2026-10-20", "consent_signed_on": "2026-10-18",
    "relapsed_or_refractory_b_all": True, "disease_categories": ["second_marrow_relapse"],
    "hsct_ineligibility_reason": None, "cd19_documented": True,
    "alt_u_l": 45, "bilirubin_mg_dl": 0.8, "creatinine_mg_dl": 0.5,
    "spo2_room_air_pct": 98, "dyspnea_grade": 0, "dlco_pct": None,
    "lv_shortening_fraction_pct": 34, "ejection_fraction_pct": None, "cardiac_function_documented": False,
    "marrow_blasts_pct": 12, "peripheral_blasts": False, "disease_assessed_on": "2026-10-10",
    "lymphodepletion_start_on": "2026-10-22", "product": "tisagenlecleucel",
    "childbearing_potential": True, "pregnancy_test": "negative",
    "reproductive_potential": True, "contraception_agreed": True,
}


def judge(dob="2014-01-01", sex="female", **changes):
    e = dict(GOOD, **changes)
    c = case(now="2026-10-20T15:00:00-05:00", infusion_at=None, weights=[],
             patient={"date_of_birth": dob, "sex_at_birth": sex, "developmental_delay": False}, eligibility=e)
    return evaluate(c).eligibility


def status(cid, **kw):
    return next(c.status for c in judge(**kw).criteria if c.id == cid)


def test_all_met_is_eligible_and_lists_all_thirteen_in_order():
    result = judge()
    assert result.verdict == "eligible"
    assert tuple(c.id for c in result.criteria) == CRITERION_IDS
    assert "25" in result.age_note


def test_not_met_wins_over_missing():
    result = judge(alt_u_l=500, pregnancy_test=None)
    assert result.verdict == "not_eligible" and result.behind_verdict == ("alt",)


def test_missing_gives_incomplete_naming_the_criteria():
    result = judge(cd19_documented=None, product=None)
    assert result.verdict == "incomplete" and result.behind_verdict == ("cd19", "product")


@pytest.mark.parametrize("signed, expected", [("2026-10-20", "met"), ("2026-10-21", "not_met"), (None, "missing")])
def test_consent_on_or_before_the_assessment(signed, expected):
    assert status("consent", consent_signed_on=signed) == expected


@pytest.mark.parametrize("dob, expected", [
    ("2025-10-20", "met"),      # 1 on the day
    ("2025-10-21", "not_met"),  # 0 years
    ("2001-10-21", "met"),      # 24, turns 25 tomorrow
    ("2001-10-20", "met"),      # 25 today
    ("2000-10-21", "met"),      # 25, turns 26 tomorrow
    ("2000-10-20", "not_met"),  # 26 today
    (None, "missing"),
])
def test_age_1_to_25_completed_years(dob, expected):
    assert status("age", dob=dob) == expected


@pytest.mark.parametrize("changes, expected", [
    ({}, "met"),
    ({"relapsed_or_refractory_b_all": False}, "not_met"),
    ({"relapsed_or_refractory_b_all": None}, "missing"),
    ({"disease_categories": []}, "not_met"),
    ({"disease_categories": None}, "missing"),
    ({"disease_categories": ["hsct_ineligible"]}, "missing"),
    ({"disease_categories": ["hsct_ineligible"], "hsct_ineligibility_reason": "prior_hsct"}, "met"),
    ({"disease_categories": ["hsct_ineligible", "cns_relapse"]}, "met"),
    ({"relapsed_or_refractory_b_all": False, "disease_categories": None}, "not_met"),
])
def test_diagnosis(changes, expected):
    assert status("diagnosis", **changes) == expected


@pytest.mark.parametrize("value, expected", [(True, "met"), (False, "not_met"), (None, "missing")])
def test_cd19(value, expected):
    assert status("cd19", cd19_documented=value) == expected


@pytest.mark.parametrize("alt, expected", [(499.9, "met"), (500, "not_met"), (None, "missing")])
def test_alt_below_500(alt, expected):
    assert status("alt", alt_u_l=alt) == expected


@pytest.mark.parametrize("bili, expected", [(2.0, "met"), (2.01, "not_met"), (None, "missing")])
def test_bilirubin_at_most_2(bili, expected):
    assert status("bilirubin", bilirubin_mg_dl=bili) == expected


@pytest.mark.parametrize("changes, expected", [
    ({"dyspnea_grade": 1}, "met"), ({"dyspnea_grade": 2}, "not_met"), ({"dyspnea_grade": None}, "missing"),
    ({"spo2_room_air_pct": 92}, "not_met"), ({"spo2_room_air_pct": 92.1}, "met"),
    ({"spo2_room_air_pct": None}, "missing"),
    ({"dlco_pct": 40}, "met"), ({"dlco_pct": 39.9}, "not_met"), ({"dlco_pct": None}, "met"),  # not done
    ({"dlco_pct": 38, "spo2_room_air_pct": None}, "not_met"),  # an entered failing part wins over missing
])
def test_pulmonary(changes, expected):
    assert status("pulmonary", **changes) == expected


@pytest.mark.parametrize("sf, ef, documented, expected", [
    (28, None, False, "met"), (27.9, None, False, "not_met"),
    (None, 40, False, "met"), (None, 39, False, "not_met"),
    (20, 45, False, "met"),
    (None, None, True, "met"), (20, None, True, "met"),
    (None, None, False, "missing"), (None, None, None, "missing"),
])
def test_cardiac_either_measure_or_documentation(sf, ef, documented, expected):
    assert status("cardiac", lv_shortening_fraction_pct=sf, ejection_fraction_pct=ef,
                  cardiac_function_documented=documented) == expected


@pytest.mark.parametrize("dob, sex, value, expected", [
    ("2025-01-01", "female", 0.6, "met"), ("2025-01-01", "female", 0.61, "not_met"),    # 1 y
    ("2024-01-01", "male", 0.8, "met"), ("2021-01-01", "male", 0.81, "not_met"),        # 2 y, 5 y
    ("2020-01-01", "male", 1.0, "met"), ("2017-01-01", "female", 1.01, "not_met"),      # 6 y, 9 y
    ("2016-01-01", "male", 1.2, "met"), ("2014-01-01", "female", 1.21, "not_met"),      # 10 y, 12 y
    ("2013-01-01", "male", 1.5, "met"), ("2011-01-01", "female", 1.41, "not_met"),      # 13 y, 15 y
    ("2010-01-01", "male", 1.7, "met"), ("2001-01-01", "male", 1.71, "not_met"),        # 16 y, 25 y
    ("2010-01-01", "female", 1.4, "met"), ("2010-01-01", "female", 1.41, "not_met"),
    ("2010-01-01", None, 1.0, "missing"),  # 16 y: the limit depends on sex
    ("2010-01-01", None, 1.7, "missing"),  # within the male limit: sex decides
    ("2010-01-01", None, 1.71, "not_met"),  # above the limit of either sex: fails, sex or not
    ("2016-01-01", None, 1.0, "met"),      # 10 y: the same limit for both
    (None, "male", 0.5, "missing"),
    (None, "male", 1.7, "missing"), (None, "male", 1.71, "not_met"),  # above every age's maximum
])
def test_creatinine_by_age_and_sex(dob, sex, value, expected):
    assert status("creatinine", dob=dob, sex=sex, creatinine_mg_dl=value) == expected


def test_creatinine_missing_when_not_entered():
    assert status("creatinine", creatinine_mg_dl=None) == "missing"


@pytest.mark.parametrize("changes, expected", [
    ({"marrow_blasts_pct": 5}, "met"), ({"marrow_blasts_pct": 4.9}, "not_met"),
    ({"marrow_blasts_pct": 1, "peripheral_blasts": True}, "met"),
    ({"marrow_blasts_pct": None, "peripheral_blasts": None}, "missing"),
    ({"disease_assessed_on": "2026-10-08"}, "met"),       # 14 days before lymphodepletion
    ({"disease_assessed_on": "2026-10-07"}, "not_met"),   # 15 days
    ({"disease_assessed_on": "2026-10-22"}, "met"),       # on the day
    ({"disease_assessed_on": "2026-10-23"}, "not_met"),   # after it started
    ({"disease_assessed_on": None}, "missing"),
    ({"lymphodepletion_start_on": None}, "missing"),
])
def test_disease_burden_within_14_days(changes, expected):
    assert status("disease_burden", **changes) == expected


@pytest.mark.parametrize("product, expected", [("tisagenlecleucel", "met"), ("axicabtagene", "not_met"), (None, "missing")])
def test_product(product, expected):
    assert status("product", product=product) == expected


@pytest.mark.parametrize("potential, test, expected", [
    (False, None, "met"), (True, "negative", "met"), (True, "positive", "not_met"),
    (True, None, "missing"), (None, "negative", "missing"),
    # a positive test fails whatever else is entered (a pregnant patient has child-bearing potential)
    (None, "positive", "not_met"), (False, "positive", "not_met"),
])
def test_pregnancy(potential, test, expected):
    assert status("pregnancy", childbearing_potential=potential, pregnancy_test=test) == expected


@pytest.mark.parametrize("potential, agreed, expected", [
    (False, None, "met"), (True, True, "met"), (True, False, "not_met"), (True, None, "missing"), (None, True, "missing"),
    (None, False, "not_met"), (False, False, "met"),  # a refusal fails unless "no reproductive potential"
])
def test_contraception(potential, agreed, expected):
    assert status("contraception", reproductive_potential=potential, contraception_agreed=agreed) == expected


def test_every_criterion_has_a_readable_detail():
    assert all(c.detail for c in judge().criteria)
    assert next(c.detail for c in judge(creatinine_mg_dl=1.45, dob="2012-06-30").criteria if c.id == "creatinine") == \
        "creatinine 1.45 mg/dL (maximum 1.4 mg/dL for female, 14 years)"
