"""Each dose on the line it was given for (issue: a whole ward shift without harm, §2; rules §5a rev 2).

The patient: infused 3 Nov 10:00 (Chicago), persistent fever met 4 Nov 11:00, so lines are due
4 Nov 11:00, 4 Nov 23:00, 5 Nov 11:00 … every 12 hours while nothing is given late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from pacer_desktop.core.case import CrsInputs, IcansInputs
from pacer_desktop.core.errors import CaseError
from pacer_desktop.storage import User
from tests.people import WARD
from tests.ui.enter import sign, type_into
from tests.ui.uihelp import wait_saved

ZONE = ZoneInfo("America/Chicago")
INFUSION = datetime(2026, 11, 3, 10, 0, tzinfo=ZONE)
START = datetime(2026, 11, 4, 11, 0, tzinfo=ZONE)



def at(day: int, h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=ZONE)


def febrile_patient(store, nurse, *, mrn: str = "L-1", name: str = "Lena Lines") -> int:
    """A 10-year-old, 23.4 kg, infused 3 Nov 10:00, whose persistent fever (4 Nov 07:00 and 11:00)
    starts anakinra at 4 Nov 11:00, every 12 hours."""
    pid = store.add_patient(nurse, mrn=mrn, name=name, date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=INFUSION,
                            timezone="America/Chicago")
    store.add_weight(nurse, pid, at=INFUSION - timedelta(days=1), kg=Decimal("23.4"))
    store.add_temperature(nurse, pid, at=at(4, 7), value=Decimal("38.7"), unit="C")
    store.add_temperature(nurse, pid, at=START, value=Decimal("38.9"), unit="C")
    return pid


@pytest.fixture
def febrile(make_window, store, nurse):
    def make(now: datetime):
        pid = febrile_patient(store, nurse)
        w = make_window(now)
        w.open_patient(pid)
        w.show_screen(1)
        return w, pid
    return make


def status_cell(w, line: int) -> str:
    row = next(i for i, r in enumerate(w.dose.rows) if r.line == line)
    return w.dose.table.item(row, w.dose.STATUS_COLUMN).text()


def record(qtbot, w, *, line: int | None = None, given_at: datetime | None = None, outcome: str = "given",
           reason: str = "", mg: str | None = None) -> str:
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    d = w.dose.dialog
    if line is not None:
        d.line.set_value(line)
    d.outcome.set_value(outcome)
    if given_at is not None:
        d.time.set_value(given_at)
    if mg is not None:
        type_into(qtbot, d.mg, mg)
    type_into(qtbot, d.reason, reason)
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    return d.messages.text()


def test_the_dialog_offers_the_overdue_line_and_records_the_dose_on_it(qtbot, febrile, store):
    """The dose goes on the line it was given for; header, banner and schedule agree at once."""
    w, pid = febrile(at(5, 0, 10))
    assert status_cell(w, 1) == "✗ missed"
    assert status_cell(w, 2).startswith("‼ OVERDUE")
    assert "dose OVERDUE since 4 Nov 23:00" in w.header.status.text()
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    assert w.dose.dialog.line.value() == 2  # the overdue line is offered
    assert "Line 2, due 4 Nov 23:00: 59 mg (0.4 mL)" in w.dose.dialog.due_label.text()
    w.dose.dialog.reject()
    assert not record(qtbot, w, given_at=at(4, 23, 50))
    assert status_cell(w, 2) == "✓ given 4 Nov 23:50"
    [med] = store.case_for(pid).medications
    assert (med.for_line, med.dose_mg) == (2, Decimal(59))
    assert w.header.status.text().endswith("next dose 11:00, in 10 h 50 min")
    assert "DUE NOW" not in w.grading.fever_banner.text() and "OVERDUE" not in w.header.status.text()


def test_a_dose_given_beyond_the_window_needs_a_reason_and_re_times_what_follows(qtbot, febrile, store):
    """# rules §5a rev 2: given 1 h 30 min late, the next line is due 12 hours after it."""
    w, pid = febrile(at(5, 0, 40))
    assert "reason" in record(qtbot, w, line=2, given_at=at(5, 0, 30)).lower()
    assert store.case_for(pid).medications == ()
    assert not record(qtbot, w, line=2, given_at=at(5, 0, 30), reason="no IV access until 00:20")
    row = next(r for r in w.dose.rows if r.line == 3)
    assert row.due == at(5, 12, 30)
    assert row.note == "re-timed from the 4 Nov 23:00 dose, given 1 h 30 min late"
    assert store.case_for(pid).medications[0].reason == "no IV access until 00:20"


@pytest.mark.parametrize("outcome", ["held", "refused", "omitted"])
def test_a_line_can_be_held_refused_or_omitted_with_a_reason(qtbot, febrile, store, outcome):
    w, pid = febrile(at(4, 23, 10))
    assert "reason" in record(qtbot, w, line=2, outcome=outcome).lower()  # a reason is required
    assert not record(qtbot, w, line=2, outcome=outcome, reason="blood pressure low, prescriber told")
    assert status_cell(w, 2) == f"{outcome}: blood pressure low, prescriber told"
    [closed] = store.case_for(pid).dose_outcomes
    assert (closed.line, closed.outcome, closed.by) == (2, outcome, "AB (nurse)")
    # header, banner and schedule agree: nothing is due now, the next line is 5 Nov 11:00
    assert w.header.status.text().endswith("next dose 11:00, in 11 h 50 min")
    assert "DUE NOW" not in w.grading.fever_banner.text()


def test_a_line_that_has_a_dose_is_not_offered_again(qtbot, febrile, store, nurse):
    w, pid = febrile(at(4, 11, 30))
    assert not record(qtbot, w, line=1, given_at=at(4, 11, 20))
    w.dose.table.selectRow(0)  # the given line, selected before Record dose
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    d = w.dose.dialog
    assert 1 not in d.line.values()
    assert d.notice.text() == ("Line 1 already has a dose recorded (given 4 Nov 11:20): a correction goes"
                               " through Correct… on the flowsheet.")
    d.reject()
    with pytest.raises(CaseError) as err:  # the store refuses it too, naming the field
        store.add_medication(nurse, pid, at=at(4, 11, 25), drug="anakinra", dose_mg=Decimal(59), for_line=1)
    assert err.value.problems[0].field == "for_line"
    assert "line 1 already has a dose recorded" in err.value.problems[0].message


def test_after_the_stop_a_fever_raises_recurrence_and_a_prescriber_restarts(qtbot, febrile, store, nurse):
    """# rules §6 rev 2: the stop stands, the alert shows; a signed restart starts a new course."""
    w, pid = febrile(at(11, 8))
    store.add_assessment(nurse, pid, at=at(5, 13), crs=CrsInputs(hypotension="none", oxygen_device="none"),
                         icans=IcansInputs(capd_score=0))
    store.add_temperature(nurse, pid, at=at(11, 7), value=Decimal("38.6"), unit="C")
    w.state.reload()
    assert "stop time reached" in w.dose.stop.text()
    assert "Fever or CRS/ICANS after the stop time" in w.dose.prompt_banner.text()
    assert "Only a prescriber may restart" in w.dose.restart_button.toolTip()  # the nurse may not (issue 18)
    w.state.set_user(User(initials="PR", role="prescriber", workstation="ward-3"))
    assert w.dose.restart_button.isEnabled() and not w.dose.escalate_button.isEnabled()
    qtbot.mouseClick(w.dose.restart_button, Qt.MouseButton.LeftButton)
    d = w.dose.dialog
    d.time.set_value(at(11, 7, 30))
    qtbot.keyClicks(d.reason, "fever back after the stop")
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    assert "Tick the confirmation" in d.messages.text() and store.entries(pid, "restart") == []
    d.confirm.setChecked(True)
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    sign(qtbot, w, WARD["PR"][2])  # issue 18: a restart is signed
    [restart] = store.case_for(pid).restarts
    assert (restart.by, restart.reason) == ("PR (prescriber)", "fever back after the stop")
    assert "Fever or CRS/ICANS after the stop time" not in w.dose.prompt_banner.text()
    assert "dose OVERDUE" not in w.header.status.text()
    new = [r for r in w.dose.rows if r.course == 2]
    assert new[0].due == at(11, 7, 30) and new[0].status == "due"


def test_the_administration_record_shows_the_same_lines_and_outcomes(qtbot, febrile, store, nurse):
    from pacer_desktop.reports.documents import make_job, render
    from pacer_desktop.reports.content import PatientHeader
    from tests.reports.pdfcheck import pdf_text
    w, pid = febrile(at(5, 0, 10))
    store.add_medication(nurse, pid, at=at(4, 11, 5), drug="anakinra", dose_mg=Decimal(59), for_line=1)
    store.add_dose_outcome(nurse, pid, line=2, outcome="held", at=at(4, 23, 5), reason="hypotension")
    case = store.case_for(pid, now=at(5, 0, 10))
    header = PatientHeader(name="Lena Lines", mrn="L-1", date_of_birth=date(2016, 4, 12), sex_at_birth="female")
    text = pdf_text(render(make_job("mar", case, header, printed_by="AB")))
    assert "Line" in text and "given 4 Nov 2026 11:05" in text.replace("\n", " ")
    assert "held 4 Nov 2026 23:05 by AB (nurse): hypotension" in " ".join(text.split())  # when and by whom


def test_the_administration_record_printed_from_the_database_says_who_recorded_each_dose(febrile, store, nurse):
    """An entry no one can trust is the third failure: the paper record said "given 4 Nov 11:05"
    for a dose recorded in the application, with its Given by column empty. Printed from the
    database (as the window and `print --mrn` do), it says who recorded it, as a held line does."""
    from pacer_desktop.evaluation import evaluate_case
    from pacer_desktop.reports.content import PatientHeader
    from pacer_desktop.reports.documents import make_job, render
    from pacer_desktop.storage.dose_verification import for_print
    from tests.reports.pdfcheck import pdf_text
    w, pid = febrile(at(5, 0, 10))
    store.add_medication(nurse, pid, at=at(4, 11, 5), drug="anakinra", dose_mg=Decimal(59), for_line=1)
    case = store.case_for(pid, now=at(5, 0, 10))
    header = PatientHeader(name="Lena Lines", mrn="L-1", date_of_birth=date(2016, 4, 12), sex_at_birth="female")
    text = pdf_text(render(make_job("mar", case, header, printed_by="AB",
                                    **for_print(store, pid, evaluate_case(case), "mar"))))
    assert "given 4 Nov 2026 11:05, recorded by AB (nurse)" in " ".join(text.split())


def test_withdrawing_the_fever_a_recorded_dose_depends_on_names_that_dose(store, nurse, clock):
    """Withdrawing the temperature that made the fever persistent leaves the dose recorded for line 1
    without its line; the refusal read "medications[0].for_line: anakinra has not started: there is
    no line 1", which names nothing a nurse can find. It names the dose and what to do first."""
    from pacer_desktop.core.errors import CaseError
    clock.now = at(4, 12)
    pid = febrile_patient(store, nurse)
    store.add_medication(nurse, pid, at=at(4, 11, 5), drug="anakinra", dose_mg=Decimal(59), for_line=1)
    fever = store.entries(pid, "temperature")[-1]
    with pytest.raises(CaseError) as refused:
        store.correct(nurse, "temperature", fever.id, reason="wrong patient")
    [problem] = refused.value.problems
    assert problem.message.startswith("the anakinra dose of 4 Nov 11:05: anakinra has not started")
    assert problem.message.endswith("Correct or withdraw that entry first.")
    assert store.entries(pid, "temperature")[-1].current  # nothing was withdrawn


def test_a_message_in_the_record_dialog_is_shown_whole(qtbot, febrile):
    """Seen under Xvfb: 'Given 5 h 52 min late, outside the 60 minutes either side of the due time:
    give the reason.' was cut after two lines."""
    w, pid = febrile(at(5, 6, 20))
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    d = w.dose.dialog
    d.line.set_value(2)
    d.time.set_value(at(5, 6, 10))
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    label = d.messages._labels["reason"]
    assert "give the reason" in label.text()
    assert label.height() >= label.heightForWidth(label.width())


def test_the_banner_says_overdue_when_the_header_does(qtbot, febrile):
    """Header, banner and schedule agree: an overdue first dose is OVERDUE in all three."""
    w, _pid = febrile(at(4, 13, 0))
    assert status_cell(w, 1).startswith("‼ OVERDUE")
    assert "dose OVERDUE since 4 Nov 11:00" in w.header.status.text()
    banner = w.grading.fever_banner.text()
    assert "The first dose is OVERDUE since 4 Nov 11:00: 59 mg IV (0.4 mL)" in banner and "DUE NOW" not in banner


def test_the_flowsheet_shows_the_lines_given_held_and_restarted(qtbot, febrile, store, nurse):
    """The flowsheet names the line a dose was given for, a held line with who and why (§5a)."""
    w, pid = febrile(at(5, 0, 10))
    store.add_medication(nurse, pid, at=at(4, 11, 5), drug="anakinra", dose_mg=Decimal(59), for_line=1)
    store.add_dose_outcome(nurse, pid, line=2, outcome="held", at=at(4, 23, 5), reason="hypotension")
    w.state.reload()
    sheet = w.grading.flowsheet
    values = {e.kind: sheet.cell_text(i, 2) for i, e in enumerate(sheet.rows)}
    assert values["medication"] == "anakinra 59 mg, for line 1"
    assert values["dose_outcome"] == "line 2 held, by AB (nurse): hypotension"
    row = next(i for i, e in enumerate(sheet.rows) if e.kind == "dose_outcome")
    sheet.table.selectRow(row)
    assert not sheet.correct_button.isEnabled() and sheet.error_button.isEnabled()  # withdrawn, never edited


def test_the_screen_names_the_window_the_doses_given_pass_400_mg_in(qtbot, febrile, store, nurse):
    """rules §4 rev 2: the screen says which window is over; here five doses of 100 mg recorded
    within 24 hours (an extra dose after an error)."""
    w, pid = febrile(at(5, 4))
    for when in (at(4, 11), at(4, 15), at(4, 19), at(4, 23), at(5, 3)):
        store.add_medication(nurse, pid, at=when, drug="anakinra", dose_mg=Decimal(100))
    w.state.reload()
    assert ("Doses recorded as given pass 400 mg in the 24 hours from 4 Nov 03:00 to 5 Nov 03:00 (500 mg)"
            in w.dose.warnings.text())


def test_the_next_patient_s_schedule_has_no_line_chosen_by_the_last(qtbot, make_window, store, nurse):
    """Nothing carried from one patient to another: a line selected in one patient's schedule
    (to record a late dose against it) stayed selected, by its row number, in the next patient's
    schedule when that one has no dose to give, so "Record dose given…" offered that line."""
    from pacer_desktop.core.caseio import parse_case
    from tests.paths import EXAMPLES
    cases = [parse_case(next(EXAMPLES.glob(f"{n}*.case.json")).read_bytes()) for n in ("01-", "02-")]
    first, second = (store.import_case(nurse, c, mrn=f"SEL-{i}", name=f"Sel {i}") for i, c in enumerate(cases))
    w = make_window(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    w.open_patient(first)
    w.show_screen(1)
    w.dose.table.selectRow(2)
    assert w.dose.table.selectionModel().selectedRows()
    w.open_patient(second)
    assert w.dose.rows and all(r.status not in ("due", "overdue", "planned") for r in w.dose.rows)
    assert w.dose.table.selectionModel().selectedRows() == []


def test_with_nothing_to_give_the_record_dialog_chooses_no_line(qtbot, febrile, store, nurse):
    """Every dose on the line it was given for (rules §5a): once the course is over and only missed
    lines are left, Record dose given… offered a line hours old as if it were the one to give; a
    nurse pressing Enter recorded tonight's dose against it. (The line was the one overdue before the
    course ended, still selected in the schedule.) Now no line is chosen until she chooses one, and
    Record says so and stores nothing."""
    w, pid = febrile(at(11, 8))
    store.add_assessment(nurse, pid, at=at(5, 13), crs=CrsInputs(hypotension="none", oxygen_device="none"),
                         icans=IcansInputs(capd_score=0))
    w.state.reload()
    assert "stop time reached" in w.dose.stop.text()
    assert all(r.status == "missed" for r in w.dose.rows)
    assert w.dose.table.selectionModel().selectedRows() == []  # not the line that was overdue before
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    d = w.dose.dialog
    assert d.line.count() == len(w.dose.rows)  # each missed line may still be chosen (a late record)
    assert d.line.value() is None and d.chosen() is None
    assert d.line.placeholderText() == "— choose the line this dose is for"  # not a blank box
    assert d.due_label.text() == "" and d.mg.text() == ""
    type_into(qtbot, d.reason, "given at the start of the shift")
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    assert "Choose the line this dose is for." in d.messages.text()
    assert store.case_for(pid).medications == ()
    d.line.set_value(1)  # chosen on purpose, the line's dose is offered
    assert d.due_label.text().startswith("Line 1, due 4 Nov 11:00") and d.mg.text() == "59"


def test_an_overdue_line_from_before_a_new_weight_says_its_own_dose(qtbot, febrile, store, nurse):
    """# rules §5 and case-format (rev 2): each line uses the most recent weight at or before its due
    time. Line 2 fell due at 23.4 kg (59 mg); at 00:00 she weighs 30 kg (75 mg from line 3 on).
    The header said "Anakinra 75 mg … · dose OVERDUE since 4 Nov 23:00" while the line to give,
    and the dialog, said 59 mg: one screen, two doses. Now the header names the overdue line's own
    dose and weight, and the dialog says why it differs from the current dose."""
    w, pid = febrile(at(5, 0, 10))
    store.add_weight(nurse, pid, at=at(5, 0, 0), kg=Decimal("30"))
    w.state.reload()
    assert [(r.line, r.status, r.mg) for r in w.dose.rows][1:3] == [(2, "overdue", "59 mg"), (3, "planned", "75 mg")]
    header = w.header.status.text()
    assert header.startswith("Anakinra 75 mg IV every 12 hours · dose OVERDUE since 4 Nov 23:00")
    assert header.endswith("· this dose: 59 mg, by the weight when it fell due (23.4 kg)")
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    d = w.dose.dialog
    assert d.line.value() == 2 and d.mg.text() == "59"
    assert d.weight_note.text() == ("Line 2 fell due before the latest weight (30 kg, 5 Nov 00:00): its dose is"
                                    " 59 mg, by the weight at its due time (23.4 kg). The lines after it use 75 mg.")
    assert not d.weight_note.isHidden()
    d.line.set_value(3)  # a line due after the new weight: nothing to explain
    assert d.weight_note.isHidden()


def test_a_line_the_nurse_chose_stays_chosen_through_the_redraws(qtbot, febrile, store, nurse):
    """Every dose on its own line (rules §5a): lines 1 and 2 missed, line 3 overdue. The nurse selects
    line 1 to record a dose given during a downtime; the window redraws every half minute, and the
    redraw selected line 3 again, so Record dose given… offered line 3 and Enter recorded the late
    dose against it. A line she chose stays chosen while it is open (by its number, not its row)."""
    w, pid = febrile(at(5, 12, 10))
    assert [r.status for r in w.dose.rows][:3] == ["missed", "missed", "overdue"]
    sheet = w.dose.table
    qtbot.mouseClick(sheet.viewport(), Qt.MouseButton.LeftButton, pos=sheet.visualRect(sheet.model().index(0, 1)).center())
    assert w.dose.table.selectionModel().selectedRows()[0].row() == 0
    w._tick()  # the half-minute redraw
    assert [i.row() for i in w.dose.table.selectionModel().selectedRows()] == [0]
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    assert w.dose.dialog.line.value() == 1
    w.dose.dialog.time.set_value(at(4, 11, 20))
    type_into(qtbot, w.dose.dialog.reason, "downtime, recorded on paper")
    qtbot.keyClick(w.dose.dialog.reason, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    assert [m.for_line for m in store.case_for(pid).medications] == [1]
    # the line now closed, the redraw goes back to the line to give
    assert [w.dose.rows[i.row()].line for i in w.dose.table.selectionModel().selectedRows()] == [3]
    store.add_temperature(nurse, pid, at=at(5, 12, 0), value=Decimal("37.5"), unit="C")
    w._tick()
    assert [w.dose.rows[i.row()].line for i in w.dose.table.selectionModel().selectedRows()] == [3]
    # her choice gives way when another line falls due: the choice was made beside another "next"
    w.dose.table.selectRow(1)  # line 2, missed
    w._tick()
    assert [w.dose.rows[i.row()].line for i in w.dose.table.selectionModel().selectedRows()] == [2]
    w.clock.now = at(5, 23, 5)  # line 4 is due now
    w._tick()
    assert [w.dose.rows[i.row()].line for i in w.dose.table.selectionModel().selectedRows()] == [4]


def test_a_line_due_before_any_weight_says_no_dose_was_calculated(qtbot, make_window, store, nurse):
    """Found in review: fever met before the child was weighed. Line 1 (11:00) has no dose; the
    weight came at 12:00. The header said "this dose: no weight, by the weight when it fell due
    (—)" and the dialog "its dose is no weight": nonsense on the line she is invited to give."""
    pid = store.add_patient(nurse, mrn="L-2", name="Nell Noweight", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=INFUSION,
                            timezone="America/Chicago")
    store.add_temperature(nurse, pid, at=at(4, 7), value=Decimal("38.7"), unit="C")
    store.add_temperature(nurse, pid, at=START, value=Decimal("38.9"), unit="C")
    store.add_weight(nurse, pid, at=at(4, 12), kg=Decimal("23.4"))
    w = make_window(at(4, 12, 30))
    w.open_patient(pid)
    w.show_screen(1)
    assert (w.dose.rows[0].status, w.dose.rows[0].mg) == ("overdue", "no weight")
    assert w.header.status.text() == ("Anakinra 59 mg IV every 12 hours · dose OVERDUE since 4 Nov 11:00 (1 h 30 min)"
                                      " · no dose was calculated for it: no weight when it fell due")
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    d = w.dose.dialog
    assert d.line.value() == 1 and d.mg.text() == ""
    assert d.weight_note.text() == ("Line 1 fell due before any weight was recorded: no dose was calculated"
                                    " for it. The lines after the weight of 4 Nov 12:00 (23.4 kg) use 59 mg.")


def selected_lines(w) -> list[int]:
    return [w.dose.rows[i.row()].line for i in w.dose.table.selectionModel().selectedRows()]


def test_a_chosen_line_gives_way_when_the_next_one_falls_due(qtbot, febrile, store, nurse):
    """Found in review: the nurse clicks line 3 (planned, tomorrow) to read it while line 2 is the
    next, planned for 23:00. At 23:40 line 2 is due, the header says DUE NOW, yet line 3 stayed
    selected and Record dose offered it with its 59 mg filled in. Her choice is kept only while the
    line to give next is the same line in the same state."""
    w, pid = febrile(at(4, 11, 5))
    store.add_medication(nurse, pid, at=at(4, 11, 5), drug="anakinra", dose_mg=Decimal(59), for_line=1)
    w._tick()
    w.dose.table.selectRow(next(i for i, r in enumerate(w.dose.rows) if r.line == 3))
    w._tick()
    assert selected_lines(w) == [3]  # still her choice: line 2 is still planned
    w.clock.now = at(4, 23, 40)
    w._tick()
    assert "dose DUE NOW (23:00)" in w.header.status.text()
    assert selected_lines(w) == [2]
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    assert w.dose.dialog.line.value() == 2


def correct_dose(qtbot, w, line: int):
    """Correct… on the flowsheet for the anakinra dose recorded for ``line``."""
    sheet = w.grading.flowsheet
    w.show_screen(0)
    row = next(i for i, e in enumerate(sheet.rows)
               if e.kind == "medication" and e.current and e.values.get("for_line") == line)
    sheet.table.selectRow(row)
    qtbot.mouseClick(sheet.correct_button, Qt.MouseButton.LeftButton)
    return sheet.dialog


def test_a_dose_corrected_outside_its_line_s_window_needs_the_reason_record_dose_asks_for(qtbot, febrile, store):
    """Found in review: line 1 given 4 Nov 11:10, line 2 at 23:05; Correct… moved line 2's time to
    11:40 (a day typed wrong) with no question: two doses 30 minutes apart, line 3 re-timed to 23:40
    and due at once, no alert. Record dose asks for a reason outside the window (rules §5a); so
    does the correction now, for the dose's own reason, and it keeps the dose on its line."""
    w, pid = febrile(at(4, 23, 10))
    assert not record(qtbot, w, line=1, given_at=at(4, 11, 10), reason="late start")
    assert not record(qtbot, w, line=2, given_at=at(4, 23, 5))
    d = correct_dose(qtbot, w, 2)
    assert d.dose_reason.text() == ""
    d.time.set_value(at(4, 11, 40))
    type_into(qtbot, d.reason, "time typed wrong")
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    assert d.isVisible() and "11 h 20 min early" in d.messages.text() and "line 2" in d.messages.text()
    assert [m.at for m in store.case_for(pid).medications] == [at(4, 11, 10), at(4, 23, 5)]  # nothing stored
    type_into(qtbot, d.dose_reason, "given early before transfer")
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    assert not d.isVisible()
    moved = [m for m in store.case_for(pid).medications if m.for_line == 2]
    assert [(m.at, m.reason) for m in moved] == [(at(4, 11, 40), "given early before transfer")]


def test_a_line_s_dose_corrected_to_another_drug_reopens_the_line(qtbot, febrile, store):
    """Found in review: Correct… an anakinra dose to tocilizumab was refused with "for_line: only
    anakinra doses are given for a schedule line", a field the form does not have. The dose was not
    anakinra, so it closes no line: the line reopens, and the schedule says so."""
    w, pid = febrile(at(4, 11, 30))
    assert not record(qtbot, w, line=1, given_at=at(4, 11, 10))
    d = correct_dose(qtbot, w, 1)
    d.drug.set_value("tocilizumab")
    type_into(qtbot, d.mg, "200")
    type_into(qtbot, d.reason, "wrong drug chosen")
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    assert not d.isVisible(), d.messages.text()
    [med] = store.case_for(pid).medications
    assert (med.drug, med.dose_mg, med.for_line) == ("tocilizumab", Decimal(200), None)
    w.show_screen(1)
    assert status_cell(w, 1).startswith("● DUE NOW")


def test_the_first_line_after_an_escalation_says_why_it_is_due_then(febrile, store, nurse):
    """# rules §5: line 1 due 11:00, escalated at 12:00 → line 2 at 17:00, not 23:00. The schedule's
    note says so; the lines after it are plain every 6 hours."""
    pid = febrile_patient(store, nurse, mrn="E-1", name="Eli Escalated")
    store.add_medication(nurse, pid, at=at(4, 11, 10), drug="anakinra", dose_mg=Decimal(59))
    store.add_escalation(nurse, pid, at=at(4, 12), reason="CRS progression")
    w, _ = febrile(at(4, 13))
    w.open_patient(pid)
    rows = {r.line: r for r in w.dose.rows}
    assert (rows[2].due, rows[2].interval) == (at(4, 17), "every 6 hours")
    assert rows[2].note == "first dose every 6 hours after the escalation at 4 Nov 12:00, due 6 hours after line 1"
    assert rows[3].note == ""


def test_a_line_lowered_to_no_dose_leaves_the_dose_field_empty(qtbot, febrile, store, nurse):
    """rules §4 rev 2: 100 mg at 4 Nov 11:00, 14:00, 17:00, 20:00 and 23:00 fill the 24 hours to line
    3 (5 Nov 11:00), which is lowered to no dose. Choosing line 4 (59 mg) and then line 3 in Record
    dose left 59 in the dose field beside "no dose" (found in review)."""
    w, pid = febrile(at(5, 4))
    for when in (at(4, 11), at(4, 14), at(4, 17), at(4, 20), at(4, 23)):
        store.add_medication(nurse, pid, at=when, drug="anakinra", dose_mg=Decimal(100))
    w.state.reload()
    assert next(r for r in w.dose.rows if r.line == 3).mg == "no dose"
    w.dose.table.clearSelection()
    qtbot.mouseClick(w.dose.give_button, Qt.MouseButton.LeftButton)
    d = w.dose.dialog
    d.line.set_value(4)
    assert d.mg.text() == "59"
    d.line.set_value(3)
    assert d.mg.text() == "" and "no dose" in d.due_label.text()
    d.reject()


def test_the_screen_says_what_to_do_on_a_line_lowered_to_no_dose(qtbot, febrile, store, nurse):
    """Screen and paper say the same (issue 16): what to do about the line, here that its 59 mg fits
    from 14:00, when the 4 Nov 14:00 dose leaves its 24 hours; the screen's schedule note said only
    that the line was lowered (found in review)."""
    w, pid = febrile(at(5, 4))
    for when in (at(4, 11), at(4, 14), at(4, 17), at(4, 20), at(4, 23)):
        store.add_medication(nurse, pid, at=when, drug="anakinra", dose_mg=Decimal(100))
    w.state.reload()
    note = next(r for r in w.dose.rows if r.line == 3).note
    assert "lowered from 59 mg to no dose" in note and note.endswith("; 59 mg fits from 5 Nov 14:00")


@pytest.mark.parametrize("now", [at(5, 4), at(5, 11, 5)])
def test_the_header_says_the_next_line_has_no_dose_when_the_maximum_lowered_it(qtbot, febrile, store, nurse, now):
    """rules §4 rev 2: line 3 (5 Nov 11:00) is lowered to no dose until 14:00. The header, the one
    line a nurse reads first, said "Anakinra 59 mg IV every 12 hours · next dose 11:00" (and at 11:05
    "dose DUE NOW") without a word of it (found in review)."""
    w, pid = febrile(now)
    for when in (at(4, 11), at(4, 14), at(4, 17), at(4, 20), at(4, 23)):
        store.add_medication(nurse, pid, at=when, drug="anakinra", dose_mg=Decimal(100))
    w.state.reload()
    line = w.header.status.text()
    assert "no dose on this line, to keep 24 hours within 400 mg: 59 mg fits from 5 Nov 14:00" in line, line


def test_a_dose_recorded_soon_after_another_names_the_one_before(qtbot, febrile, store, nurse):
    """Found in review: line 1 recorded at 11:05, then line 2 "given" at 11:07 asked only "Given
    11 h 53 min early… give the reason"; a nurse typed "test" and two doses two minutes apart were
    stored. The question now names the dose just recorded and how long before it was."""
    w, pid = febrile(at(4, 11, 10))
    assert not record(qtbot, w, line=1, given_at=at(4, 11, 5))
    text = record(qtbot, w, line=2, given_at=at(4, 11, 7))
    assert "11 h 53 min early" in text
    assert "The last anakinra dose recorded was 59 mg at 4 Nov 11:05, 2 min before this one" in text
    assert len(store.entries(pid, "medication")) == 1  # nothing stored without the reason
