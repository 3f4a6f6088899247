"""Eligibility rows stored before rules §10 rev 2 still load, read safely (rules §10 rev 2)."""

from __future__ import annotations

import json

import pytest

from pacer_desktop.storage import Store

from tests.storage.storehelp import NURSE, add_patient, hours_ago

#: An eligibility row as the versions before rev 2 stored it: product free text, DLCO null
#: meaning "not done", numbers as decimal strings.
OLD_ROW = {
    "assessed_on": "2026-10-20", "consent_signed_on": "2026-10-18", "relapsed_or_refractory_b_all": True,
    "disease_categories": ["second_marrow_relapse"], "hsct_ineligibility_reason": None,
    "cd19_documented": True, "alt_u_l": "45", "bilirubin_mg_dl": "0.8", "creatinine_mg_dl": "0.5",
    "spo2_room_air_pct": "98", "dyspnea_grade": 0, "dlco_pct": None, "lv_shortening_fraction_pct": "34",
    "ejection_fraction_pct": None, "cardiac_function_documented": False, "marrow_blasts_pct": "12",
    "peripheral_blasts": False, "disease_assessed_on": "2026-10-10", "lymphodepletion_start_on": "2026-10-22",
    "product": "Kymriah", "childbearing_potential": True, "pregnancy_test": "negative",
    "reproductive_potential": True, "contraception_agreed": True,
}


def store_old_row(store: Store, pid: int, **changes) -> None:
    """Write the row as an earlier version did (the same insert and audit row, the old JSON)."""
    inputs = json.dumps({**OLD_ROW, **changes}, separators=(",", ":"))
    with store._transaction():
        store._insert(NURSE, "eligibility", {"patient_id": pid, "assessed_on": OLD_ROW["assessed_on"],
                                             "inputs": inputs}, "add eligibility")


@pytest.mark.parametrize("stored, read", [
    ("Kymriah", "tisagenlecleucel"),
    ("  KYMRIAH ", "tisagenlecleucel"),
    ("Tisagenlecleucel", "tisagenlecleucel"),
    ("tisagenlecleucel (Kymriah)", "tisagenlecleucel"),
    ("tisagenlecleucel", "tisagenlecleucel"),
    ("axicabtagene ciloleucel", "other"),
    ("not Kymriah", "other"),
    ("other", "other"),
    ("", None),
    ("   ", None),
    (None, None),
])
def test_old_free_text_product_loads_as_the_choice(db_path, stored, read):
    # rules §10 rev 2: product is a choice; stored free text is read as tisagenlecleucel only when it
    # names it (tisagenlecleucel or Kymriah, any case), anything else is another product, empty is missing
    with Store.open(db_path) as store:
        pid = add_patient(store)
        store_old_row(store, pid, product=stored)
    with Store.open(db_path) as store:  # a fresh connection: nothing cached from the write
        case = store.case_for(pid, now=hours_ago(0))
        assert case.eligibility.product == read
        exported = json.loads(store.export_case_json(pid, now=hours_ago(0)))
        assert exported["eligibility"]["product"] == read
        [entry] = store.entries(pid, "eligibility")
        assert entry.values["inputs"].product == read
        assert store.verify() == []


def test_old_row_with_empty_dlco_is_missing_and_the_verdict_incomplete(db_path):
    # rules §10 rev 2: an empty DLCO is missing (before rev 2 it meant "not done"): the safe reading,
    # the investigator confirms by entering "not done" or a value
    from pacer_desktop.evaluation import evaluate_case
    with Store.open(db_path) as store:
        pid = add_patient(store)
        store_old_row(store, pid)
    with Store.open(db_path) as store:
        case = store.case_for(pid, now=hours_ago(0))
    assert case.eligibility.dlco_pct is None
    result = evaluate_case(case).eligibility
    assert result.verdict == "incomplete" and result.behind_verdict == ("pulmonary",)
