"""Doses recorded against schedule lines, lines closed without a dose, and restarts are stored,
read back into the case and exported (rules §5a and §6 rev 2; case-format rev 2)."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pacer_desktop.core.errors import CaseError
from pacer_desktop.storage import Store
from tests.storage.storehelp import NURSE, PRESCRIBER, add_patient, hours_ago

DATA = Path(__file__).resolve().parents[1] / "data"



def febrile_patient(store: Store) -> tuple[int, object]:
    """Persistent fever 40 h ago: line 1 due then, line 2 28 h ago, line 3 16 h ago, line 4 4 h ago."""
    pid = add_patient(store, infusion_at=hours_ago(72))
    store.add_weight(NURSE, pid, at=hours_ago(80), kg=Decimal("23.4"))
    store.add_temperature(NURSE, pid, at=hours_ago(44), value=Decimal("38.7"), unit="C")
    start = hours_ago(40)
    store.add_temperature(NURSE, pid, at=start, value=Decimal("38.9"), unit="C")
    return pid, start


def test_a_dose_recorded_for_a_line_is_stored_with_its_line_and_reason(store):
    pid, start = febrile_patient(store)
    store.add_medication(NURSE, pid, at=start + timedelta(hours=3), drug="anakinra", dose_mg=Decimal(59),
                         for_line=1, reason="line access lost")
    med = store.case_for(pid).medications[0]
    assert (med.for_line, med.reason) == (1, "line access lost")
    from pacer_desktop.evaluation import evaluate_case
    r = evaluate_case(store.case_for(pid))
    assert r.doses[0].status == "given" and r.doses[0].given_at is not None


def test_a_second_dose_for_a_closed_line_is_refused_and_nothing_stored(store):
    pid, start = febrile_patient(store)
    store.add_medication(NURSE, pid, at=start, drug="anakinra", dose_mg=Decimal(59), for_line=1)
    with pytest.raises(CaseError) as err:
        store.add_medication(NURSE, pid, at=start + timedelta(minutes=30), drug="anakinra", dose_mg=Decimal(59),
                             for_line=1)
    assert err.value.problems[0].field == "for_line"
    assert len(store.case_for(pid).medications) == 1


def test_a_line_held_refused_or_omitted_is_stored_with_who_and_why(store):
    pid, start = febrile_patient(store)
    store.add_dose_outcome(NURSE, pid, line=1, outcome="held", at=start + timedelta(minutes=10),
                           reason="hypotension, prescriber informed")
    outcome = store.case_for(pid).dose_outcomes[0]
    assert (outcome.line, outcome.outcome, outcome.by) == (1, "held", str(NURSE))
    with pytest.raises(CaseError):
        store.add_dose_outcome(NURSE, pid, line=1, outcome="refused", at=start + timedelta(minutes=20), reason="x")
    assert len(store.entries(pid, "dose_outcome")) == 1


def test_a_restart_is_stored_and_refused_while_the_course_runs(store):
    pid, start = febrile_patient(store)
    with pytest.raises(CaseError) as err:
        store.add_restart(PRESCRIBER, pid, at=hours_ago(1), reason="fever back")
    assert err.value.problems[0].field == "at"
    assert store.entries(pid, "restart") == []


def test_export_and_import_keep_lines_outcomes_and_restarts(store):
    pid, start = febrile_patient(store)
    store.add_medication(NURSE, pid, at=start + timedelta(minutes=5), drug="anakinra", dose_mg=Decimal(59),
                         for_line=1)
    store.add_dose_outcome(NURSE, pid, line=2, outcome="refused", at=start + timedelta(hours=12), reason="asleep")
    exported = json.loads(store.export_case_json(pid))
    assert exported["medications"][0]["for_line"] == 1
    assert exported["dose_outcomes"][0]["outcome"] == "refused"
    assert exported["restarts"] == []
    from pacer_desktop.core.caseio import parse_case
    again = store.import_case(NURSE, parse_case(json.dumps(exported)), mrn="COPY", name="Copy")
    assert store.case_for(again).dose_outcomes == store.case_for(pid).dose_outcomes
    assert store.case_for(again).medications == store.case_for(pid).medications


def test_a_schema_2_database_upgrades_and_takes_the_new_entries(tmp_path):
    copy = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-2.sqlite3", copy)
    with Store.open(copy) as store:
        pid = store.patients()[0].id
        assert store.entries(pid, "dose_outcome") == [] and store.entries(pid, "restart") == []
        assert store.verify() == []
