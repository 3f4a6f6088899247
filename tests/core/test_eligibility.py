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
    "spo2_room_air_pct": 98, "dyspnea_grade": 0, "dlco_pct": "not_done",  # rules §10 rev 2
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
    ({"dlco_pct": 40}, "met"), ({"dlco_pct": 39.9}, "not_met"),
    ({"dlco_pct": "not_done"}, "met"), ({"dlco_pct": None}, "missing"),  # rules §10 rev 2
    ({"dlco_pct": 38, "spo2_room_air_pct": None}, "not_met"),  # an entered failing part wins over missing
])
def test_pulmonary(changes, expected):
    assert status("pulmonary", **changes) == expected


@pytest.mark.parametrize("sf, ef, documented, expected", [
    (28, None, False, "met"), (27.9, None, False, "missing"),  # rules §10 rev 2: EF may pass
    (None, 40, False, "met"), (None, 39, False, "missing"),    # rules §10 rev 2: SF may pass
    (27.9, 39, False, "not_met"),
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


@pytest.mark.parametrize("product, expected", [("tisagenlecleucel", "met"), ("other", "not_met"), (None, "missing")])
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


# ---- rules §10 rev 2 ---------------------------------------------------------------------------

def criterion(cid, **kw):
    return next(c for c in judge(**kw).criteria if c.id == cid)




def test_dlco_not_done_is_entered_explicitly_and_met():
    # rules §10 rev 2: "not done" is entered explicitly
    c = criterion("pulmonary", dlco_pct="not_done")
    assert c.status == "met" and "DLCO not done" in c.detail


def test_dlco_empty_is_missing():
    # rules §10 rev 2: an empty DLCO is missing (no longer read as "not done")
    c = criterion("pulmonary", dlco_pct=None)
    assert c.status == "missing" and "DLCO not entered" in c.detail


@pytest.mark.parametrize("dlco, expected", [(40, "met"), (39.9, "not_met"), ("not_done", "met"), (None, "missing")])
def test_dlco_number_not_done_or_missing(dlco, expected):
    # rules §10 rev 2: a number, "not_done", or null (missing)
    assert status("pulmonary", dlco_pct=dlco) == expected


@pytest.mark.parametrize("product, expected", [("tisagenlecleucel", "met"), ("other", "not_met"), (None, "missing")])
def test_product_is_a_choice(product, expected):
    # rules §10 rev 2: a choice, not free text: tisagenlecleucel, or another product
    c = criterion("product", product=product)
    assert c.status == expected
    if product == "tisagenlecleucel":
        assert c.detail == "tisagenlecleucel (Kymriah), commercial"


@pytest.mark.parametrize("text", ["Kymriah", "axicabtagene", "", "TISAGENLECLEUCEL"])
def test_product_free_text_in_a_case_file_is_refused_naming_the_field(text):
    # rules §10 rev 2, case-format rev 2: product is tisagenlecleucel | other | null
    from pacer_desktop.core.errors import CaseError
    with pytest.raises(CaseError) as info:
        judge(product=text)
    assert [p.field for p in info.value.problems] == ["eligibility.product"]
    assert "'tisagenlecleucel' or 'other'" in info.value.problems[0].message


@pytest.mark.parametrize("sf, ef, documented, expected", [
    (27, None, False, "missing"),   # the ejection fraction may pass
    (27, 39, None, "missing"),      # documentation not entered may pass
    (None, 39, False, "missing"),
    (27, 39, False, "not_met"),     # every alternative entered and failing
    (28, None, None, "met"), (None, 40, None, "met"), (None, None, True, "met"), (27, 39, True, "met"),
])
def test_cardiac_alternatives_not_met_only_when_every_one_fails(sf, ef, documented, expected):
    # rules §10 rev 2: alternatives are not_met only when every alternative is entered and fails
    assert status("cardiac", lv_shortening_fraction_pct=sf, ejection_fraction_pct=ef,
                  cardiac_function_documented=documented) == expected


@pytest.mark.parametrize("marrow, peripheral, expected", [
    (4.9, None, "missing"),    # peripheral blasts not entered may pass
    (None, False, "missing"),  # marrow blasts not entered may pass
    (4.9, False, "not_met"), (5, None, "met"), (None, True, "met"), (None, None, "missing"),
])
def test_disease_burden_alternatives_not_met_only_when_both_fail(marrow, peripheral, expected):
    # rules §10 rev 2: alternatives are not_met only when every alternative is entered and fails
    assert status("disease_burden", marrow_blasts_pct=marrow, peripheral_blasts=peripheral) == expected


@pytest.mark.parametrize("sex, value", [("female", 0.2), ("male", 0.2), (None, 0.2), ("female", None)])
def test_creatinine_under_1_year_is_not_met_with_the_reason(sex, value):
    # rules §10 rev 2: for an age the table does not cover (under 1 year) creatinine is not_met
    c = criterion("creatinine", dob="2026-01-01", sex=sex, creatinine_mg_dl=value)
    assert c.status == "not_met"
    assert "no maximum for under 1 year" in c.detail


@pytest.mark.parametrize("assessed, expected", [
    ("2026-10-08", "met"),      # LD − 14 days: included
    ("2026-10-07", "not_met"),  # LD − 15 days
    ("2026-10-22", "met"),      # LD itself: included
    ("2026-10-23", "not_met"),  # after LD
])
def test_disease_burden_window_includes_both_ends(assessed, expected):
    # rules §10 rev 2: the window is LD − 14 days to LD, both days included (already so: no xfail)
    assert status("disease_burden", disease_assessed_on=assessed, lymphodepletion_start_on="2026-10-22") == expected


@pytest.mark.parametrize("on, years", [("2026-02-28", 17), ("2026-03-01", 18), ("2028-02-28", 19),
                                       ("2028-02-29", 20)])
def test_born_on_29_february_has_a_birthday_on_1_march_in_other_years(on, years):
    # rules §10 rev 2: completed years (already so: no xfail)
    from datetime import date

    from pacer_desktop.core.timeutil import completed_years
    assert completed_years(date(2008, 2, 29), date.fromisoformat(on)) == years


@pytest.mark.parametrize("assessed, expected", [("2026-02-28", "met"), ("2026-03-01", "not_met")])
def test_age_bound_for_someone_born_on_29_february(assessed, expected):
    # rules §10 rev 2: 25 completed years until 28 February, 26 on 1 March (already so: no xfail)
    assert status("age", dob="2000-02-29", assessed_on=assessed, consent_signed_on="2026-02-01") == expected


def test_schema_describes_product_and_dlco_as_rev_2():
    # rules §10 rev 2, case-format rev 2: product tisagenlecleucel | other | null; dlco a number,
    # "not_done" or null
    import json

    from pacer_desktop.cli import main
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["schema"]) == 0
    schema = json.loads(out.getvalue())
    props = schema["$defs"]["EligibilityInputs"]["properties"]

    def options(prop):
        return prop.get("anyOf", [prop])

    product = options(props["product"])
    assert {"enum": ["tisagenlecleucel", "other"], "type": "string"} in product
    assert {"type": "null"} in product and len(product) == 2  # no free text
    dlco = options(props["dlco_pct"])
    assert {"const": "not_done", "type": "string"} in dlco
    assert {"type": "null"} in dlco
    assert {"type": "number"} in dlco


def test_criterion_details_write_dates_as_every_other_date_is_written():
    """Issue 16 (one wording): the checklist said "Assessed on 20 Oct 2026" above "signed
    2026-10-18"; a date in a criterion's detail is written by wording.full_date like all others."""
    details = {c.id: c.detail for c in judge().criteria}
    assert details["consent"] == "signed 18 Oct 2026"
    assert details["disease_burden"].endswith("assessed 10 Oct 2026, 12 days before lymphodepletion (window 14 days)")
    late = {c.id: c.detail for c in judge(consent_signed_on="2026-10-21").criteria}
    assert late["consent"] == "signed 21 Oct 2026, after the assessment date 20 Oct 2026"
    after = {c.id: c.detail for c in judge(disease_assessed_on="2026-10-23").criteria}
    assert after["disease_burden"].endswith("assessed 23 Oct 2026, after lymphodepletion started")


# ---- wording and dates found in review (rules §10) ------------------------------------------------

def test_a_date_of_birth_after_the_assessment_is_refused_naming_both_fields():
    """Born 21 Oct, assessed 20 Oct: the age criterion read "-1 years" and creatinine "age -1"."""
    from pacer_desktop.core.errors import CaseError
    e = dict(GOOD, assessed_on="2026-10-20")
    c = case(now="2026-10-22T15:00:00-05:00", infusion_at=None, weights=[],
             patient={"date_of_birth": "2026-10-21", "sex_at_birth": "female", "developmental_delay": False},
             eligibility=e)
    with pytest.raises(CaseError) as err:
        evaluate(c)
    [problem] = err.value.problems
    assert problem.field == "patient.date_of_birth" and "eligibility.assessed_on" in problem.message


@pytest.mark.parametrize(("cid", "changes", "detail"), [
    ("alt", {"alt_u_l": None}, "ALT not entered"),
    ("bilirubin", {"bilirubin_mg_dl": None}, "bilirubin not entered"),
    ("cd19", {"cd19_documented": None}, "CD19 expression not entered"),
    ("creatinine", {"creatinine_mg_dl": 0.6, "dob": "2025-06-30"}, "creatinine 0.6 mg/dL (maximum 0.6 mg/dL for female, 1 year)"),
])
def test_each_detail_names_its_field_and_says_one_year_in_the_singular(cid, changes, detail):
    assert criterion(cid, **changes).detail == detail


@pytest.mark.parametrize(("assessed", "words"), [
    ("2026-10-21", "assessed 21 Oct 2026, 1 day before lymphodepletion"),
    ("2026-10-22", "assessed 22 Oct 2026, the day lymphodepletion started"),
])
def test_the_disease_assessment_s_day_is_said_in_plain_words(assessed, words):
    assert words in criterion("disease_burden", disease_assessed_on=assessed).detail


def test_contraception_names_anakinra_whether_agreed_or_not():
    assert "after the last anakinra dose" in criterion("contraception", contraception_agreed=False).detail


@pytest.mark.parametrize("dlco", [100.5, 120, 160])
def test_dlco_above_100_percent_of_predicted_is_a_result_not_an_input_error(dlco):
    # rules §10: "DLCO >= 40 %" of the predicted value, with no upper limit; a DLCO above the
    # predicted value is a real result (a large lung volume, polycythaemia, blood in the airways)
    c = criterion("pulmonary", dlco_pct=dlco)
    assert c.status == "met" and f"DLCO {dlco} %" in c.detail


@pytest.mark.parametrize("name", ["spo2_room_air_pct", "lv_shortening_fraction_pct", "ejection_fraction_pct",
                                  "marrow_blasts_pct", "dlco_pct"])
def test_a_percentage_below_0_is_refused_naming_the_field(name):
    from pacer_desktop.core.errors import CaseError
    with pytest.raises(CaseError) as info:
        judge(**{name: -1})
    assert [p.field for p in info.value.problems] == [f"eligibility.{name}"]


@pytest.mark.parametrize("name", ["spo2_room_air_pct", "lv_shortening_fraction_pct", "ejection_fraction_pct",
                                  "marrow_blasts_pct"])
def test_a_fraction_of_a_whole_above_100_percent_is_refused_naming_the_field(name):
    from pacer_desktop.core.errors import CaseError
    with pytest.raises(CaseError) as info:
        judge(**{name: 100.5})
    assert [str(p) for p in info.value.problems] == [f"eligibility.{name}: 100.5 % is outside 0–100 %"]
