"""Entries: stored attributed, validated by the engine, append-only, corrected by superseding."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from decimal import Decimal

import pytest

from pacer_desktop.core.case import CrsInputs, EligibilityInputs, IcansInputs
from pacer_desktop.core.errors import CaseError
from pacer_desktop.storage import AppendOnlyViolation, Store, StorageError, User, default_db_path
from pacer_desktop.storage.schema import APPEND_ONLY_TABLES
from tests.storage.storehelp import NURSE, PRESCRIBER, add_patient, hours_ago


def test_default_path_follows_pacer_db(db_path):
    assert default_db_path() == db_path


def test_open_creates_a_wal_database_with_full_sync(store, db_path):
    assert db_path.exists()
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_entries_round_trip_with_their_original_offset(store):
    pid = add_patient(store)
    at = hours_ago(5).astimezone(__import__("zoneinfo").ZoneInfo("America/Chicago"))
    store.add_temperature(NURSE, pid, at=at, value=Decimal("101.4"), unit="F")
    [entry] = store.entries(pid, "temperature")
    assert entry.at == at and entry.at.utcoffset() == at.utcoffset()
    assert entry.values["value"] == Decimal("101.4") and entry.values["unit"] == "F"
    raw = store.db.execute("SELECT at, at_offset_s FROM temperatures").fetchone()
    assert raw[0].endswith("+00:00") and raw[1] == int(at.utcoffset().total_seconds())


def test_every_row_names_user_role_and_workstation(store):
    pid = add_patient(store)
    store.add_weight(NURSE, pid, at=hours_ago(80), kg=Decimal("23.4"))
    store.add_medication(PRESCRIBER, pid, at=hours_ago(2), drug="acetaminophen", dose_mg=Decimal("350"))
    for table in ("patients", "patient_versions", "weights", "medications"):
        for row in store.db[table].rows:
            assert row["entered_by"] and row["role"] and row["workstation"] and row["entered_at"]
    [med] = store.entries(pid, "medication")
    assert (med.entered_by, med.role, med.workstation) == ("CD", "prescriber", "ward-3-pc2")
    audit = store.audit()
    assert len(audit) == 4
    assert {(a["entered_by"], a["role"], a["workstation"]) for a in audit} == {
        ("AB", "nurse", "ward-3-pc1"), ("CD", "prescriber", "ward-3-pc2")}
    assert audit[0]["action"] == "add medication"


def test_an_invalid_entry_is_refused_and_nothing_is_stored(store):
    pid = add_patient(store)
    before = len(store.audit())
    with pytest.raises(CaseError) as err:
        store.add_temperature(NURSE, pid, at=hours_ago(1), value=Decimal("48.9"), unit="C")
    assert [p.field for p in err.value.problems] == ["value"]
    assert "30" in err.value.problems[0].message
    with pytest.raises(CaseError) as err:
        store.add_medication(NURSE, pid, at=hours_ago(1), drug="aspirin", dose_mg=None)
    assert err.value.problems[0].field == "drug"
    with pytest.raises(CaseError):
        store.add_weight(NURSE, pid, at=hours_ago(-1), kg=Decimal("20"))  # an hour in the future
    assert store.entries(pid) == [] and len(store.audit()) == before


def test_a_second_weight_at_the_same_time_is_refused_unless_it_is_the_same(store):
    """Two different weights at one instant would leave the dose to the order of the list (rules §4)."""
    pid = add_patient(store)
    at = hours_ago(2)
    store.add_weight(NURSE, pid, at=at, kg=Decimal("23.4"))
    with pytest.raises(CaseError) as err:
        store.add_weight(NURSE, pid, at=at, kg=Decimal("32.4"))
    assert err.value.problems[0].field == "at"
    assert "23.4 kg is already recorded" in err.value.problems[0].message
    assert [e.values["kg"] for e in store.entries(pid)] == [Decimal("23.4")]
    store.add_weight(NURSE, pid, at=at, kg=Decimal("23.4"))  # the same weight twice decides nothing differently


def test_a_nasal_cannula_without_flow_names_the_field(store):
    pid = add_patient(store)
    with pytest.raises(CaseError) as err:
        store.add_assessment(NURSE, pid, at=hours_ago(1),
                             crs=CrsInputs(hypotension="none", oxygen_device="nasal_cannula"), icans=None)
    assert any(p.field.startswith("crs") for p in err.value.problems)


def test_a_patient_with_bad_details_is_not_stored(store):
    with pytest.raises(CaseError) as err:
        add_patient(store, timezone="Mars/Olympus")
    assert err.value.problems[0].field == "timezone"
    with pytest.raises(CaseError):
        add_patient(store, mrn=" ")
    assert store.patients() == []


def test_mrn_must_be_unique_among_current_patients(store):
    add_patient(store)
    with pytest.raises(StorageError, match="MRN001"):
        add_patient(store, name="Someone Else")


def test_patients_search_by_mrn_or_name_case_insensitive(store):
    add_patient(store, mrn="A100", name="Ada Lovelace")
    add_patient(store, mrn="B200", name="Grace Hopper")
    assert [p.mrn for p in store.patients()] == ["A100", "B200"]
    assert [p.name for p in store.patients("hOpP")] == ["Grace Hopper"]
    assert [p.name for p in store.patients("a10")] == ["Ada Lovelace"]
    assert store.patient_by_mrn("B200").name == "Grace Hopper"
    with pytest.raises(StorageError, match="no patient"):
        store.patient_by_mrn("nope")


def test_update_and_delete_are_refused_on_every_clinical_table(store, db_path):
    pid = add_patient(store)
    wid = store.add_weight(NURSE, pid, at=hours_ago(80), kg=Decimal("23.4"))
    store.add_temperature(NURSE, pid, at=hours_ago(3), value=Decimal("37"), unit="C")
    store.add_assessment(NURSE, pid, at=hours_ago(3), crs=CrsInputs(hypotension="none", oxygen_device="none"),
                         icans=None)
    store.add_medication(NURSE, pid, at=hours_ago(2), drug="ibuprofen", dose_mg=Decimal("200"))
    store.add_eligibility(NURSE, pid, EligibilityInputs(assessed_on=date(2026, 10, 1)))
    store.add_temperature(NURSE, pid, at=hours_ago(2), value=Decimal("37.2"), unit="C")
    store.correct(NURSE, "weight", wid, reason="entered in error", replacement={"kg": Decimal("24")})
    store.record_document(NURSE, pid, kind="order_sheet", content_sha256="ab" * 32, protocol="pacer-1")
    store.acknowledge(NURSE, pid, alert="consider_escalation", assessment_at=hours_ago(3))
    store.db.execute("INSERT INTO escalations (patient_id, at, at_offset_s, by, reason, entered_by, role,"
                     " workstation, entered_at) VALUES (?, '2000-01-01', 0, 'x', 'y', 'a', 'nurse', 'w', 'x')",
                     [pid])  # an escalation row without evaluating (only to test the trigger)
    for table, columns, values in (("dose_outcomes", "line, outcome, by, reason", "1, 'held', 'x', 'y'"),
                                   ("restarts", "by, reason", "'x', 'y'"),
                                   ("signatures", "action, meaning, name", "'verify_dose', 'x', 'y'")):
        store.db.execute(f"INSERT INTO {table} (patient_id, at, at_offset_s, {columns}, entered_by, role,"
                         f" workstation, entered_at) VALUES (?, '2000-01-01', 0, {values}, 'a', 'nurse', 'w', 'x')",
                         [pid])
    raw = sqlite3.connect(db_path)
    try:
        for table in APPEND_ONLY_TABLES:
            assert raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                raw.execute(f"UPDATE {table} SET id = id")
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                raw.execute(f"DELETE FROM {table}")
    finally:
        raw.close()


def test_store_refuses_updates_through_its_own_transactions(store):
    pid = add_patient(store)
    store.add_weight(NURSE, pid, at=hours_ago(80), kg=Decimal("23.4"))
    with pytest.raises(AppendOnlyViolation, match="append-only"):
        with store._transaction() as conn:
            conn.execute("UPDATE weights SET kg = '30'")
    assert store.entries(pid, "weight")[0].values["kg"] == Decimal("23.4")


def test_a_correction_supersedes_and_keeps_the_history(store):
    pid = add_patient(store)
    t1 = store.add_temperature(NURSE, pid, at=hours_ago(30), value=Decimal("39.9"), unit="C")
    t2 = store.correct(PRESCRIBER, "temperature", t1, reason="typed 39.9 for 38.9",
                       replacement={"value": Decimal("38.9")})
    history = store.entries(pid, "temperature")
    assert [(e.id, e.values["value"], e.current) for e in history] == [
        (t1, Decimal("39.9"), False), (t2, Decimal("38.9"), True)]
    old = history[0]
    assert old.superseded_by == t2 and old.correction_reason == "typed 39.9 for 38.9"
    assert old.corrected_by == "CD" and old.corrected_at is not None
    assert history[1].at == old.at  # fields not given are carried over
    assert [e.id for e in store.entries(pid, "temperature", include_superseded=False)] == [t2]
    assert [t.value for t in store.case_for(pid).temperatures] == [Decimal("38.9")]
    with pytest.raises(StorageError, match="already corrected"):
        store.correct(NURSE, "temperature", t1, reason="again", replacement={"value": Decimal("37")})
    assert store.verify() == []


def test_entered_in_error_withdraws_the_entry(store):
    pid = add_patient(store)
    m = store.add_medication(NURSE, pid, at=hours_ago(4), drug="tocilizumab", dose_mg=Decimal("280"))
    assert store.correct(NURSE, "medication", m, reason="entered in error") is None
    [entry] = store.entries(pid, "medication")
    assert entry.correction_reason == "entered in error" and entry.superseded_by is None
    assert store.case_for(pid).medications == ()
    with pytest.raises(StorageError, match="reason"):
        store.correct(NURSE, "weight", 1, reason=" ")


def test_an_invalid_replacement_is_refused(store):
    pid = add_patient(store)
    w = store.add_weight(NURSE, pid, at=hours_ago(80), kg=Decimal("23.4"))
    with pytest.raises(CaseError) as err:
        store.correct(NURSE, "weight", w, reason="typo", replacement={"kg": Decimal("500")})
    assert err.value.problems[0].field == "kg"
    assert [e.current for e in store.entries(pid)] == [True]


def test_patient_details_are_corrected_and_a_wrong_patient_withdrawn(store):
    pid = add_patient(store)
    vid = store.correct(NURSE, "patient", pid, reason="wrong date of birth",
                        replacement={"date_of_birth": date(2014, 4, 12)})
    patient = store.patient(pid)
    assert patient.date_of_birth == date(2014, 4, 12) and patient.version_id == vid
    assert store.case_for(pid).patient.date_of_birth == date(2014, 4, 12)
    history = store.entries(pid, "patient")
    assert [e.current for e in history] == [False, True]
    assert store.correct(NURSE, "patient", pid, reason="wrong patient") is None
    assert store.patients() == [] and store.patient(pid).withdrawn
    with pytest.raises(StorageError):
        store.patient_by_mrn("MRN001")
    add_patient(store)  # the MRN is free again
    assert store.verify() == []


def test_assessments_escalations_and_eligibility_reach_the_case(store):
    pid = add_patient(store)
    icans = IcansInputs(tool="ice", ice_score=10)
    store.add_assessment(NURSE, pid, at=hours_ago(3), crs=CrsInputs(hypotension="none", oxygen_device="none"),
                         icans=icans)
    inputs = EligibilityInputs(assessed_on=date(2026, 10, 1), alt_u_l=Decimal("45"))
    store.add_eligibility(NURSE, pid, inputs)
    case = store.case_for(pid, now=hours_ago(0))
    assert case.assessments[0].icans == icans and case.eligibility == inputs and case.now is not None
    assert case.timezone == "America/Chicago" and case.protocol == "pacer-1"


def test_documents_are_recorded(store):
    pid = add_patient(store)
    store.record_document(NURSE, pid, kind="order_sheet", content_sha256="cd" * 32, protocol="pacer-1",
                          detail="first dose")
    store.record_document(NURSE, None, kind="checklist", content_sha256="ef" * 32, protocol="pacer-1")
    [doc] = store.documents(pid)
    assert doc["kind"] == "order_sheet" and doc["entered_by"] == "AB" and doc["detail"] == "first dose"
    assert store.audit(limit=1)[0]["action"] == "print checklist"


def test_users_are_checked():
    assert User.parse("ab:Nurse", "pc") == User("ab", "nurse", "pc")
    for bad in ("AB", "AB:doctor", "1B:nurse"):
        with pytest.raises(StorageError):
            User.parse(bad, "pc")
    with pytest.raises(StorageError):
        User("AB", "nurse", "")


def test_one_store_is_shared_by_threads(store):
    pid = add_patient(store)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(25):
                store.add_temperature(NURSE, pid, at=hours_ago(1 + n + i / 100), value=Decimal("37.1"), unit="C")
                store.entries(pid, "temperature")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.case_for(pid).temperatures) == 100
    assert store.verify() == []


def test_the_store_is_reopened_with_its_rows(db_path):
    with Store.open() as s:
        pid = add_patient(s)
        s.add_weight(NURSE, pid, at=hours_ago(80), kg=Decimal("23.4"))
    with Store.open() as s:
        assert s.path == db_path
        assert s.case_for(pid).weights[0].kg == Decimal("23.4")


def test_an_escalation_is_attributed_to_the_prescriber(store):
    pid = add_patient(store)
    store.add_weight(NURSE, pid, at=hours_ago(80), kg=Decimal("23.4"))
    store.add_temperature(NURSE, pid, at=hours_ago(20), value=Decimal("38.9"), unit="C")
    store.add_temperature(NURSE, pid, at=hours_ago(15), value=Decimal("39.1"), unit="C")
    store.add_escalation(PRESCRIBER, pid, at=hours_ago(2), reason="CRS progression")
    [esc] = store.case_for(pid).escalations
    assert esc.by == "CD (prescriber)" and esc.reason == "CRS progression"
    with pytest.raises(CaseError):  # before the anakinra start time: an input error (rules §5)
        store.add_escalation(PRESCRIBER, pid, at=hours_ago(18), reason="too early")


def test_a_second_connection_sees_what_the_first_wrote(db_path):
    """The rows kept in memory for speed are dropped as soon as another connection commits."""
    with Store.open(db_path) as first, Store.open(db_path) as second:
        pid = add_patient(first)
        assert second.case_for(pid).temperatures == ()
        first.add_temperature(NURSE, pid, at=hours_ago(2), value=Decimal("37.3"), unit="C")
        assert len(first.case_for(pid).temperatures) == 1
        assert len(second.case_for(pid).temperatures) == 1
        t = second.entries(pid, "temperature")[0].id
        second.correct(NURSE, "temperature", t, reason="entered in error")
        assert first.case_for(pid).temperatures == ()
