"""Patients: create one through the form, find it by MRN or name, reopen the last one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.ui.uihelp import wait_saved

NOW = datetime(2026, 11, 6, 14, 0, tzinfo=UTC)


def fill_new_patient(qtbot, w, *, mrn="1001", name="Ada Child", dob=date(2016, 4, 12), zone="America/Chicago"):
    w.new_patient()
    d = w.dialog
    qtbot.keyClicks(d.mrn, mrn)
    qtbot.keyClicks(d.name, name)
    d.dob.set_value(dob)
    d.sex.set_value("female")
    d.zone.setText(zone)
    return d


def test_create_patient_through_the_form_stores_it_and_opens_it(qtbot, make_window, store):
    w = make_window(NOW)
    d = fill_new_patient(qtbot, w)
    qtbot.keyClick(d.name, Qt.Key.Key_Return)  # Enter saves
    wait_saved(qtbot, w)
    [p] = store.patients()
    assert (p.mrn, p.name, p.sex_at_birth, p.timezone) == ("1001", "Ada Child", "female", "America/Chicago")
    assert w.state.patient_id == p.id
    assert "Ada Child" in w.header.title.text() and "MRN 1001" in w.header.title.text()
    assert "10 years" in w.header.details.text()
    assert "protocol pacer-1" in w.header.details.text()
    assert "persistent fever not met" in w.header.status.text()


def test_duplicate_mrn_is_refused_with_its_reason(qtbot, make_window, store, nurse):
    w = make_window(NOW)
    store.add_patient(nurse, mrn="1001", name="Other", date_of_birth=None, sex_at_birth="male",
                      developmental_delay=False, infusion_at=NOW, timezone="UTC")
    d = fill_new_patient(qtbot, w)
    d.submit()
    wait_saved(qtbot, w)
    assert "1001" in d.messages.text()
    assert len(store.patients()) == 1


def test_search_by_mrn_or_name_and_reopen_last_patient(qtbot, make_window, store, nurse):
    ids = [store.add_patient(nurse, mrn=m, name=n, date_of_birth=None, sex_at_birth="male",
                             developmental_delay=False, infusion_at=NOW, timezone="UTC")
           for m, n in (("111", "Bob Alpha"), ("222", "Cy Beta"))]
    w = make_window(NOW)
    qtbot.keyClicks(w.patients.search, "222")
    assert w.patients.list.count() == 1
    qtbot.keyClick(w.patients.search, Qt.Key.Key_Return)
    assert w.state.patient_id == ids[1]
    w.patients.search.clear()
    qtbot.keyClicks(w.patients.search, "alpha")
    assert w.patients.list.count() == 1
    w.close()
    again = make_window(NOW)
    assert again.state.patient_id == ids[1]


def dob_message(d) -> str:
    """What the dialog says beside the date of birth."""
    return d.findChild(QLabel, "error_date_of_birth").text()


def test_a_date_of_birth_not_entered_is_asked_for_and_nothing_is_stored(qtbot, make_window, store):
    w = make_window(NOW)
    d = fill_new_patient(qtbot, w)
    d.dob.set_value(None)
    assert d.dob.text() == "— not entered"
    d.submit()
    wait_saved(qtbot, w)
    assert "Enter the date of birth." in dob_message(d)
    assert store.patients() == []


def test_a_date_of_birth_after_today_is_refused_beside_its_field(qtbot, make_window, store):
    w = make_window(NOW)  # 6 Nov 2026 08:00 in Chicago
    d = fill_new_patient(qtbot, w)
    d.dob.set_value(date(2026, 11, 7))
    d.submit()
    wait_saved(qtbot, w)
    assert "the date of birth 7 Nov 2026 is in the future" in dob_message(d)  # the store's own check
    assert store.patients() == []
    d.dob.set_value(date(2026, 11, 6))  # born today (in the ward's zone) is a date of birth
    d.submit()
    wait_saved(qtbot, w)
    assert [p.date_of_birth for p in store.patients()] == [date(2026, 11, 6)]


def test_a_date_of_birth_typed_by_sections_creates_the_patient_born_that_day(qtbot, make_window, store):
    w = make_window(NOW)
    d = fill_new_patient(qtbot, w)
    d.dob.set_value(None)
    d.dob.setFocus()
    qtbot.keyClicks(d.dob, "12042016")  # day, month, year as the field shows them
    assert d.dob.text() == "12 Apr 2016"
    qtbot.keyClick(d.dob, Qt.Key.Key_Return)  # Enter in the field saves
    wait_saved(qtbot, w)
    [p] = store.patients()
    assert p.date_of_birth == date(2016, 4, 12)


def test_the_list_words_the_date_of_birth_as_the_screens_do(qtbot, make_window, store, nurse):
    for mrn, born in (("111", date(2016, 4, 12)), ("222", None)):
        store.add_patient(nurse, mrn=mrn, name=f"Pat {mrn}", date_of_birth=born, sex_at_birth="male",
                          developmental_delay=False, infusion_at=NOW, timezone="UTC")
    w = make_window(NOW)
    rows = [w.patients.list.item(i).text() for i in range(w.patients.list.count())]
    assert any("MRN 111 · born 12 Apr 2016" in r for r in rows), rows
    assert any("MRN 222 · born —" in r for r in rows), rows


def test_escape_in_new_patient_asks_before_it_throws_away_what_was_typed(qtbot, make_window, store):
    """No lost entries: a slip on Escape (or Cancel) after typing a patient's details asks first;
    "Keep editing" (the default) keeps every field, "Discard" closes. Nothing typed: closes at once."""
    from PySide6.QtWidgets import QMessageBox
    w = make_window(NOW)
    d = fill_new_patient(qtbot, w)
    qtbot.keyClick(d.name, Qt.Key.Key_Escape)
    assert d.isVisible(), "the typed details were thrown away"
    box = d.discard_box
    assert box.isVisible()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()  # keep editing
    assert d.isVisible() and d.mrn.text() == "1001" and d.name.text() == "Ada Child"
    qtbot.keyClick(d.name, Qt.Key.Key_Escape)
    d.discard_box.button(QMessageBox.StandardButton.Discard).click()
    assert not d.isVisible()
    assert store.patients() == []
    w.new_patient()  # a new form starts empty, and with nothing typed Escape closes it at once
    fresh = w.dialog
    assert fresh.mrn.text() == ""
    qtbot.keyClick(fresh.mrn, Qt.Key.Key_Escape)
    assert not fresh.isVisible()


def test_new_patient_asks_for_any_detail_typed_and_its_question_goes_with_it(qtbot, make_window):
    """Review of the discard question: a time zone, protocol or infusion time set are typed details
    too; and when the form is closed for the program's reasons (another patient, the window
    closing: done(0)), its question closes with it rather than stay on screen alone."""
    from datetime import timedelta
    w = make_window(NOW)
    w.new_patient()
    d = w.dialog
    d.infusion.set_value(NOW - timedelta(days=1))
    qtbot.keyClick(d.mrn, Qt.Key.Key_Escape)
    assert d.isVisible(), "the infusion time typed was thrown away"
    w.new_patient()
    d = w.dialog
    d.zone.setText("Europe/London")
    qtbot.keyClick(d.mrn, Qt.Key.Key_Escape)
    assert d.isVisible(), "the time zone typed was thrown away"
    box = d.discard_box
    d.done(0)
    assert not box.isVisible()


def _two_patients(store, nurse) -> tuple[int, int]:
    from tests.ui.test_ui_dose_lines import febrile_patient
    return (febrile_patient(store, nurse, mrn="A-1", name="Ann Able"),
            febrile_patient(store, nurse, mrn="B-2", name="Ben Baker"))


def _temperature(store, user, pid):
    from decimal import Decimal
    return store.add_temperature(user, pid, at=datetime(2026, 11, 4, 18, 0, tzinfo=UTC), value=Decimal("38.6"), unit="C")


def test_the_status_bar_says_nothing_of_the_last_patient_once_another_is_chosen(qtbot, make_window, store, nurse):
    """Nothing of one patient is shown with the next: "✓ Saved: temperature 38.6 °C …" stayed 15
    seconds under the next patient's header."""
    a, b = _two_patients(store, nurse)
    w = make_window(datetime(2026, 11, 4, 18, 5, tzinfo=UTC))
    w.open_patient(a)
    w.state.save(_temperature, "temperature 38.6 °C at 4 Nov 12:00", on_problems=lambda p: None)
    qtbot.waitUntil(lambda: "Saved" in w.statusBar().currentMessage(), timeout=5000)
    w.open_patient(b)
    assert w.statusBar().currentMessage() == ""


def test_a_save_that_lands_after_another_patient_is_chosen_names_its_patient(qtbot, make_window, store, nurse,
                                                                          monkeypatch):
    """The write runs off the GUI thread; a nurse may choose the next patient before it lands. Its
    "✓ Saved: temperature …" then came under the next patient's header, as if it were theirs. (The
    write is held by keeping it from the worker until after the switch: a write that waits on an
    event would also be run by the gate's dry run, on the GUI thread.)"""
    a, b = _two_patients(store, nurse)
    w = make_window(datetime(2026, 11, 4, 18, 5, tzinfo=UTC))
    w.open_patient(a)
    held = {}
    real_run = w.state.ops.run
    monkeypatch.setattr(w.state.ops, "run", lambda work, **kw: held.update(work=work, **kw))
    w.state.save(_temperature, "temperature 38.6 °C at 4 Nov 12:00", on_problems=lambda p: None)
    w.open_patient(b)
    monkeypatch.setattr(w.state.ops, "run", real_run)
    real_run(held.pop("work"), **held)  # the write lands now, after the switch
    qtbot.waitUntil(lambda: "Saved" in w.statusBar().currentMessage(), timeout=5000)
    said = w.statusBar().currentMessage()
    assert "Ann Able" in said and "MRN A-1" in said, said
    assert w.state.patient_id == b and "Ben Baker" in w.header.title.text()
    assert [e.values["value"] for e in store.entries(a, "temperature")][-1] == Decimal("38.6")
