"""One evaluation per change (issue 16 §6): a save is evaluated once in the window, by the
patient's reload, and every screen shares that result; printing evaluates through
``pacer_desktop.evaluation``, the one way in."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.ui.enter import fill_assessment, press_enter, type_into
from tests.ui.uihelp import wait_saved

ZONE = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=ZONE)


@pytest.fixture
def evaluations(monkeypatch):
    """Every call of the engine through ``pacer_desktop.evaluation``: (GUI thread?, bedside check?, kwargs)."""
    import pacer_desktop.evaluation as evaluation
    calls = []
    engine = evaluation.evaluate
    gui = threading.get_ident()

    def counted(case, protocol, **kwargs):
        calls.append((threading.get_ident() == gui, kwargs.get("bedside", False), kwargs))
        return engine(case, protocol, **kwargs)
    monkeypatch.setattr(evaluation, "evaluate", counted)
    return calls


@pytest.fixture
def window(make_window, store, nurse):
    pid = store.add_patient(nurse, mrn="E-1", name="Eve Evaluated", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False,
                            infusion_at=NOW - timedelta(days=1), timezone="America/Chicago")
    store.add_weight(nurse, pid, at=NOW - timedelta(days=1, hours=1), kg=Decimal("23.4"))
    w = make_window(NOW)
    w.open_patient(pid)
    w.show_screen(1)  # every screen built and following the patient
    w.show_screen(2)
    w.show_screen(0)
    return w


def _of_the_case(calls) -> list:
    """Evaluations of the patient's case on the window's thread (not the form's bedside check)."""
    return [c for c in calls if c[0] and not c[1]]


def test_saving_a_temperature_evaluates_the_case_once_in_all(qtbot, window, evaluations):
    t = window.grading.temperature
    t.time.set_value(NOW - timedelta(minutes=10))
    type_into(qtbot, t.value, "38.2")
    evaluations.clear()
    press_enter(qtbot, t.value)
    wait_saved(qtbot, window)
    assert not t.messages.text()
    assert window.state.case.temperatures[-1].value == Decimal("38.2")
    # once on any thread: the store's check of the case it stores is the window's result
    assert len(evaluations) == 1 and not _of_the_case(evaluations)


def test_saving_an_assessment_evaluates_the_case_once_in_all(qtbot, window, evaluations):
    f = fill_assessment(qtbot, window, NOW - timedelta(minutes=10),
                        {"hypotension": "none", "oxygen_device": "none"}, {"capd_score": 2})
    evaluations.clear()  # the previews of the answers as they were given
    press_enter(qtbot, f.flow)
    wait_saved(qtbot, window)
    assert not f.messages.text()
    assert len(window.state.result.assessments) == 1
    assert len(evaluations) == 1 and not _of_the_case(evaluations)
    assert "CRS" not in window.grading.assessment.grade.text()  # the cleared form is not graded


def test_a_bad_entry_is_refused_by_the_store_beside_its_field(qtbot, window, store):
    """No check of its own in the form: the store's refusal names the field, nothing is stored."""
    t = window.grading.temperature
    t.time.set_value(NOW + timedelta(hours=2))
    type_into(qtbot, t.value, "38.2")
    press_enter(qtbot, t.value)
    wait_saved(qtbot, window)
    assert "is in the future" in t.messages._labels["at"].text()
    assert store.entries(window.state.patient_id, "temperature") == []


def test_printing_evaluates_through_the_evaluation_module(qtbot, window, evaluations):
    from pacer_desktop.reports.documents import RECORD_HOURS
    evaluations.clear()
    assert window.printing.preview("mar")
    assert [c[2].get("horizon_h") for c in evaluations] == [RECORD_HOURS]
    wait_saved(qtbot, window)


def test_reopening_the_last_patient_at_start_evaluates_the_case_once(qtbot, window, make_window, evaluations):
    """At start the window reopens the last patient: the reload evaluates the case, and the patient
    list shows that result instead of judging the patient again (issue 16 §6)."""
    evaluations.clear()
    again = make_window(NOW)
    assert again.state.patient_id == window.state.patient_id
    assert "Eve Evaluated" in again.patients.list.item(0).text()
    assert len(_of_the_case(evaluations)) == 1
