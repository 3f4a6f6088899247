"""The FHIR R4 export (issue 19): one transaction Bundle per patient, every resource built and
validated with fhir.resources (R4B models), its ids taken from the stored entries' own ids."""

from __future__ import annotations

import json

import pytest

from pacer_desktop.cli import main
from tests.exports.conftest import example_now


LOINC = "http://loinc.org"


def _bundle(store, pid, now=None) -> dict:
    from pacer_desktop.exports.fhir import bundle_for
    return bundle_for(store, pid, now=now)


def _resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_each_examples_bundle_validates_and_is_a_transaction(store, examples):
    from fhir.resources.R4B.bundle import Bundle
    for case_file, pid, who in examples:
        bundle = _bundle(store, pid, example_now(case_file))
        Bundle.model_validate(bundle)  # raises on anything FHIR R4 does not allow
        assert bundle["type"] == "transaction"
        [patient] = _resources(bundle, "Patient")
        assert [i["value"] for i in patient["identifier"]] == [who["mrn"]]
        for entry in bundle["entry"]:
            request = entry["request"]
            assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
            if entry["resource"]["resourceType"] == "Provenance":  # FHIR R4 gives it no identifier:
                assert request == {"method": "PUT", "url": f"Provenance/{entry['resource']['id']}"}  # its own id
                continue
            assert request["method"] == "POST" and request["url"] == entry["resource"]["resourceType"]
            assert request["ifNoneExist"].startswith("identifier=")
            system, value = request["ifNoneExist"].removeprefix("identifier=").split("|")
            assert {"system": system, "value": value} in [
                {"system": i["system"], "value": i["value"]} for i in entry["resource"]["identifier"]]
            assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"


def test_exporting_again_gives_identical_resource_ids(store, examples):
    for case_file, pid, _ in examples:
        first = _bundle(store, pid, example_now(case_file))
        again = _bundle(store, pid, example_now(case_file))
        assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in again["entry"]]
        assert [e["request"] for e in first["entry"]] == [e["request"] for e in again["entry"]]
        assert first == again


def test_temperatures_are_loinc_body_temperature_in_celsius_with_fahrenheit_kept_in_a_note(store, examples):
    case_file, pid, _ = examples[0]  # 01: seven readings, one of them 101.5 °F
    bundle = _bundle(store, pid, example_now(case_file))
    temps = [o for o in _resources(bundle, "Observation")
             if any(c.get("code") == "8310-5" for c in o["code"].get("coding", []))]
    assert len(temps) == 7
    for o in temps:
        assert o["code"]["coding"][0]["system"] == LOINC
        assert o["category"][0]["coding"][0]["code"] == "vital-signs"
        assert o["valueQuantity"]["code"] == "Cel" and o["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    [fahrenheit] = [o for o in temps if o.get("note")]
    assert "101.5" in fahrenheit["note"][0]["text"] and "°F" in fahrenheit["note"][0]["text"]
    assert fahrenheit["valueQuantity"]["value"] == pytest.approx(38.61, abs=0.01)
    weights = [o for o in _resources(bundle, "Observation")
               if any(c.get("code") == "29463-7" for c in o["code"].get("coding", []))]
    assert [w["valueQuantity"]["value"] for w in weights] == [23.4]
    assert weights[0]["valueQuantity"]["code"] == "kg"


def test_grades_are_text_coded_integers_with_the_tool(store, examples):
    case_file, pid, _ = examples[4]  # 05: ICANS graded with CAPD
    bundle = _bundle(store, pid, example_now(case_file))
    icans = [o for o in _resources(bundle, "Observation") if o["code"].get("text") == "ASTCT ICANS grade"]
    crs = [o for o in _resources(bundle, "Observation") if o["code"].get("text") == "ASTCT CRS grade"]
    assert icans and crs
    assert all(isinstance(o["valueInteger"], int) and "coding" not in o["code"] for o in icans + crs)
    assert any("CAPD" in o["method"]["text"] for o in icans)


def test_anakinra_doses_and_closed_lines_are_medication_administrations(store, examples):
    from pacer_desktop.storage import User
    case_file, pid, _ = examples[0]
    result_lines = [d for d in __import__("pacer_desktop.evaluation", fromlist=["x"]).evaluate_case(
        store.case_for(pid), example_now(case_file)).doses if d.given_at is None]
    store.add_dose_outcome(User("AB", "nurse", "ward-3"), pid, line=result_lines[0].line, outcome="held",
                           at=result_lines[0].due, reason="parents asked to wait")
    bundle = _bundle(store, pid, example_now(case_file))
    given = _resources(bundle, "MedicationAdministration")
    done = [m for m in given if m["status"] == "completed"]
    not_done = [m for m in given if m["status"] == "not-done"]
    assert len(done) == 1 and done[0]["dosage"]["dose"]["value"] == 59 and done[0]["dosage"]["dose"]["unit"] == "mg"
    assert done[0]["medicationCodeableConcept"]["text"] == "anakinra"
    assert len(not_done) == 1 and "held" in not_done[0]["statusReason"][0]["text"]
    assert "parents asked to wait" in not_done[0]["statusReason"][0]["text"]


def test_a_provenance_names_who_entered_each_resource(store, examples):
    case_file, pid, _ = examples[0]
    bundle = _bundle(store, pid, example_now(case_file))
    provenances = _resources(bundle, "Provenance")
    targets = {t["reference"] for p in provenances for t in p["target"]}
    entered = {e["fullUrl"] for e in bundle["entry"]
               if e["resource"]["resourceType"] in ("Observation", "MedicationAdministration")}
    assert entered and entered <= targets
    assert all("AB (nurse)" in p["agent"][0]["who"]["display"] for p in provenances)


def test_the_command_writes_the_bundle_and_records_it(store, examples, tmp_path, people):
    from fhir.resources.R4B.bundle import Bundle
    store.close()
    out = tmp_path / "bundle.json"
    assert main(["export", "fhir", "--mrn", examples[0][2]["mrn"], "-o", str(out), *people.of("research")]) == 0
    Bundle.model_validate(json.loads(out.read_text()))
    from pacer_desktop.storage import Store
    with Store.open() as s:
        assert any("fhir" in row["action"] for row in s.audit())


def test_the_conditional_create_search_is_url_encoded(store):
    """ifNoneExist is a search URL: an MRN "AB 12&3+4" sent as typed is the search identifier=…|AB 12
    and a parameter "3 4" (found in review), so the server matched the wrong patient or none."""
    from urllib.parse import parse_qs

    from pacer_desktop.core.caseio import parse_case
    from tests.exports.conftest import NURSE
    from tests.paths import EXAMPLES
    case_file = EXAMPLES / "01-standard-course.case.json"
    pid = store.import_case(NURSE, parse_case(case_file.read_bytes()), mrn="AB 12&3+4", name="Odd Mrn")
    bundle = _bundle(store, pid, example_now(case_file))
    [entry] = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    query = parse_qs(entry["request"]["ifNoneExist"], strict_parsing=True)
    [identifier] = entry["resource"]["identifier"]
    assert query == {"identifier": [f"{identifier['system']}|AB 12&3+4"]}


def test_a_corrected_or_withdrawn_entry_is_sent_as_entered_in_error(store, examples):
    """Found in review: after a dose was corrected (50 → 45 mg) and another withdrawn, a later bundle
    added the new resources and said nothing of the old ones, so a server that had the first bundle
    counted two doses at one time and kept the withdrawn one. Each superseded entry's resource is now
    a conditional update of that same identifier, with status entered-in-error and why."""
    from decimal import Decimal

    from fhir.resources.R4B.bundle import Bundle
    from pacer_desktop.storage import User
    case_file, pid, _ = examples[0]
    nurse, pharmacist = User("AB", "nurse", "ward-3"), User("PQ", "pharmacist", "pharmacy")
    [dose] = [e for e in store.entries(pid, "medication", include_superseded=False)]
    [reading] = [e for e in store.entries(pid, "temperature", include_superseded=False)][:1]
    first = _bundle(store, pid, example_now(case_file))
    old_dose = next(e for e in first["entry"] if e["resource"]["resourceType"] == "MedicationAdministration")
    store.correct(pharmacist, "medication", dose.id, reason="amount misread", replacement={"dose_mg": Decimal(60)})
    store.correct(nurse, "temperature", reading.id, reason="wrong patient")
    bundle = _bundle(store, pid, example_now(case_file))
    Bundle.model_validate(bundle)
    withdrawn = [e for e in bundle["entry"] if e["resource"].get("status") == "entered-in-error"]
    by_url = {e["request"]["url"]: e for e in withdrawn}
    dose_id = old_dose["resource"]["identifier"][0]
    url = f"MedicationAdministration?identifier={dose_id['system']}|{dose_id['value']}"
    assert by_url[url]["request"]["method"] == "PUT"
    assert by_url[url]["resource"]["identifier"] == old_dose["resource"]["identifier"]
    assert "corrected by PQ" in by_url[url]["resource"]["note"][0]["text"]
    assert "amount misread" in by_url[url]["resource"]["note"][0]["text"]
    [observation] = [e for e in withdrawn if e["resource"]["resourceType"] == "Observation"]
    assert "entered in error, withdrawn by AB" in observation["resource"]["note"][0]["text"]
    assert "wrong patient" in observation["resource"]["note"][0]["text"]
    given = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationAdministration"
             and e["resource"]["status"] == "completed"]
    assert [g["dosage"]["dose"]["value"] for g in given] == [60]  # the correction, once
