"""No lost entries: a slip on Escape (or Cancel, or the close box) after typing into a form that
records something for the patient asks before it throws the typing away, as New patient does.
"Keep editing" is the default, so a second slip on Enter or Escape keeps it too; "Discard" closes
and nothing is stored. A form with nothing typed closes at once, and a form the program closes
(another patient, signing out) takes its question with it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from pacer_desktop.storage import User
from tests.ui.enter import type_into
from tests.ui.test_ui_dose_lines import febrile_patient

ZONE = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 4, 23, 10, tzinfo=ZONE)  # line 2 (23:00) is due


@pytest.fixture
def febrile(make_window, store, nurse):
    pid = febrile_patient(store, nurse, mrn="T-1", name="Tess Typed")
    w = make_window(NOW)
    w.open_patient(pid)
    return w, pid


def correction(qtbot, w):
    sheet = w.grading.flowsheet
    row = next(i for i, e in enumerate(sheet.rows) if e.kind == "temperature" and e.current)
    sheet.table.selectRow(row)
    qtbot.mouseClick(sheet.correct_button, Qt.MouseButton.LeftButton)
    return sheet.dialog, sheet.dialog.reading.value


def record_dose(qtbot, w):
    w.show_screen(1)
    w.dose.open_record_dose()
    return w.dose.dialog, w.dose.dialog.reason


def dose_typed_with_the_disk_gone(qtbot, w, store, monkeypatch):
    """Record dose open with a reason typed; the store's write then fails unexpectedly."""
    d, field = record_dose(qtbot, w)
    type_into(qtbot, field, "typed at the bedside")
    monkeypatch.setattr(type(store), "add_medication", lambda *a, **kw: (_ for _ in ()).throw(OSError("disk gone")))
    return d, field


def escalation(qtbot, w):
    w.state.set_user(User(initials="PR", role="prescriber", workstation="ward-3"))
    w.show_screen(1)
    w.dose.open_escalation()
    return w.dose.dialog, w.dose.dialog.reason


FORMS = {"correction": correction, "record dose": record_dose, "escalation": escalation}
TABLES = ("corrections", "medications", "dose_outcomes", "escalations")


def stored_rows(store) -> int:
    return sum(store._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES)


@pytest.mark.parametrize("form", FORMS)
def test_escape_after_typing_asks_and_keep_editing_is_the_default(qtbot, febrile, store, form):
    w, _ = febrile
    before = stored_rows(store)
    d, field = FORMS[form](qtbot, w)
    assert d.isVisible()
    type_into(qtbot, field, "39.1" if form == "correction" else "typed at the bedside")
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert d.isVisible(), "what was typed was thrown away"
    box = d.discard_box
    assert box.isVisible()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "&Keep editing"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # a second slip keeps it
    assert d.isVisible() and not box.isVisible() and field.text().endswith(("39.1", "bedside"))
    d.reject()  # the Cancel button and the close box reach the same question
    d.discard_box.button(QMessageBox.StandardButton.Discard).click()
    assert not d.isVisible()
    assert stored_rows(store) == before


@pytest.mark.parametrize("form", FORMS)
def test_with_nothing_typed_escape_closes_and_the_program_closes_the_question(qtbot, febrile, form):
    w, _ = febrile
    d, field = FORMS[form](qtbot, w)
    qtbot.keyClick(field, Qt.Key.Key_Escape)  # only what the form filled in itself: closes at once
    assert not d.isVisible()
    d, field = FORMS[form](qtbot, w)
    type_into(qtbot, field, "39.1" if form == "correction" else "typed at the bedside")
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    box = d.discard_box
    d.done(0)  # closed by the program: another patient, another user signing in
    assert not d.isVisible() and not box.isVisible()


def test_a_time_set_by_hand_is_typing_too(qtbot, febrile):
    w, _ = febrile
    d, _ = record_dose(qtbot, w)
    qtbot.keyClick(d.time.edit, Qt.Key.Key_Down)  # the day, one back
    assert d.time.value() < NOW - timedelta(hours=23)
    qtbot.keyClick(d.reason, Qt.Key.Key_Escape)
    assert d.isVisible() and d.discard_box.isVisible()


def assessment_correction(qtbot, w, store, nurse, pid):
    from pacer_desktop.core.case import CrsInputs, IcansInputs
    store.add_assessment(nurse, pid, at=datetime(2026, 11, 4, 12, 0, tzinfo=ZONE),
                         crs=CrsInputs(hypotension="none", oxygen_device="none"), icans=IcansInputs(capd_score=0))
    w.state.reload()
    sheet = w.grading.flowsheet
    row = next(i for i, e in enumerate(sheet.rows) if e.kind == "assessment" and e.current)
    sheet.table.selectRow(row)
    qtbot.mouseClick(sheet.correct_button, Qt.MouseButton.LeftButton)
    return sheet.dialog


def first_visible_spin_box(d):
    from PySide6.QtWidgets import QAbstractSpinBox, QDateTimeEdit
    return next(s for s in d.findChildren(QAbstractSpinBox) if s.isVisibleTo(d) and not isinstance(s, QDateTimeEdit))


def unit_changed(qtbot, w, store, nurse, pid):
    d, _ = correction(qtbot, w)
    qtbot.keyClick(d.reading.unit, Qt.Key.Key_Down)  # °C to °F
    return d


def assessment_choice_changed(qtbot, w, store, nurse, pid):
    d = assessment_correction(qtbot, w, store, nurse, pid)
    qtbot.keyClick(d.fields.hypotension, Qt.Key.Key_Down)
    return d


def assessment_score_stepped(qtbot, w, store, nurse, pid):
    d = assessment_correction(qtbot, w, store, nurse, pid)
    qtbot.keyClick(first_visible_spin_box(d), Qt.Key.Key_Up)
    return d


def escalation_ticked(qtbot, w, store, nurse, pid):
    d, _ = escalation(qtbot, w)
    d.confirm.click()
    return d


def dose_held_chosen(qtbot, w, store, nurse, pid):
    d, _ = record_dose(qtbot, w)
    qtbot.keyClick(d.outcome, Qt.Key.Key_Down)  # given to held
    return d


CHOICES = {  # a change made without typing a character: a choice, a tick, an arrow
    "temperature unit": unit_changed, "assessment choice": assessment_choice_changed,
    "assessment score arrow": assessment_score_stepped, "escalation ticked": escalation_ticked,
    "dose held chosen": dose_held_chosen,
}


@pytest.mark.parametrize("change", CHOICES)
def test_a_choice_a_tick_or_an_arrow_is_typing_too(qtbot, febrile, store, nurse, change):
    """Found in review: the question came for text typed but not for a change made with a drop-down,
    a tick box or a spin box's arrow, which Escape then threw away without asking."""
    w, pid = febrile
    d = CHOICES[change](qtbot, w, store, nurse, pid)
    assert d.isVisible()
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert d.isVisible() and d.discard_box is not None and d.discard_box.isVisible(), "the change was thrown away"


def test_what_the_form_changes_by_itself_is_not_typing(qtbot, febrile, store, nurse):
    """The half-minute redraw works the grade out again and the times follow the clock: a form left
    open with nothing typed still closes at once on Escape."""
    w, pid = febrile
    d = assessment_correction(qtbot, w, store, nurse, pid)
    w.clock.now = NOW + timedelta(minutes=2)
    w._tick()
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()
    d, _ = record_dose(qtbot, w)
    w.clock.now = NOW + timedelta(minutes=4)
    w._tick()
    qtbot.wait(1100)  # the time field looks at the clock every second
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()


def test_now_pressed_in_a_correction_is_a_change(qtbot, febrile):
    """Found in review: a correction's time is the entry's own; Now moves it to the clock, which
    Save would store, yet Escape closed the dialog without asking."""
    w, _ = febrile
    d, _ = correction(qtbot, w)
    before = d.time.value()
    qtbot.mouseClick(d.time.now_button, Qt.MouseButton.LeftButton)
    assert d.time.value() != before
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert d.isVisible() and d.discard_box.isVisible()


@pytest.mark.parametrize("form", ["record dose", "escalation"])
def test_escape_while_the_save_is_under_way_neither_asks_nor_closes(qtbot, febrile, store, monkeypatch, form):
    """A save waiting on the disk (another workstation writing, a slow share) is not "nothing saved":
    discarding then would let the entry land after the nurse was told it had not, and she would
    record it again. Escape and the close box wait; the dialog closes when the save lands."""
    w, _ = febrile
    d, field = FORMS[form](qtbot, w)
    type_into(qtbot, field, "typed at the bedside")
    if form == "escalation":
        d.confirm.setChecked(True)
    sent = {}
    real_save = w.state.save
    monkeypatch.setattr(w.state, "save", lambda work, text, **kw: sent.update(work=work, text=text, **kw) or True)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert sent, d.messages.text()  # the save was sent, and has not answered
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    d.reject()  # the close box
    assert d.isVisible()
    assert d.discard_box is None or not d.discard_box.isVisible()
    monkeypatch.setattr(w.state, "save", real_save)
    assert w.state.save(sent.pop("work"), sent.pop("text"), **sent)  # the write goes on now
    if form == "escalation":  # a signed decision: the PIN is asked; closing that gives the form back
        qtbot.waitUntil(lambda: w.gate.dialog is not None and w.gate.dialog.isVisible())
        w.gate.dialog.reject()
        qtbot.waitUntil(d.ok.isEnabled, timeout=5000)
        assert d.isVisible() and "not signed" in d.messages.text().lower()
        d.reject()
        assert d.discard_box.isVisible()  # and Escape asks again
        assert stored_rows(store) == 0
        return
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)
    assert stored_rows(store) == 1


def test_a_save_that_fails_unexpectedly_gives_the_form_back(qtbot, febrile, store, monkeypatch):
    w, _ = febrile
    d, field = dose_typed_with_the_disk_gone(qtbot, w, store, monkeypatch)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: d.ok.isEnabled(), timeout=5000)
    assert "Not saved: the program met an error" in d.messages.text() and "Check the flowsheet" in d.messages.text()
    assert "disk gone" in w._failure_box.text()  # the error's own words, for IT
    assert d.isVisible() and stored_rows(store) == 0


def _escalation_sent_to_sign(qtbot, w):
    d, field = escalation(qtbot, w)
    type_into(qtbot, field, "CRS progression")
    d.confirm.setChecked(True)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.gate.dialog is not None and w.gate.dialog.isVisible())
    return d, w.gate.dialog


def test_escape_on_the_pin_dialog_while_the_pin_is_checked_waits_for_the_check(qtbot, febrile, store, people_pins):
    """The check waits behind any write on the one worker (another workstation's lock: up to 30 s).
    Escaped then, the form said "Not signed: nothing was saved" and took input again; then the check
    answered, the escalation was stored, and a second press could store it twice."""
    w, _ = febrile
    d, sign = _escalation_sent_to_sign(qtbot, w)
    sign.pin.setText(people_pins["PR"])
    sign.submit()  # Enter: the PIN goes to the worker
    sign.reject()  # Escape before it answers
    assert "not signed" not in d.messages.text().lower() and not d.ok.isEnabled()
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)  # signed and stored: the form closes
    assert stored_rows(store) == 1


def test_a_pin_dialog_the_program_closes_during_its_check_signs_nothing(qtbot, febrile, store, people_pins):
    """Closed by the window (another patient, another user) while the PIN is checked: the form is told
    "Not signed: nothing was saved", and that stays true when the check answers."""
    w, _ = febrile
    d, sign = _escalation_sent_to_sign(qtbot, w)
    sign.pin.setText(people_pins["PR"])
    sign.submit()
    sign.done(0)
    assert "not signed" in d.messages.text().lower()
    qtbot.waitUntil(lambda: not w.ops.busy, timeout=5000)
    qtbot.wait(50)
    assert stored_rows(store) == 0


def test_a_refused_pin_grows_the_pin_dialog_rather_than_squeezing_its_field(qtbot, febrile, store):
    """As in the sign-in dialog (seen under Xvfb): "Not signed: …" added below a dialog shown without
    it took its height from the PIN field."""
    from PySide6.QtWidgets import QApplication
    w, _ = febrile
    _, sign = _escalation_sent_to_sign(qtbot, w)
    sign.pin.setText("000000")
    sign.submit()
    qtbot.waitUntil(lambda: sign.message.text().startswith("Not signed"), timeout=5000)
    QApplication.processEvents()
    assert sign.pin.height() >= sign.pin.sizeHint().height()
    assert sign.message.height() >= sign.message.heightForWidth(sign.message.width())
    assert stored_rows(store) == 0


def test_a_form_whose_entry_was_stored_closes_even_if_the_redraw_fails(qtbot, febrile, store, monkeypatch):
    w, _ = febrile
    d, field = record_dose(qtbot, w)
    type_into(qtbot, field, "typed at the bedside")

    def reload_fails():
        raise RuntimeError("read failed after the write")
    monkeypatch.setattr(w.state, "reload", reload_fails)
    with qtbot.capture_exceptions():
        qtbot.keyClick(field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: stored_rows(store) == 1, timeout=5000)
        qtbot.wait(50)
    assert not d.isVisible() and not d.saving


def _sent_then_closed(qtbot, w, field, monkeypatch) -> dict:
    """Enter in the form's ``field`` with the save held back, then the window closes the form (as
    when another user signs in); returns the save as sent, for the test to let it run."""
    sent = {}
    real_save = w.state.save
    monkeypatch.setattr(w.state, "save", lambda work, text, **kw: sent.update(work=work, text=text, **kw) or True)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    w._close_patient_dialogs()
    monkeypatch.setattr(w.state, "save", real_save)
    return sent


def test_a_save_answering_after_the_program_closed_the_form_still_says_saved(qtbot, febrile, store, monkeypatch):
    """Another user signs in during the save (the window closes the form) and opens Record dose again
    (the old form is deleted); then the first save lands."""
    w, _ = febrile
    d, field = record_dose(qtbot, w)
    type_into(qtbot, field, "typed at the bedside")
    sent = _sent_then_closed(qtbot, w, field, monkeypatch)
    w.dose.open_record_dose()  # the old form is deleted
    qtbot.wait(20)
    said = []
    w.state.saved.connect(said.append)
    with qtbot.capture_exceptions() as raised:
        w.state.save(sent.pop("work"), sent.pop("text"), **sent)
        qtbot.waitUntil(lambda: stored_rows(store) == 1, timeout=5000)
        qtbot.wait(50)
    assert not raised, raised
    assert said and said[0].startswith("anakinra")
    assert w.dose.dialog.isVisible() and w.dose.dialog.ok.isEnabled()  # the new form is untouched


def test_a_redraw_failing_after_a_save_says_the_screen_may_be_out_of_date(qtbot, febrile, store, monkeypatch):
    """The dose is stored but the schedule still shows its line open: a nurse could give it again."""
    w, _ = febrile
    d, field = record_dose(qtbot, w)
    type_into(qtbot, field, "typed at the bedside")
    monkeypatch.setattr(w.state, "reload", lambda: (_ for _ in ()).throw(RuntimeError("read failed")))
    with qtbot.capture_exceptions():  # the error also goes to the error hook
        qtbot.keyClick(field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: stored_rows(store) == 1, timeout=5000)
        qtbot.waitUntil(lambda: getattr(w, "_failure_box", None) is not None, timeout=5000)
    box = w._failure_box
    assert box.windowTitle() == "Saved: the screen may be out of date"
    assert "select the patient again" in box.text() and "read failed" in box.text()


def test_an_unexpected_failure_after_the_form_was_closed_is_said_once(qtbot, febrile, store, monkeypatch):
    w, _ = febrile
    d, field = dose_typed_with_the_disk_gone(qtbot, w, store, monkeypatch)
    failed = []
    w.state.failed.connect(failed.append)
    sent = _sent_then_closed(qtbot, w, field, monkeypatch)
    w.state.save(sent.pop("work"), sent.pop("text"), **sent)
    qtbot.waitUntil(lambda: not w.ops.busy, timeout=5000)
    qtbot.wait(50)
    assert failed == ["Not saved: AB's entry “anakinra 59 mg given at 4 Nov 23:10 for line 2”. The error: disk gone"]


def test_a_decision_left_unsigned_at_a_change_of_user_is_reported_with_whose_it_was(qtbot, febrile, store, people_pins):
    """PR leaves the PIN prompt of an escalation; AB signs in at the workstation. Nothing was stored;
    the window says so once, naming PR, so that PR's escalation is not believed made."""
    w, _ = febrile
    d, sign = _escalation_sent_to_sign(qtbot, w)
    failed = []
    w.state.failed.connect(failed.append)
    w._signed_in(User(initials="AB", role="nurse", workstation="ward-3"), w.state.user, None)
    qtbot.waitUntil(lambda: not w.ops.busy, timeout=5000)
    assert stored_rows(store) == 0 and not d.isVisible()
    assert len(failed) == 1 and failed[0].startswith("Not saved: PR's entry “Escalated to every 6 hours at") \
        and failed[0].endswith("(its form had been closed). Not signed: nothing was saved.")


def test_a_failed_read_back_after_a_save_keeps_the_screen_consistent_and_reports_the_error(
        qtbot, febrile, store, monkeypatch):
    """The patient's entries were read anew while the case and its result were not: the screens
    and the dialogs' previews disagreed. Now nothing changes until everything is read, and the
    error reaches the error hook (and so the test) besides the window's box."""
    w, _ = febrile
    entries, case, result = w.state.entries, w.state.case, w.state.result
    d, field = record_dose(qtbot, w)
    type_into(qtbot, field, "typed at the bedside")
    monkeypatch.setattr(type(store), "case_for", lambda *a, **kw: (_ for _ in ()).throw(OSError("read failed")))
    with qtbot.capture_exceptions() as raised:
        qtbot.keyClick(field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: stored_rows(store) == 1, timeout=5000)
        qtbot.wait(50)
    assert [str(e[1]) for e in raised] == ["read failed"]
    assert (w.state.entries, w.state.case, w.state.result) == (entries, case, result)
    assert w._failure_box.windowTitle() == "Saved: the screen may be out of date"


def test_another_medication_with_no_dose_is_said_in_plain_words(qtbot, febrile, store):
    w, _ = febrile
    w.show_screen(1)
    w.dose.open_record_dose(other=True)
    d = w.dose.dialog
    said = []
    w.state.saved.connect(said.append)
    qtbot.keyClick(d.mg, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    assert said[0] == f"{d.drug.value()} given at 4 Nov 23:10"


def test_a_not_saved_box_quotes_whose_entry_it_was_and_what(qtbot, febrile, store, monkeypatch):
    """The box's text used the words of a save that worked ("Patient Jane Doe created") as if they
    were a fact; they are now quoted as what the entry was, so no one reads them as done."""
    w, _ = febrile
    d, field = dose_typed_with_the_disk_gone(qtbot, w, store, monkeypatch)
    failed = []
    w.state.failed.connect(failed.append)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    assert failed == ["Not saved: AB's entry “anakinra 59 mg given at 4 Nov 23:10 for line 2”. The error: disk gone"]
