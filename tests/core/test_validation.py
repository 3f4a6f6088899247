"""Every way into the core's models is checked by one validator, pydantic (core.validation), in
the same words: a bedside entry, a stored row and a case file say the same mistake the same way."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pacer_desktop.core.case import Assessment, CrsInputs, EligibilityInputs, IcansInputs, Temperature
from pacer_desktop.core.caseio import checked
from pacer_desktop.core.errors import CaseError
from pacer_desktop.core.validation import check, dump, load

AT = datetime(2026, 11, 4, 13, 0, tzinfo=UTC)


def problems(cls, data) -> dict[str, str]:
    with pytest.raises(CaseError) as err:
        checked(cls, data)
    return {p.field: p.message for p in err.value.problems}


def test_a_good_entry_is_built_with_its_types():
    t = checked(Temperature, {"at": AT, "value": Decimal("38.6"), "unit": "C"})
    assert t == Temperature(at=AT, value=Decimal("38.6"), unit="C")


@pytest.mark.parametrize("data, field, message", [
    ({"at": AT, "value": Decimal("38.6")}, "unit", "required"),
    ({"at": AT, "value": Decimal("38.6"), "unit": "K"}, "unit", "'K' is not a known value; expected 'C' or 'F'"),
    ({"at": AT, "value": True, "unit": "C"}, "value", "must be a number"),
    ({"at": AT, "value": "warm", "unit": "C"}, "value", "must be a number"),
    ({"at": AT, "value": Decimal("NaN"), "unit": "C"}, "value", "must be a finite number"),
    ({"at": datetime(2026, 11, 4, 13, 0), "value": Decimal("38"), "unit": "C"}, "at", "has no UTC offset"),
    ({"at": "yesterday", "value": Decimal("38"), "unit": "C"}, "at", "is not an ISO 8601 date and time"),
    ({"at": AT, "value": Decimal("38"), "unit": "C", "site": "oral"}, "site", "unknown field"),
])
def test_a_bad_field_is_named_with_its_problem(data, field, message):
    """rules §2: a temperature needs a time with an offset, a number and a known unit."""
    found = problems(Temperature, data)
    assert field in found and message in found[field]


def test_nested_inputs_are_checked_and_every_problem_is_listed():
    found = problems(Assessment, {"at": AT, "crs": {"hypotension": "low", "oxygen_device": "none"},
                                  "icans": {"ice_score": -1}})
    assert "'low' is not a known value" in found["crs.hypotension"]
    assert found["icans.ice_score"].startswith("must be 0 or more")


def test_an_instance_built_without_checks_is_checked_again():
    """A form can build a model with a wrong value; storage checks it again before storing."""
    unchecked = CrsInputs(hypotension="low", oxygen_device="none")  # type: ignore[arg-type]
    assert "'low' is not a known value" in problems(CrsInputs, unchecked)["hypotension"]


def test_tuples_and_dates_come_from_lists_and_text():
    e = check(EligibilityInputs, {"assessed_on": "2026-10-20", "disease_categories": ["cns_relapse"]})
    assert e.assessed_on == date(2026, 10, 20) and e.disease_categories == ("cns_relapse",)
    with pytest.raises(CaseError) as err:
        check(EligibilityInputs, {"assessed_on": "20/10/2026", "disease_categories": ["moon"]})
    fields = [p.field for p in err.value.problems]
    assert "assessed_on" in fields and "disease_categories[0]" in fields


def test_stored_json_round_trips_and_old_pydantic_json_still_loads():
    icans = IcansInputs(tool="capd", capd_score=9, consciousness="awakens_to_voice")
    assert load(IcansInputs, dump(icans)) == icans
    crs = load(CrsInputs, '{"hypotension":"none","oxygen_device":"nasal_cannula","oxygen_flow_l_min":"2.5"}')
    assert crs.oxygen_flow_l_min == Decimal("2.5")  # pydantic wrote Decimals as strings
