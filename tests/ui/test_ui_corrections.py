"""Corrections everywhere (never a silent edit): select an entry on the flowsheet, correct it in the
inputs of its kind or mark it entered in error, with a reason. Each test drives the dialog as a user
and then reads the database itself: the new row, the corrections row with its reason, the old row
as it was. Bad input is shown next to its field and stores nothing."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import get_args
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from pacer_desktop.core.case import CrsInputs, Drug, EligibilityInputs, IcansInputs
from tests.ui.enter import as_user, dose_given, press_enter, temperature, type_into
from tests.ui.uihelp import wait_saved

ZONE = ZoneInfo("America/Chicago")
INFUSION = datetime(2026, 11, 3, 10, 0, tzinfo=ZONE)
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=ZONE)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 4, hour, minute, tzinfo=ZONE)


@pytest.fixture
def bedside(make_window, store, nurse):
    """A 10-year-old (CAPD), infused 3 Nov 10:00, weighed 23.4 kg; the window at 4 Nov 12:00."""
    pid = store.add_patient(nurse, mrn="C-1", name="Cora Rection", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=INFUSION,
                            timezone="America/Chicago")
    store.add_weight(nurse, pid, at=INFUSION - timedelta(days=1), kg=Decimal("23.4"))

    def make():
        w = make_window(NOW)
        w.open_patient(pid)
        return w, pid
    return make


def rows(store, sql: str, *params) -> list[dict]:
    """Rows read straight from the database file (not through the store)."""
    conn = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def stored(store, *tables: str) -> dict[str, list[dict]]:
    return {table: rows(store, f"SELECT * FROM {table} ORDER BY id") for table in tables}


def select(qtbot, sheet, kind: str):
    """Click the current entry of ``kind`` on the flowsheet; returns it."""
    row = next(i for i, e in enumerate(sheet.rows) if e.kind == kind and e.current)
    table = sheet.table
    table.scrollTo(sheet.model.index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(sheet.model.index(row, 1)).center())
    assert sheet.selected() is sheet.rows[row]
    return sheet.rows[row]


def open_correct(qtbot, w, kind: str, *, withdraw: bool = False):
    sheet = w.grading.flowsheet
    entry = select(qtbot, sheet, kind)
    qtbot.mouseClick(sheet.error_button if withdraw else sheet.correct_button, Qt.MouseButton.LeftButton)
    assert sheet.dialog.isVisible()
    return sheet.dialog, entry


def choose(qtbot, combo, value) -> None:
    """Pick ``value`` in a closed combo box with the arrow keys, as a keyboard user does."""
    target = combo.findData(value)
    assert target >= 0, value
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)


def error(dialog, field: str) -> QLabel:
    return dialog.findChild(QLabel, f"error_{field}")


def flowsheet_status(w, entry_id: int, kind: str) -> str:
    sheet = w.grading.flowsheet
    row = next(i for i, e in enumerate(sheet.rows) if e.id == entry_id and e.kind == kind)
    return sheet.cell_text(row, 4)


def test_temperature_corrected_from_fahrenheit_to_celsius(qtbot, bedside, store):
    w, pid = bedside()
    assert not temperature(qtbot, w, at(7), "101.5", "F")
    [before] = rows(store, "SELECT * FROM temperatures")
    d, entry = open_correct(qtbot, w, "temperature")
    assert "temperature of 4 Nov 07:00" in d.was.text() and "101.5 °F" in d.was.text()  # what is changed
    assert (d.reading.value.text(), d.reading.unit.value()) == ("101.5", "F")
    assert d.reading.converted.text() == "= 38.61 °C"
    type_into(qtbot, d.reading.value, "38.6")
    choose(qtbot, d.reading.unit, "C")
    assert d.reading.converted.text() == "= 101.5 °F"  # the other unit, as on the entry form
    assert d.becomes.text() == "38.6 °C at 4 Nov 07:00"
    qtbot.keyClicks(d.reason, "taken in °C, typed as °F")
    press_enter(qtbot, d.reason)
    wait_saved(qtbot, w)
    assert not d.isVisible() and not d.messages.text()
    old, new = rows(store, "SELECT * FROM temperatures ORDER BY id")
    assert old == before  # the old row as it was
    assert (new["value"], new["unit"], new["entered_by"]) == ("38.6", "C", "AB")
    assert (new["at"], new["at_offset_s"]) == (old["at"], old["at_offset_s"])  # time kept exactly
    [c] = rows(store, "SELECT * FROM corrections")
    assert (c["kind"], c["entry_id"], c["replacement_id"], c["reason"], c["entered_by"]) == \
        ("temperature", old["id"], new["id"], "taken in °C, typed as °F", "AB")
    assert flowsheet_status(w, old["id"], "temperature") == "CORRECTED by AB: taken in °C, typed as °F"
    assert [(t.value, t.unit) for t in store.case_for(pid).temperatures] == [(Decimal("38.6"), "C")]


def test_medication_drug_and_dose_corrected(qtbot, bedside, store):
    w, pid = bedside()
    assert not dose_given(qtbot, w, at(8), "acetaminophen", "240")
    w.show_screen(0)
    [before] = rows(store, "SELECT * FROM medications")
    d, _ = open_correct(qtbot, w, "medication")
    assert [d.drug.itemData(i) for i in range(d.drug.count())] == list(get_args(Drug))  # the rules' drugs
    assert (d.drug.value(), d.mg.text()) == ("acetaminophen", "240")
    choose(qtbot, d.drug, "ibuprofen")
    type_into(qtbot, d.mg, "200")
    qtbot.keyClicks(d.reason, "wrong drug picked")
    press_enter(qtbot, d.drug)  # Enter on the (closed) drug list saves too
    wait_saved(qtbot, w)
    assert not d.isVisible()
    old, new = rows(store, "SELECT * FROM medications ORDER BY id")
    assert old == before
    assert (new["drug"], new["dose_mg"], new["at"]) == ("ibuprofen", "200", old["at"])
    [c] = rows(store, "SELECT * FROM corrections")
    assert (c["kind"], c["entry_id"], c["replacement_id"], c["reason"]) == \
        ("medication", old["id"], new["id"], "wrong drug picked")
    assert [m.drug for m in store.case_for(pid).medications] == ["ibuprofen"]


def test_assessment_crs_correction_changes_the_grade_shown(qtbot, bedside, store, nurse):
    """Clinical-rules §8: with fever, no hypotension and room air is grade 1; one vasopressor is 3."""
    w, pid = bedside()
    assert not temperature(qtbot, w, at(7), "38.7")
    store.add_assessment(nurse, pid, at=at(9), crs=CrsInputs(hypotension="none", oxygen_device="none"),
                         icans=IcansInputs(capd_score=0))
    w.state.reload()
    sheet = w.grading.flowsheet
    assert w.state.result.assessments[-1].crs_grade == 1
    [before] = rows(store, "SELECT * FROM assessments")
    d, entry = open_correct(qtbot, w, "assessment")
    assert "CRS: no hypotension, room air; ICANS: CAPD 0" in d.was.text()
    f = d.fields  # the grading screen's inputs, prefilled
    assert (f.hypotension.value(), f.oxygen.value(), f.tool.value(), f.capd_score.value()) == \
        ("none", "none", None, 0)
    assert f.grade.text().splitlines()[0].startswith("CRS grade 1")
    choose(qtbot, f.hypotension, "one_vasopressor")
    assert f.grade.text().splitlines()[0] == "CRS grade 3: one vasopressor"  # live, the old one left out
    qtbot.keyClicks(d.reason, "on noradrenaline since 08:30")
    qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, w)
    assert not d.isVisible()
    old, new = rows(store, "SELECT * FROM assessments ORDER BY id")
    assert old == before
    assert '"hypotension":"one_vasopressor"' in new["crs"] and new["icans"] == old["icans"]
    [c] = rows(store, "SELECT * FROM corrections")
    assert (c["kind"], c["entry_id"], c["replacement_id"], c["reason"]) == \
        ("assessment", old["id"], new["id"], "on noradrenaline since 08:30")
    assert w.state.result.assessments[-1].crs_grade == 3
    row = next(i for i, e in enumerate(sheet.rows) if e.kind == "assessment" and e.current)
    assert sheet.cell_text(row, 2).startswith("CRS grade 3, ICANS grade 0 · CRS: one vasopressor")


def _escalation_to_correct(qtbot, bedside, store, nurse):
    """A febrile patient escalated at 4 Nov 11:30 ("CRS progresion", misspelt), its correction open."""
    w, pid = bedside()
    store.add_temperature(nurse, pid, at=at(7), value=Decimal("38.7"), unit="C")
    store.add_temperature(nurse, pid, at=at(11), value=Decimal("38.9"), unit="C")
    store.add_escalation(nurse, pid, at=at(11, 30), reason="CRS progresion")
    w.state.reload()
    d, _ = open_correct(qtbot, w, "escalation")
    return w, d


def test_escalation_reason_corrected_who_decided_kept(qtbot, bedside, store, nurse):
    w, d = _escalation_to_correct(qtbot, bedside, store, nurse)
    assert d.escalation_reason.text() == "CRS progresion"
    type_into(qtbot, d.escalation_reason, "CRS progression to grade 2")
    qtbot.keyClicks(d.reason, "spelling")
    press_enter(qtbot, d.reason)
    wait_saved(qtbot, w)
    old, new = rows(store, "SELECT * FROM escalations ORDER BY id")
    assert (old["reason"], new["reason"]) == ("CRS progresion", "CRS progression to grade 2")
    assert new["by"] == old["by"] == "AB (nurse)" and new["at"] == old["at"]


def test_a_corrected_decision_says_its_time_apart_from_its_reason(qtbot, bedside, store, nurse):
    """An escalation's line ends with its reason, typed by the prescriber: "…: CRS progression at
    4 Nov 11:30" read as though the time were part of the reason (found in review)."""
    w, d = _escalation_to_correct(qtbot, bedside, store, nurse)
    type_into(qtbot, d.escalation_reason, "CRS progression")
    assert d.becomes.text() == "4 Nov 11:30: anakinra to every 6 hours, by AB (nurse): CRS progression"
    qtbot.keyClicks(d.reason, "spelling")
    press_enter(qtbot, d.reason)
    wait_saved(qtbot, w)
    assert w.statusBar().currentMessage() == (
        "✓ Saved: escalation of 4 Nov 11:30 (anakinra to every 6 hours, by AB (nurse): CRS progresion)"
        " corrected to 4 Nov 11:30: anakinra to every 6 hours, by AB (nurse): CRS progression")


def test_entered_in_error_withdraws_with_a_reason(qtbot, bedside, store):
    w, pid = bedside()
    assert not temperature(qtbot, w, at(7), "38.7")
    [before] = rows(store, "SELECT * FROM temperatures")
    d, _ = open_correct(qtbot, w, "temperature", withdraw=True)
    assert "38.7 °C" in d.was.text()
    qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)  # no reason: refused
    wait_saved(qtbot, w)
    assert error(d, "correction_reason").isVisible() and rows(store, "SELECT * FROM corrections") == []
    qtbot.keyClicks(d.reason, "wrong patient")
    qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, w)
    assert not d.isVisible()
    assert rows(store, "SELECT * FROM temperatures") == [before]  # kept, unchanged
    [c] = rows(store, "SELECT * FROM corrections")
    assert (c["kind"], c["entry_id"], c["replacement_id"], c["reason"]) == \
        ("temperature", before["id"], None, "wrong patient")
    assert store.case_for(pid).temperatures == ()
    assert flowsheet_status(w, before["id"], "temperature") == "ENTERED IN ERROR (AB): wrong patient"


def test_the_saved_message_names_the_entry_corrected_and_what_it_became(qtbot, bedside, store):
    """A nurse with two readings at 07:00 and 11:00 read "Saved: temperature corrected" and could not
    tell from it which one had changed, or to what."""
    w, pid = bedside()
    assert not temperature(qtbot, w, at(7), "101.5", "F")
    assert not temperature(qtbot, w, at(11), "38.7")
    d, entry = open_correct(qtbot, w, "temperature")
    assert entry.at == at(11)  # the flowsheet lists the newest first
    type_into(qtbot, d.reading.value, "38.6")
    qtbot.keyClicks(d.reason, "misread the thermometer")
    press_enter(qtbot, d.reason)
    wait_saved(qtbot, w)
    assert w.statusBar().currentMessage() == ("✓ Saved: temperature of 4 Nov 11:00 (38.7 °C) corrected to 38.6 °C"
                                              " at 4 Nov 11:00")
    d, entry = open_correct(qtbot, w, "temperature", withdraw=True)
    assert entry.at == at(11)
    qtbot.keyClicks(d.reason, "wrong patient")
    qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, w)
    assert w.statusBar().currentMessage() == "✓ Saved: temperature of 4 Nov 11:00 (38.6 °C) marked entered in error"


@pytest.mark.parametrize("kind, typed, reason, field, words", [
    ("temperature", "38.9", "", "correction_reason", "Give the reason"),
    ("temperature", "45", "typing error", "value", "outside 30–44 °C"),  # refused by storage
    ("temperature", "", "typing error", "value", "Enter the temperature"),
    ("weight", "abc", "typing error", "kg", "not a number"),
    ("weight", "250", "typing error", "kg", "outside 3–200 kg"),
])
def test_bad_input_is_shown_next_to_its_field_and_stores_nothing(qtbot, bedside, store, nurse,
                                                                 kind, typed, reason, field, words):
    w, pid = bedside()
    store.add_temperature(nurse, pid, at=at(7), value=Decimal("38.7"), unit="C")
    w.state.reload()
    before = stored(store, "temperatures", "weights")
    d, _ = open_correct(qtbot, w, kind)
    type_into(qtbot, d.reading.value if kind == "temperature" else d.kg, typed)
    qtbot.keyClicks(d.reason, reason)
    press_enter(qtbot, d.reason)
    wait_saved(qtbot, w)
    assert d.isVisible() and d.ok.isEnabled()
    assert error(d, field).isVisible() and words in error(d, field).text()
    assert stored(store, "temperatures", "weights") == before
    assert rows(store, "SELECT * FROM corrections") == []


def test_assessment_problem_shown_at_its_field_and_nothing_stored(qtbot, bedside, store, nurse):
    w, pid = bedside()
    store.add_assessment(nurse, pid, at=at(9), crs=CrsInputs(hypotension="none", oxygen_device="none"),
                         icans=IcansInputs(capd_score=0))
    w.state.reload()
    d, _ = open_correct(qtbot, w, "assessment")
    choose(qtbot, d.fields.oxygen, "nasal_cannula")  # a nasal cannula needs its flow
    qtbot.keyClicks(d.reason, "was on oxygen")
    press_enter(qtbot, d.reason)
    wait_saved(qtbot, w)
    assert d.isVisible() and "required" in error(d, "oxygen_flow_l_min").text()
    type_into(qtbot, d.fields.flow, "2")
    press_enter(qtbot, d.fields.flow)
    wait_saved(qtbot, w)
    assert not d.isVisible()
    assert [a.crs.oxygen_flow_l_min for a in store.case_for(pid).assessments] == [Decimal("2")]


def test_nothing_changed_is_not_a_correction(qtbot, bedside, store, nurse):
    w, pid = bedside()
    store.add_weight(nurse, pid, at=at(8), kg=Decimal("24.0"))
    w.state.reload()
    d, _ = open_correct(qtbot, w, "weight")
    assert d.kg.text() == "24"
    assert d.becomes.text() == "— (nothing changed yet)"
    qtbot.keyClicks(d.reason, "checking")
    press_enter(qtbot, d.reason)
    wait_saved(qtbot, w)
    assert "Nothing was changed" in d.form_error.text()
    assert rows(store, "SELECT * FROM corrections") == []


def test_keyboard_tab_follows_the_form_and_escape_cancels(qtbot, bedside, store, nurse):
    w, pid = bedside()
    store.add_temperature(nurse, pid, at=at(7), value=Decimal("38.7"), unit="C")
    w.state.reload()
    d, _ = open_correct(qtbot, w, "temperature")
    d.activateWindow()
    qtbot.waitUntil(lambda: d.isActiveWindow())
    assert d.focusWidget() is d.reading.value  # the first input has the focus
    order = [d.focusWidget()]
    for _ in range(10):
        qtbot.keyClick(d.focusWidget(), Qt.Key.Key_Tab)
        if d.focusWidget() is not order[-1]:
            order.append(d.focusWidget())
    cancel = next(b for b in d.findChildren(QPushButton) if b.text() == "Cancel")
    # (the date and time field takes one Tab per part: day, month, year, hour, minute)
    assert order[:6] == [d.reading.value, d.reading.unit, d.time.edit, d.reason, cancel, d.ok]
    qtbot.keyClick(d.reading.value, Qt.Key.Key_Escape)  # nothing typed: Escape cancels at once
    assert not d.isVisible()
    d, _ = open_correct(qtbot, w, "temperature")
    type_into(qtbot, d.reading.value, "39.1")
    qtbot.keyClick(d.reading.value, Qt.Key.Key_Escape)  # typed: it asks first (test_ui_typed_entries)
    d.discard_box.button(QMessageBox.StandardButton.Discard).click()
    assert not d.isVisible()
    assert rows(store, "SELECT * FROM corrections") == [] and len(rows(store, "SELECT * FROM temperatures")) == 1


def tab_chain(dialog) -> list:
    """The inputs Tab visits, in order (the focus chain, less what Tab skips)."""
    chain, widget = [], dialog.nextInFocusChain()
    while widget is not dialog:
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible() and widget.isEnabled()
                and widget.objectName() != "qt_spinbox_lineedit"):  # a spin box's own text field
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_assessment_dialog_tab_order_follows_the_form(qtbot, bedside, store, nurse):
    w, pid = bedside()
    store.add_assessment(nurse, pid, at=at(9), crs=CrsInputs(hypotension="none", oxygen_device="nasal_cannula",
                                                            oxygen_flow_l_min=Decimal("2")),
                         icans=IcansInputs(capd_score=0))
    w.state.reload()
    d, _ = open_correct(qtbot, w, "assessment")
    f = d.fields
    assert tab_chain(d)[:-2] == [f.time.edit, f.crs_assessed, f.hypotension, f.oxygen, f.flow, f.icans_assessed,
                                 f.tool, f.capd_score, f.unable, f.sedated, f.consciousness, f.seizure, f.motor,
                                 f.edema, d.reason]
    assert tab_chain(d)[-1] is d.ok


def test_eligibility_is_corrected_on_its_screen_with_a_reason(qtbot, bedside, store, nurse):
    w, pid = bedside()
    as_user(w, "RS")  # eligibility is research's or a prescriber's (issue 18)
    store.add_eligibility(w.state.user, pid, EligibilityInputs(assessed_on=date(2026, 10, 20), alt_u_l=Decimal("600")))
    w.state.reload()
    sheet = w.grading.flowsheet
    select(qtbot, sheet, "eligibility")
    assert sheet.correct_button.isEnabled() and "Eligibility screen" in sheet.correct_button.toolTip()
    qtbot.mouseClick(sheet.correct_button, Qt.MouseButton.LeftButton)
    s = w.eligibility
    assert w.stack.currentWidget() is s and s.correction_box.isVisible()
    assert "assessment of 20 Oct 2026" in s.correction_was.text()
    assert s.inputs["alt_u_l"].text() == "600" and s.status["alt"].text() == "✗ not met"
    type_into(qtbot, s.inputs["alt_u_l"], "60")
    assert s.status["alt"].text() == "✓ met"
    qtbot.mouseClick(s.save_button, Qt.MouseButton.LeftButton)  # no reason yet
    wait_saved(qtbot, w)
    assert error(s, "correction_reason").isVisible()
    assert len(rows(store, "SELECT * FROM eligibility")) == 1
    qtbot.keyClicks(s.correction_reason, "ALT typed with an extra 0")
    qtbot.mouseClick(s.save_button, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, w)
    old, new = rows(store, "SELECT * FROM eligibility ORDER BY id")
    assert '"alt_u_l":"600"' in old["inputs"] and '"alt_u_l":"60"' in new["inputs"]
    [c] = rows(store, "SELECT * FROM corrections")
    assert (c["kind"], c["entry_id"], c["replacement_id"], c["reason"]) == \
        ("eligibility", old["id"], new["id"], "ALT typed with an extra 0")
    assert not s.correction_box.isVisible() and s.save_button.text() == "&Save eligibility assessment"
    assert s.inputs["alt_u_l"].text() == "60"  # the assessment in force


def test_cancelling_an_eligibility_correction_stores_nothing(qtbot, bedside, store, nurse):
    w, pid = bedside()
    store.add_eligibility(nurse, pid, EligibilityInputs(assessed_on=date(2026, 10, 20), alt_u_l=Decimal("600")))
    w.state.reload()
    select(qtbot, w.grading.flowsheet, "eligibility")
    w.grading.flowsheet.open_correction(withdraw=False)
    s = w.eligibility
    type_into(qtbot, s.inputs["alt_u_l"], "60")
    qtbot.mouseClick(s.cancel_correction_button, Qt.MouseButton.LeftButton)
    assert not s.correction_box.isVisible() and s.inputs["alt_u_l"].text() == "600"
    assert rows(store, "SELECT * FROM corrections") == [] and len(rows(store, "SELECT * FROM eligibility")) == 1


def test_two_assessments_at_one_time_each_show_their_own_grades(qtbot, bedside, store, nurse):
    """A CRS check and an ICANS check entered for the same minute: each flowsheet row shows the
    grade its own inputs give, not the other's (the grades were once looked up by time)."""
    w, pid = bedside()
    assert not temperature(qtbot, w, at(7), "38.7")
    first = store.add_assessment(nurse, pid, at=at(9), crs=CrsInputs(hypotension="one_vasopressor",
                                                                    oxygen_device="none"), icans=None)
    second = store.add_assessment(nurse, pid, at=at(9), crs=None, icans=IcansInputs(capd_score=0))
    w.state.reload()
    sheet = w.grading.flowsheet
    text = {e.id: sheet.cell_text(i, 2) for i, e in enumerate(sheet.rows) if e.kind == "assessment"}
    assert text[first].startswith("CRS grade 3 · CRS: one vasopressor")
    assert text[second].startswith("ICANS grade 0 · ICANS: CAPD 0")


def test_after_a_correction_the_keyboard_is_back_on_the_flowsheet(qtbot, bedside, store):
    """Found in review: after Correct… or Entered in error… the next keys went into "Search MRN…"."""
    w, pid = bedside()
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    assert not temperature(qtbot, w, at(7), "38.7", "C")
    d, entry = open_correct(qtbot, w, "temperature", withdraw=True)
    type_into(qtbot, d.reason, "wrong patient")
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)
    qtbot.wait(50)
    assert w.focusWidget() is w.grading.flowsheet.table, w.focusWidget()  # where the keys go once back


def test_a_refusal_goes_once_the_input_is_changed(qtbot, bedside, store):
    """Found in review: 101.2 with °C was refused ("outside 30–44 °C"); with °F chosen the red
    message stayed beside "= 38.44 °C"."""
    w, pid = bedside()
    assert not temperature(qtbot, w, at(7), "38.7", "C")
    d, _entry = open_correct(qtbot, w, "temperature")
    d.reading.value.clear()
    type_into(qtbot, d.reading.value, "101.2")
    type_into(qtbot, d.reason, "typed in the wrong unit")
    d.submit()
    wait_saved(qtbot, w)
    assert "outside 30–44 °C" in d.messages.text()
    choose(qtbot, d.reading.unit, "F")
    assert "outside 30–44 °C" not in d.messages.text()
    d.done(0)
