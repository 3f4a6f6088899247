"""Issue 14 §3: the entry forms never carry one patient's answers to another, nor keep stale times."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.enter import capd_score, press_enter, type_into
from tests.ui.uihelp import wait_saved

ZONE = ZoneInfo("America/Chicago")
INFUSION = datetime(2026, 11, 3, 10, 0, tzinfo=ZONE)
NOW = datetime(2026, 11, 4, 4, 18, tzinfo=ZONE)


@pytest.fixture
def two_children(make_window, store, nurse):
    """Two children under 12 (CAPD), both weighed; the window shows the first."""
    def add(mrn: str, name: str) -> int:
        pid = store.add_patient(nurse, mrn=mrn, name=name, date_of_birth=date(2019, 4, 12),
                                sex_at_birth="female", developmental_delay=False, infusion_at=INFUSION,
                                timezone="America/Chicago")
        store.add_weight(nurse, pid, at=INFUSION - timedelta(days=1), kg=Decimal("23.4"))
        return pid

    first, second = add("F-1", "Alma First"), add("F-2", "Bruno Second")
    w = make_window(NOW)
    w.open_patient(first)
    return w, first, second


def _fill_everything(qtbot, w) -> None:
    g = w.grading
    type_into(qtbot, g.temperature.value, "38.9")
    g.temperature.unit.set_value("F")
    type_into(qtbot, g.weight.kg, "24.1")
    a = g.assessment
    a.hypotension.set_value("one_vasopressor")
    a.oxygen.set_value("face_mask")
    assert a.tool_in_use() == "capd"
    capd_score(a, 12)
    a.unable.setChecked(True)
    a.seizure.set_value("rapidly_resolving")
    assert "CAPD total: 12" in a.capd_total.text()


def _assert_blank(w) -> None:
    g = w.grading
    assert g.temperature.value.text() == "" and g.temperature.unit.value() == "C"
    assert g.weight.kg.text() == ""
    a = g.assessment
    assert (a.hypotension.value(), a.oxygen.value(), a.flow.text()) == ("none", "none", "")
    assert [c.value() for c in a.capd_items] == [None] * len(a.capd_items)
    assert all(spin.value() == -1 for spin in a.ice_items.values())
    assert not a.unable.isChecked() and not a.sedated.isChecked()
    assert (a.consciousness.value(), a.seizure.value(), a.motor.value(), a.edema.value()) == \
        ("normal", "none", "none", "none")
    assert a.tool.value() is None
    assert "answer all 8 items" in a.capd_total.text()


def test_switching_patients_clears_every_entry_form(qtbot, two_children, store):
    """The CAPD answers and oxygen choice of one child appeared, already graded, on another's form."""
    w, first, second = two_children
    _fill_everything(qtbot, w)
    w.open_patient(second)
    assert w.state.patient_id == second
    _assert_blank(w)
    press_enter(qtbot, w.grading.assessment.flow)  # one Enter stores nothing of the first child
    wait_saved(qtbot, w)
    assert not any(e.values["crs"] and e.values["crs"].oxygen_device == "face_mask"
                   for e in store.entries(second, "assessment"))


def test_switching_patients_closes_the_old_patients_dialogs(qtbot, two_children, store, nurse):
    w, first, second = two_children
    store.add_temperature(nurse, first, at=NOW - timedelta(hours=1), value=Decimal("37.5"), unit="C")
    w.state.reload()
    sheet = w.grading.flowsheet
    sheet.table.selectRow(0)
    sheet.open_correction(withdraw=False)
    w.dose.open_escalation()
    dialogs = [sheet.dialog, w.dose.dialog]
    assert all(d.isVisible() for d in dialogs)
    w.open_patient(second)
    QApplication.processEvents()
    assert [d.isVisible() for d in dialogs] == [False, False]


def test_after_a_save_the_assessment_form_is_cleared(qtbot, two_children, store):
    w, first, _ = two_children
    a = w.grading.assessment
    a.oxygen.set_value("face_mask")
    capd_score(a, 3)
    press_enter(qtbot, a.flow)
    wait_saved(qtbot, w)
    assert a.messages.text() == ""
    assert len(store.entries(first, "assessment")) == 1
    w.grading.weight.kg.setText("25")  # the other forms are not ours to check here
    w.grading.weight.kg.clear()
    _assert_blank(w)


def test_taken_at_follows_the_clock_until_edited(qtbot, two_children, store):
    """A 04:21 reading was stored as 04:18: the field kept the time the window was opened."""
    w, first, _ = two_children
    t = w.grading.temperature
    w.clock.now = NOW + timedelta(minutes=3)
    type_into(qtbot, t.value, "37.4")
    press_enter(qtbot, t.value)
    wait_saved(qtbot, w)
    assert [e.at for e in store.entries(first, "temperature")] == [NOW + timedelta(minutes=3)]
    # an edited time stays as edited while the clock goes on…
    earlier = NOW - timedelta(minutes=40)
    t.time.set_value(earlier)
    w.clock.now = NOW + timedelta(minutes=9)
    type_into(qtbot, t.value, "37.6")
    press_enter(qtbot, t.value)
    wait_saved(qtbot, w)
    assert sorted(e.at for e in store.entries(first, "temperature"))[0] == earlier
    # …and after the save the field follows the clock again, on screen too
    w.clock.now = NOW + timedelta(minutes=12)
    assert t.time.value() == NOW + timedelta(minutes=12)
    qtbot.waitUntil(lambda: t.time.edit.time().minute() == 30, timeout=15000)


def test_a_future_time_is_refused_in_the_wards_words(qtbot, two_children, store):
    w, first, _ = two_children
    w.clock.now = datetime(2026, 11, 30, 20, 21, tzinfo=ZONE)
    t = w.grading.temperature
    t.time.set_value(datetime(2026, 11, 30, 22, 0, tzinfo=ZONE))
    type_into(qtbot, t.value, "37.4")
    press_enter(qtbot, t.value)
    wait_saved(qtbot, w)
    assert ("30 Nov 22:00 is in the future; the latest allowed is 5 minutes from now (30 Nov 20:26)"
            in t.messages.text())
    assert "T22:00" not in t.messages.text() and "-06:00" not in t.messages.text()
    assert store.entries(first, "temperature") == []
