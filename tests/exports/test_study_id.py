"""A patient's study ID (issue 19): stored with the patient, unique, of the configured form."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest

from pacer_desktop.cli import main
from pacer_desktop.core.caseio import parse_case
from pacer_desktop.core.errors import CaseError
from pacer_desktop.storage import Store, StorageError, schema
from tests.exports.conftest import CASES, NURSE
from tests.paths import ROOT
from tests.ui.uihelp import TEST_NOW

DATA = ROOT / "tests" / "data"
NOW = datetime(2026, 11, 6, 14, 0, tzinfo=UTC)


def _add(store, mrn, study_id):
    return store.add_patient(NURSE, mrn=mrn, name="Any Body", date_of_birth=None, sex_at_birth="male",
                             developmental_delay=False, infusion_at=NOW, timezone="UTC", study_id=study_id)


def test_a_new_patient_keeps_its_study_id(store):
    pid = _add(store, "1001", "PACER-001")
    assert store.patient(pid).study_id == "PACER-001"
    assert store.patient_by_study_id("PACER-001").id == pid
    assert store.verify() == []


def test_a_patient_may_have_no_study_id_yet(store):
    pid = _add(store, "1001", None)
    assert store.patient(pid).study_id is None
    assert store.verify() == []


def test_a_study_id_belongs_to_one_patient(store):
    _add(store, "1001", "PACER-001")
    with pytest.raises(StorageError, match="PACER-001"):
        _add(store, "1002", "PACER-001")
    assert len(store.patients()) == 1


def test_a_study_id_of_another_form_is_refused_naming_the_field(store):
    with pytest.raises(CaseError) as caught:
        _add(store, "1001", "P1")
    assert [p.field for p in caught.value.problems] == ["study_id"]
    assert "PACER-001" in str(caught.value.problems[0])  # the message shows the expected form
    assert store.patients() == []


def test_the_study_id_form_is_a_setting(store, monkeypatch):
    monkeypatch.setenv("PACER_STUDY_ID_PATTERN", r"TRIAL-[0-9]{4}")
    pid = _add(store, "1001", "TRIAL-0042")
    assert store.patient(pid).study_id == "TRIAL-0042"


def test_correcting_the_details_keeps_the_study_id_and_may_set_it(store):
    pid = _add(store, "1001", None)
    store.correct(NURSE, "patient", pid, reason="enrolled", replacement={"study_id": "PACER-009"})
    assert store.patient(pid).study_id == "PACER-009"
    store.correct(NURSE, "patient", pid, reason="name spelt wrong", replacement={"name": "Any Bodie"})
    assert store.patient(pid).study_id == "PACER-009"
    assert store.verify() == []


def test_import_case_takes_the_study_id(tmp_path, capsys, people, examples_clock):
    assert main(["import-case", str(CASES[0]), "--mrn", "1001", "--name", "Any Body", "--study-id", "PACER-004",
                 *people.of("prescriber")]) == 0  # research may not record the case's clinical entries
    with Store.open(clock=lambda: TEST_NOW) as store:
        assert store.patient_by_mrn("1001").study_id == "PACER-004"
        assert store.import_case(NURSE, parse_case(CASES[0].read_bytes()), mrn="1002", name="B",
                                 study_id="PACER-005") > 0


def test_schema_4_adds_the_study_id_and_older_rows_still_verify(tmp_path):
    copy = tmp_path / "v3.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-3.sqlite3", copy)
    with Store.open(copy, clock=lambda: TEST_NOW) as s:
        assert "0004_study_id" in [m.name for m in schema.migrations.applied(s.db)]
        assert "study_id" in schema.ADDED_COLUMNS["patient_versions"]
        assert s.verify() == []  # rows hashed without the new column still match their hash
        patient = s.patient_by_mrn("SCHEMA-SAMPLE")
        assert patient.study_id is None
        s.correct(NURSE, "patient", patient.id, reason="enrolled", replacement={"study_id": "PACER-001"})
        assert s.verify() == []


def test_the_released_schema_4_file_opens_with_its_study_id(tmp_path):
    copy = tmp_path / "v4.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-4.sqlite3", copy)
    with Store.open(copy, clock=lambda: TEST_NOW) as s:
        assert s.verify() == []
        assert s.patient_by_mrn("SCHEMA-SAMPLE").study_id == "PACER-000"
