"""Acknowledged prompts (clinical-rules §7): stored attributed, append-only, audited and chained like
every other row; the migration that adds them upgrades every released schema file."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database, Migrations

from pacer_desktop.core.errors import CaseError
from pacer_desktop.storage import AppendOnlyViolation, Store, StorageError
from pacer_desktop.storage import schema
from tests.storage.storehelp import NURSE, PRESCRIBER, add_patient, hours_ago

DATA = Path(__file__).resolve().parents[1] / "data"
CHICAGO = timezone(timedelta(hours=-6))


def test_an_acknowledgement_is_stored_attributed_with_the_assessment_it_was_judged_on(store):
    pid = add_patient(store)
    judged_on = datetime(2026, 11, 4, 16, 30, tzinfo=CHICAGO)
    first = store.acknowledge(NURSE, pid, alert="consider_escalation", assessment_at=judged_on,
                              note=" discussed with Dr C ")
    second = store.acknowledge(PRESCRIBER, pid, alert="standard_of_care", assessment_at=None)
    a, b = store.acknowledgements(pid)
    assert (a.id, a.alert, a.assessment_at, a.note) == (first, "consider_escalation", judged_on, "discussed with Dr C")
    assert a.assessment_at.utcoffset() == timedelta(hours=-6)  # shown with the offset it was entered with
    assert (a.entered_by, a.role, a.workstation) == ("AB", "nurse", "ward-3-pc1")
    assert abs(a.entered_at - datetime.now(a.entered_at.tzinfo)) < timedelta(minutes=1)
    assert (b.id, b.alert, b.assessment_at, b.note, b.entered_by, b.role) == \
        (second, "standard_of_care", None, "", "CD", "prescriber")
    other = add_patient(store, mrn="MRN002", name="Other Patient")
    assert store.acknowledgements(other) == []


def test_each_acknowledgement_is_audited_and_hash_chained(store):
    pid = add_patient(store)
    row_id = store.acknowledge(NURSE, pid, alert="consider_escalation", assessment_at=hours_ago(1))
    last = store.audit(limit=1)[0]
    assert (last["action"], last["table_name"], last["row_id"], last["entered_by"]) == \
        ("acknowledge consider_escalation", "acknowledgements", row_id, "AB")
    assert last["content_sha256"] and last["prev_sha256"] == store.audit(limit=2)[1]["sha256"]
    assert store.verify() == []


def test_an_acknowledgement_changed_outside_pacer_is_caught(store, db_path):
    pid = add_patient(store)
    store.acknowledge(NURSE, pid, alert="consider_escalation", assessment_at=hours_ago(1))
    raw = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("UPDATE acknowledgements SET entered_by = 'ZZ'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("DELETE FROM acknowledgements")
        raw.execute("DROP TRIGGER acknowledgements_no_update")
        raw.execute("UPDATE acknowledgements SET entered_by = 'ZZ'")
        raw.commit()
    finally:
        raw.close()
    problems = store.verify()
    assert "acknowledgements: the trigger that forbids UPDATE is missing (the database was changed outside PACER)" \
        in problems
    assert "acknowledgements row 1: differs from what was recorded (changed outside PACER)" in problems


def test_the_store_refuses_to_rewrite_an_acknowledgement(store):
    pid = add_patient(store)
    store.acknowledge(NURSE, pid, alert="consider_escalation", assessment_at=None)
    with pytest.raises(AppendOnlyViolation, match="append-only"):
        with store._transaction() as conn:
            conn.execute("UPDATE acknowledgements SET alert = 'standard_of_care'")
    assert [a.alert for a in store.acknowledgements(pid)] == ["consider_escalation"]


@pytest.mark.parametrize("kwargs, error, words", [
    ({"alert": ""}, StorageError, "alert ''"),
    ({"alert": "Consider escalation!"}, StorageError, "alert code"),
    ({"assessment_at": datetime(2026, 11, 4, 16, 30)}, CaseError, "no UTC offset"),
    ({"patient_id": 999}, StorageError, "no patient with id 999"),
])
def test_bad_acknowledgements_are_refused_and_nothing_is_stored(store, kwargs, error, words):
    pid = add_patient(store)
    audit_rows = len(store.audit())
    values = {"patient_id": pid, "alert": "consider_escalation", "assessment_at": hours_ago(1), **kwargs}
    with pytest.raises(error, match=words):
        store.acknowledge(NURSE, values.pop("patient_id"), **values)
    assert store.acknowledgements(pid) == []
    assert len(store.audit()) == audit_rows


def test_schema_1_is_upgraded_with_the_acknowledgements_migration(tmp_path):
    copy = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-1.sqlite3", copy)
    with Store.open(copy) as s:
        assert [m.name for m in schema.migrations.applied(s.db)] == ["0001_initial", "0002_acknowledgements", "0003_lines_and_restarts", "0004_study_id", "0005_audit_hmac", "0006_people"]
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version() == 6
        assert s.verify() == []  # the new table's triggers are there; the old rows and chain intact
        patient = s.patient_by_mrn("SCHEMA-SAMPLE")
        assert s.acknowledgements(patient.id) == []
        s.acknowledge(NURSE, patient.id, alert="consider_escalation", assessment_at=None)
        assert [a.entered_by for a in s.acknowledgements(patient.id)] == ["AB"]
        assert s.verify() == []
    backups = list((tmp_path / "backups").glob("old-*before-upgrade.sqlite3"))
    assert len(backups) == 1
    with Store.open(copy) as s:  # opened again: nothing left to migrate
        assert not schema.migrations.pending(s.db)


def test_the_released_schema_2_file_opens_with_its_acknowledgement(tmp_path):
    copy = tmp_path / "v2.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-2.sqlite3", copy)
    with Store.open(copy) as s:
        assert [m.name for m in schema.migrations.applied(s.db)] == ["0001_initial", "0002_acknowledgements", "0003_lines_and_restarts", "0004_study_id", "0005_audit_hmac", "0006_people"]
        assert s.verify() == []
        patient = s.patient_by_mrn("SCHEMA-SAMPLE")
        [ack] = s.acknowledgements(patient.id)
        assert (ack.alert, ack.note, ack.entered_by, ack.role) == ("consider_escalation", "sample", "ZZ", "research")
        assert ack.assessment_at is not None
    assert len(list((tmp_path / "backups").glob("*before-upgrade*"))) == 1  # schema 3 added after it


def test_the_released_schema_3_file_opens_with_its_held_line(tmp_path):
    copy = tmp_path / "v3.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-3.sqlite3", copy)
    with Store.open(copy) as s:
        assert s.verify() == []
        patient = s.patient_by_mrn("SCHEMA-SAMPLE")
        [held] = s.case_for(patient.id).dose_outcomes
        assert (held.outcome, held.reason) == ("held", "sample")
    assert len(list((tmp_path / "backups").glob("*before-upgrade*"))) == 1  # schema 4 (study ID) added after it


def test_every_schema_version_has_its_released_file():
    for version in range(1, schema.schema_version() + 1):
        assert (DATA / f"pacer-schema-{version}.sqlite3").is_file(), version


def _sql(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                        " AND name != '_sqlite_migrations' ORDER BY type, name").fetchall()


def test_the_released_0001_migration_still_builds_exactly_the_schema_1_file(tmp_path):
    only_initial = Migrations("pacer")
    only_initial(name="0001_initial")(schema.initial)
    conn = sqlite3.connect(tmp_path / "fresh.sqlite3")
    only_initial.apply(Database(conn))
    released = sqlite3.connect(f"file:{DATA / 'pacer-schema-1.sqlite3'}?mode=ro&immutable=1", uri=True)
    try:
        assert _sql(conn) == _sql(released)
    finally:
        conn.close()
        released.close()
