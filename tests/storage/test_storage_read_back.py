"""Stored inputs read back with the models' own constructors equal what pydantic reads (the same
values of the same types); a row that does not fit its constructor goes through pydantic, which
names the problem (records._parse)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from pacer_desktop.core.case import CrsInputs, EligibilityInputs, IcansInputs
from pacer_desktop.core.errors import CaseError
from pacer_desktop.core.validation import dump, load
from pacer_desktop.storage import records

EVERY_FIELD = [
    CrsInputs(hypotension="one_vasopressor", oxygen_device="nasal_cannula", oxygen_flow_l_min=Decimal("2.50")),
    CrsInputs(hypotension="none", oxygen_device="none"),
    IcansInputs(tool="capd", ice_score=7, capd_score=12, unable_to_perform=True, consciousness="awakens_to_voice",
                seizure="rapidly_resolving", motor="deep_focal_weakness", cerebral_edema="focal", sedated=True),
    IcansInputs(),
    EligibilityInputs(
        assessed_on=date(2026, 10, 20), consent_signed_on=date(2026, 10, 1), relapsed_or_refractory_b_all=True,
        disease_categories=("refractory", "cns_relapse"), hsct_ineligibility_reason="prior_hsct",
        cd19_documented=True, alt_u_l=Decimal("600"), bilirubin_mg_dl=Decimal("1.20"),
        creatinine_mg_dl=Decimal("0.7"), spo2_room_air_pct=Decimal("97"), dyspnea_grade=1,
        dlco_pct=Decimal("55.5"), lv_shortening_fraction_pct=Decimal("30"), ejection_fraction_pct=Decimal("58"),
        cardiac_function_documented=False, marrow_blasts_pct=Decimal("12.5"), peripheral_blasts=False,
        disease_assessed_on=date(2026, 10, 10), lymphodepletion_start_on=date(2026, 10, 18),
        product="tisagenlecleucel", childbearing_potential=True, pregnancy_test="negative",
        reproductive_potential=False, contraception_agreed=True),
    EligibilityInputs(assessed_on=date(2026, 10, 20), dlco_pct="not_done"),
    EligibilityInputs(assessed_on=date(2026, 10, 20)),
]


def test_every_field_of_every_stored_model_is_filled_in_the_examples():
    for model in (CrsInputs, IcansInputs, EligibilityInputs):
        filled = {f.name for m in EVERY_FIELD if type(m) is model for f in dataclasses.fields(m)
                  if getattr(m, f.name) != f.default}
        assert filled == {f.name for f in dataclasses.fields(model)}, model  # a new field needs an example


@pytest.mark.parametrize("model", EVERY_FIELD, ids=lambda m: type(m).__name__)
def test_a_stored_row_reads_back_as_written_and_as_pydantic_reads_it(model):
    text = dump(model)
    read = records._parse(type(model), text)
    assert repr(read) == repr(model) == repr(load(type(model), text))


def test_a_row_that_does_not_fit_its_constructor_is_named_by_pydantic():
    with pytest.raises(CaseError) as raised:
        records._parse(CrsInputs, '{"hypotension":"none","oxygen_device":"none","oxygen_flw":"2"}')
    assert [p.field for p in raised.value.problems] == ["oxygen_flw"]
    with pytest.raises(CaseError) as raised:
        records._parse(EligibilityInputs, '{"assessed_on":"20 Oct 2026"}')
    assert [p.field for p in raised.value.problems] == ["assessed_on"]


def test_an_eligibility_row_from_before_rev_2_reads_its_product_as_the_choice():
    read = records._parse(EligibilityInputs, '{"assessed_on":"2026-10-20","product":"Kymriah"}')
    assert read.product == "tisagenlecleucel"
