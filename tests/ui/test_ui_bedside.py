"""The bedside course through the window: temperatures until persistent fever, grading, doses,
escalation, the stop rule, corrections; each checked in the database afterwards."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from tests.ui.uihelp import wait_saved
from tests.people import WARD
from tests.ui.enter import as_user, assessment, escalate, fill_assessment, temperature, type_into, weight

ZONE = ZoneInfo("America/Chicago")
INFUSION = datetime(2026, 11, 3, 10, 0, tzinfo=ZONE)


@pytest.fixture
def bedside(make_window, store, nurse):
    """A 10-year-old (CAPD) and a 15-year-old (ICE), infused 3 Nov 10:00, weighed 23.4 kg."""
    def make(now: datetime, *, dob="2016-04-12"):
        from datetime import date
        pid = store.add_patient(nurse, mrn="B-1", name="Bea Bedside", date_of_birth=date.fromisoformat(dob),
                                sex_at_birth="female", developmental_delay=False, infusion_at=INFUSION,
                                timezone="America/Chicago")
        store.add_weight(nurse, pid, at=INFUSION - timedelta(days=1), kg=__import__("decimal").Decimal("23.4"))
        w = make_window(now)
        w.open_patient(pid)
        return w, pid
    return make


def test_temperatures_until_persistent_fever_then_first_dose_due_now(qtbot, bedside, store):
    w, pid = bedside(datetime(2026, 11, 4, 11, 5, tzinfo=ZONE))
    t = w.grading.temperature
    t.unit.set_value("F")
    type_into(qtbot, t.value, "101.4")
    assert t.converted.text() == "= 38.56 °C"  # the converted value, shown while typing
    assert not temperature(qtbot, w, datetime(2026, 11, 4, 7, 0, tzinfo=ZONE), "38.7")
    assert w.grading.fever_banner.isHidden()
    assert not temperature(qtbot, w, datetime(2026, 11, 4, 9, 0, tzinfo=ZONE), "38.9")
    assert w.grading.fever_banner.isHidden()  # only 2 h apart
    assert not temperature(qtbot, w, datetime(2026, 11, 4, 11, 0, tzinfo=ZONE), "101.5", "F")
    banner = w.grading.fever_banner.text()
    assert "PERSISTENT FEVER" in banner
    assert "38.7 °C at 4 Nov 07:00" in banner and "101.5 °F (38.61 °C) at 4 Nov 11:00" in banner
    assert "DUE NOW: 59 mg IV (0.4 mL)" in banner
    assert "Anakinra 59 mg IV every 12 hours · dose DUE NOW (11:00)" == w.header.status.text()
    rows = store.entries(pid, "temperature")
    assert [(str(e.values["value"]), e.values["unit"], e.entered_by) for e in rows] == \
        [("38.7", "C", "AB"), ("38.9", "C", "AB"), ("101.5", "F", "AB")]


@pytest.mark.parametrize("typed, unit, words", [("45", "C", "outside 30–44 °C"), ("abc", "C", "not a number"),
                                                ("", "C", "Enter the temperature"),
                                                ("120", "F", "outside 30–44 °C")])
def test_bad_temperature_shows_its_message_and_stores_nothing(qtbot, bedside, store, typed, unit, words):
    w, pid = bedside(datetime(2026, 11, 4, 11, 5, tzinfo=ZONE))
    message = temperature(qtbot, w, datetime(2026, 11, 4, 7, 0, tzinfo=ZONE), typed, unit)
    assert words in message
    assert w.grading.temperature.messages._labels["value"].isVisible()
    assert store.entries(pid, "temperature") == []


def test_future_temperature_and_bad_weight_are_refused(qtbot, bedside, store):
    w, pid = bedside(datetime(2026, 11, 4, 11, 5, tzinfo=ZONE))
    future = w.clock() + timedelta(hours=2)  # the window's clock, not the workstation's
    assert temperature(qtbot, w, future, "38.7")
    assert store.entries(pid, "temperature") == []
    assert "outside 3–200 kg" in weight(qtbot, w, datetime(2026, 11, 4, 8, 0, tzinfo=ZONE), "250")
    assert not weight(qtbot, w, datetime(2026, 11, 4, 8, 0, tzinfo=ZONE), "24")
    assert [str(e.values["kg"]) for e in store.entries(pid, "weight")] == ["23.4", "24"]


def test_crs_grade_live_and_explained_then_stored(qtbot, bedside, store):
    w, pid = bedside(datetime(2026, 11, 4, 12, 0, tzinfo=ZONE))
    temperature(qtbot, w, datetime(2026, 11, 4, 11, 0, tzinfo=ZONE), "38.6")
    at = datetime(2026, 11, 4, 11, 30, tzinfo=ZONE)
    f = fill_assessment(qtbot, w, at, {"hypotension": "one_vasopressor", "oxygen_device": "nasal_cannula",
                                       "oxygen_flow_l_min": 2}, {"capd_score": 0})
    assert f.grade.text().splitlines()[0] == ("CRS grade 3: one vasopressor")
    f.oxygen.set_value("bipap")
    assert f.grade.text().startswith("CRS grade 4: positive pressure ventilation (BiPAP 2 L/min)")
    f.oxygen.set_value("high_flow_nasal_cannula")
    type_into(qtbot, f.flow, "5")
    f.hypotension.set_value("none")
    assert f.grade.text().startswith("CRS grade 2: low-flow oxygen")
    assert "6 L/min" in f.notes.text()  # heated high-flow at <= 6 L/min is low-flow, and said so
    f.flow.clear()
    assert "required for high flow nasal cannula" in f.grade.text()
    qtbot.keyClick(f.flow, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    assert "required" in f.messages.text() and store.entries(pid, "assessment") == []
    type_into(qtbot, f.flow, "8")
    qtbot.keyClick(f.flow, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    [row] = store.entries(pid, "assessment")
    assert row.values["crs"].oxygen_device == "high_flow_nasal_cannula" and row.values["icans"].capd_score == 0
    assert w.state.result.assessments[-1].crs_grade == 3


def test_icans_capd_for_a_child_and_ice_for_a_teenager(qtbot, bedside):
    w, _ = bedside(datetime(2026, 11, 4, 12, 0, tzinfo=ZONE))
    f = w.grading.assessment
    assert f.capd_box.isVisible() and not f.ice_box.isVisible()
    for i, c in enumerate(f.capd_items, start=1):
        c.set_value(2)  # "sometimes": 2 points each way → 16
    assert f.capd_total.text() == "CAPD total: 16 of 32"
    assert "ICANS grade 3: CAPD 16" in f.grade.text()
    f.seizure.set_value("prolonged_or_repetitive")
    assert "ICANS grade 4: prolonged or repetitive seizures" in f.grade.text()
    f.tool.set_value("ice")  # the user may override the tool
    assert f.ice_box.isVisible()
    assert "ICE" in f.grade.text() and "required" in f.grade.text()


def test_ice_items_add_to_ten(qtbot, bedside):
    w, _ = bedside(datetime(2026, 11, 4, 12, 0, tzinfo=ZONE), dob="2011-01-01")
    f = w.grading.assessment
    assert f.ice_box.isVisible() and not f.capd_box.isVisible()
    assert [s.maximum() for s in f.ice_items.values()] == [4, 3, 1, 1, 1]
    for spin in f.ice_items.values():
        spin.lineEdit().selectAll()  # as Tab into the field does
        qtbot.keyClicks(spin.lineEdit(), str(spin.maximum()))
    assert f.ice_total.text() == "ICE total: 10 of 10"
    assert "ICANS grade 0: ICE 10" in f.grade.text()
    f.ice_items["orientation"].setValue(0)
    assert "ICANS grade 2: ICE 6" in f.grade.text()


def fever_course(qtbot, w):
    temperature(qtbot, w, datetime(2026, 11, 4, 7, 0, tzinfo=ZONE), "38.7")
    temperature(qtbot, w, datetime(2026, 11, 4, 11, 0, tzinfo=ZONE), "38.9")


def test_record_doses_escalate_and_reach_the_stop_rule(qtbot, bedside, store):
    w, pid = bedside(datetime(2026, 11, 4, 11, 5, tzinfo=ZONE))
    fever_course(qtbot, w)
    assert w.dose.dose_label.text() == "Anakinra 59 mg IV every 12 hours (0.4 mL)"
    assert w.dose.working.text() == "2.5 mg/kg/dose × 23.4 kg = 58.5 mg, rounded to 59 mg; 0.4 mL of 100 mg/0.67 mL"
    assert w.dose.table.item(0, w.dose.STATUS_COLUMN).text() == "● DUE NOW"
    w.show_screen(1)
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    d = w.dose.dialog
    assert d.mg.text() == "59"
    d.time.set_value(datetime(2026, 11, 4, 11, 10, tzinfo=ZONE))
    qtbot.keyClick(d.mg, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    assert w.dose.table.item(0, w.dose.STATUS_COLUMN).text() == "✓ given 4 Nov 11:10"
    assert "next dose 23:00, in 11 h 55 min" in w.header.status.text()
    # the fever banner no longer calls for the first dose: it says when the course started
    assert w.grading.fever_banner.text() == (
        "Persistent fever met at 4 Nov 11:00 (38.7 °C at 4 Nov 07:00 and 38.9 °C at 4 Nov 11:00);"
        " the first anakinra dose was given at 4 Nov 11:10.")
    assert w.grading.fever_banner._kind == "info"
    [given] = store.entries(pid, "medication")
    assert (given.values["drug"], str(given.values["dose_mg"]), given.entered_by) == ("anakinra", "59", "AB")
    # CRS progresses: the prompt to consider escalation stays until acknowledged, by whom
    w.clock.now = datetime(2026, 11, 4, 17, 0, tzinfo=ZONE)
    assessment(qtbot, w, datetime(2026, 11, 4, 16, 30, tzinfo=ZONE),
               {"hypotension": "no_vasopressor", "oxygen_device": "none"}, {"capd_score": 0})
    assert "Consider escalating" in w.dose.prompt_banner.text()
    qtbot.mouseClick(w.dose.ack_button, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, w)  # stored in the database, off the GUI thread
    assert w.dose.prompt_banner.isHidden()
    # attributed: who, role, when it was entered (the workstation's clock) and where
    assert re.search(r"acknowledged by AB \(nurse\) at \d+ \w{3} \d\d:\d\d on ward-3$", w.dose.ack_note.text())
    [ack] = store.acknowledgements(pid)
    assert (ack.alert, ack.entered_by, ack.role, ack.workstation) == ("consider_escalation", "AB", "nurse", "ward-3")
    assert ack.assessment_at == datetime(2026, 11, 4, 16, 30, tzinfo=ZONE)  # judged on that assessment
    # escalation is a prescriber's (issue 18): the nurse is refused, nothing stored
    assert "Only a prescriber may escalate" in escalate(qtbot, w, datetime(2026, 11, 4, 17, 0, tzinfo=ZONE), "x")
    w.dose.dialog.reject()
    as_user(w, "PR")
    # escalation needs a reason and a confirmation; nothing is stored without them
    assert "Tick the confirmation" in escalate(qtbot, w, datetime(2026, 11, 4, 17, 0, tzinfo=ZONE), "x", confirm=False)
    w.dose.dialog.reject()
    assert store.entries(pid, "escalation") == []
    assert not escalate(qtbot, w, datetime(2026, 11, 4, 17, 0, tzinfo=ZONE), "CRS progression to grade 2",
                        pin=WARD["PR"][2])
    [esc] = store.entries(pid, "escalation")
    assert esc.values["reason"] == "CRS progression to grade 2" and esc.values["by"] == "PR (prescriber)"
    assert w.dose.dose_label.text() == "Anakinra 59 mg IV every 6 hours (0.4 mL)"
    dues = [w.dose.table.item(r, 1).text() for r in range(w.dose.table.rowCount())]
    assert dues[:3] == ["4 Nov 11:00", "4 Nov 17:00", "4 Nov 23:00"]  # next = max(E, L + 6 h)
    # resolution, then the stop rule and its countdown
    w.clock.now = datetime(2026, 11, 5, 13, 0, tzinfo=ZONE)
    assessment(qtbot, w, datetime(2026, 11, 5, 12, 0, tzinfo=ZONE),
               {"hypotension": "none", "oxygen_device": "none"}, {"capd_score": 0})
    assert w.dose.stop.text() == ("May stop after 10 Nov 10:00: 48 h after resolution, not before day 7"
                                  " (resolved 5 Nov 12:00) — in 4 d 21 h.")
    w.clock.now = datetime(2026, 11, 10, 12, 0, tzinfo=ZONE)
    w.state.reload()
    assert "stop time reached" in w.dose.stop.text()


def test_correct_and_withdraw_entries_from_the_flowsheet(qtbot, bedside, store):
    w, pid = bedside(datetime(2026, 11, 4, 12, 0, tzinfo=ZONE))
    temperature(qtbot, w, datetime(2026, 11, 4, 7, 0, tzinfo=ZONE), "38.7")
    temperature(qtbot, w, datetime(2026, 11, 4, 11, 0, tzinfo=ZONE), "39.8")
    sheet = w.grading.flowsheet
    row = next(i for i, e in enumerate(sheet.rows) if e.kind == "temperature" and str(e.values["value"]) == "39.8")
    sheet.table.selectRow(row)
    qtbot.mouseClick(sheet.correct_button, Qt.MouseButton.LeftButton)
    d = sheet.dialog
    type_into(qtbot, d.reading.value, "38.9")
    qtbot.keyClick(d.reading.value, Qt.Key.Key_Return)  # no reason yet: refused
    wait_saved(qtbot, w)
    assert "reason" in d.messages.text()
    qtbot.keyClicks(d.reason, "typing error")
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    temps = store.entries(pid, "temperature")
    old = next(e for e in temps if str(e.values["value"]) == "39.8")
    new = next(e for e in temps if str(e.values["value"]) == "38.9")
    assert old.superseded_by == new.id and old.correction_reason == "typing error"
    row = next(i for i, e in enumerate(sheet.rows) if e.id == old.id and e.kind == "temperature")
    assert sheet.cell_text(row, 4) == "CORRECTED by AB: typing error"
    assert sheet.model.data(sheet.model.index(row, 2), Qt.ItemDataRole.FontRole).strikeOut()
    row = next(i for i, e in enumerate(sheet.rows) if e.id == new.id and e.kind == "temperature")
    sheet.table.selectRow(row)
    sheet.open_correction(withdraw=True)
    qtbot.keyClicks(sheet.dialog.reason, "wrong patient")
    qtbot.keyClick(sheet.dialog.reason, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    assert [str(t.value) for t in store.case_for(pid).temperatures] == ["38.7"]
    assert "ENTERED IN ERROR" in " ".join(sheet.cell_text(r, 4) for r in range(sheet.model.rowCount()))


def test_shortcuts_switch_screens_and_focus_the_temperature(qtbot, bedside):
    w, _ = bedside(datetime(2026, 11, 4, 12, 0, tzinfo=ZONE))
    from PySide6.QtWidgets import QApplication
    w.raise_()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    for key, index in ((Qt.Key.Key_2, 1), (Qt.Key.Key_3, 2), (Qt.Key.Key_1, 0)):
        qtbot.keyClick(w, key, Qt.KeyboardModifier.ControlModifier)
        assert w.stack.currentIndex() == index
    assert w.grading.temperature.value.hasFocus() or w.focusWidget() is w.grading.temperature.value


def test_the_live_grade_is_the_assessment_being_typed_in_the_repeated_hour(qtbot, make_window, store, nurse):
    """1 Nov 2026: with an assessment stored at the second 01:30 (CST, CRS grade 1), one typed at the
    first 01:30 (CDT) with a vasopressor showed the stored one's grade 1, not its own grade 3."""
    from datetime import date
    from decimal import Decimal
    from pacer_desktop.core.case import CrsInputs
    pid = store.add_patient(nurse, mrn="B-2", name="Bo Backward", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False,
                            infusion_at=datetime(2026, 10, 30, 10, 0, tzinfo=ZONE), timezone="America/Chicago")
    store.add_weight(nurse, pid, at=datetime(2026, 10, 29, 9, 0, tzinfo=ZONE), kg=Decimal("23.4"))
    store.add_temperature(nurse, pid, at=datetime(2026, 11, 1, 0, 30, tzinfo=ZONE), value=Decimal("39"), unit="C")
    store.add_assessment(nurse, pid, at=datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZONE),
                         crs=CrsInputs(hypotension="none", oxygen_device="none"), icans=None)
    w = make_window(datetime(2026, 11, 1, 2, 0, fold=1, tzinfo=ZONE))
    w.open_patient(pid)
    f = w.grading.assessment
    f.time.set_value(datetime(2026, 11, 1, 1, 30, tzinfo=ZONE))  # the first 01:30, CDT
    f.icans_assessed.setChecked(False)
    f.oxygen.set_value("none")
    f.hypotension.set_value("one_vasopressor")
    assert "CRS grade 3" in f.grade.text()
