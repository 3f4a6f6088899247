"""Issue 14 §4: what a nurse needs to see without searching."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QLocale, QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QDateTimeEdit

from pacer_desktop.core.case import CrsInputs, IcansInputs
from pacer_desktop.core.caseio import parse_case
from tests.ui.enter import type_into
from tests.ui.uihelp import EXAMPLES, wait_saved

ZONE = ZoneInfo("America/Chicago")
INFUSION = datetime(2026, 11, 3, 10, 0, tzinfo=ZONE)
NOW = datetime(2026, 11, 5, 13, 0, tzinfo=ZONE)


def _patient(store, nurse, name: str, mrn: str) -> int:
    pid = store.add_patient(nurse, mrn=mrn, name=name, date_of_birth=date(2016, 4, 12), sex_at_birth="female",
                            developmental_delay=False, infusion_at=INFUSION, timezone="America/Chicago")
    store.add_weight(nurse, pid, at=INFUSION - timedelta(days=1), kg=Decimal("23.4"))
    return pid


def _fever(store, nurse, pid: int, first: datetime, second: datetime) -> None:
    store.add_temperature(nurse, pid, at=first, value=Decimal("38.7"), unit="C")
    store.add_temperature(nurse, pid, at=second, value=Decimal("39.1"), unit="C")


def _crs1(store, nurse, pid: int, at: datetime) -> None:
    store.add_assessment(nurse, pid, at=at, crs=CrsInputs(hypotension="none", oxygen_device="none"),
                         icans=IcansInputs(tool=None, capd_score=0))


@pytest.fixture
def ward(store, nurse):
    """Four patients on 5 Nov 13:00: one quiet, one with a prompt, one dose due, one overdue."""
    quiet = _patient(store, nurse, "Ada Quiet", "W-1")
    store.add_temperature(nurse, quiet, at=NOW - timedelta(hours=2), value=Decimal("36.8"), unit="C")
    prompt = _patient(store, nurse, "Bea Prompt", "W-2")  # CRS 1 persisting 24 h after the start (rules §7)
    start = datetime(2026, 11, 4, 11, 0, tzinfo=ZONE)
    _fever(store, nurse, prompt, start - timedelta(hours=4), start)
    _crs1(store, nurse, prompt, start)
    for hours in (0, 12, 24):
        store.add_medication(nurse, prompt, at=start + timedelta(hours=hours), drug="anakinra", dose_mg=Decimal("59"))
    store.add_temperature(nurse, prompt, at=NOW - timedelta(hours=1), value=Decimal("38.4"), unit="C")
    _crs1(store, nurse, prompt, NOW - timedelta(minutes=50))
    due = _patient(store, nurse, "Cal Due", "W-3")
    _fever(store, nurse, due, NOW - timedelta(hours=5), NOW - timedelta(minutes=30))
    overdue = _patient(store, nurse, "Dan Overdue", "W-4")
    _fever(store, nurse, overdue, NOW - timedelta(hours=7), NOW - timedelta(hours=2, minutes=30))
    return {"quiet": quiet, "prompt": prompt, "due": due, "overdue": overdue}


def test_the_patient_list_is_a_ward_task_view_most_urgent_first(qtbot, make_window, ward):
    w = make_window(NOW)
    plist = w.patients
    assert plist.ids == [ward["overdue"], ward["due"], ward["prompt"], ward["quiet"]]
    texts = [plist.list.item(i).text() for i in range(plist.list.count())]
    assert "Dan Overdue" in texts[0] and "OVERDUE since 5 Nov 10:30" in texts[0]
    assert "Cal Due" in texts[1] and "DUE NOW (12:30 CST)" in texts[1]
    assert "Bea Prompt" in texts[2] and "next dose 23:00" in texts[2]
    assert "consider escalation" in texts[2].lower()
    assert all("persistent fever" in t for t in texts[:3])
    assert "Ada Quiet" in texts[3] and "persistent fever" not in texts[3] and "no anakinra" in texts[3]


def test_the_ward_view_is_quick_for_30_patients(qtbot, make_window, store, nurse):
    for i in range(30):
        pid = _patient(store, nurse, f"Patient {i:02d}", f"Q-{i:02d}")
        if i % 2:
            _fever(store, nurse, pid, NOW - timedelta(hours=7 + i % 5), NOW - timedelta(hours=2))
    w = make_window(NOW)
    started = time.perf_counter()
    w.patients.refresh()
    took = time.perf_counter() - started
    assert w.patients.list.count() == 30
    assert "OVERDUE" in w.patients.list.item(0).text()
    assert took < 0.5, f"refreshing 30 patients took {took:.3f} s"


def test_entry_times_are_in_english_whatever_the_workstations_language(qtbot):
    from pacer_desktop.ui.date_time_fields import TimeField
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    try:
        field = TimeField(lambda: "Europe/Berlin", lambda: datetime(2026, 3, 4, 10, 5, tzinfo=ZoneInfo("Europe/Berlin")))
        qtbot.addWidget(field)
        assert field.edit.text() == "04 Mar 2026 10:05"
    finally:
        QLocale.setDefault(before)


def test_a_past_time_is_entered_with_the_keyboard_alone(qtbot, make_window, store, nurse):
    pid = _patient(store, nurse, "Eve Keys", "K-1")
    w = make_window(datetime(2026, 12, 1, 4, 18, tzinfo=ZONE))
    w.open_patient(pid)
    t = w.grading.temperature
    type_into(qtbot, t.value, "37.3")
    edit = t.time.edit
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all, then type over
    qtbot.keyClicks(edit, "301120262205")
    assert t.time.value() == datetime(2026, 11, 30, 22, 5, tzinfo=ZONE)
    # the arrow keys step every section, across the month's end
    edit.setSelectedSection(QDateTimeEdit.Section.DaySection)
    t.time.set_value(datetime(2026, 12, 1, 0, 0, tzinfo=ZONE))
    edit.setSelectedSection(QDateTimeEdit.Section.DaySection)
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert t.time.value() == datetime(2026, 11, 30, 0, 0, tzinfo=ZONE)
    edit.setSelectedSection(QDateTimeEdit.Section.MinuteSection)
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert t.time.value() == datetime(2026, 11, 29, 23, 59, tzinfo=ZONE)
    edit.setSelectedSection(QDateTimeEdit.Section.MonthSection)
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert t.time.value() == datetime(2026, 12, 29, 23, 59, tzinfo=ZONE)
    edit.setSelectedSection(QDateTimeEdit.Section.HourSection)
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert t.time.value() == datetime(2026, 12, 30, 0, 59, tzinfo=ZONE)
    # type the past time again and save with Enter
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, "30 11 2026 22 05")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    assert t.messages.text() == ""
    assert [e.at for e in store.entries(pid, "temperature")] == [datetime(2026, 11, 30, 22, 5, tzinfo=ZONE)]


def test_fahrenheit_is_shown_to_one_decimal_as_entered(qtbot, make_window, store, nurse):
    pid = _patient(store, nurse, "Fay Fahrenheit", "F-9")
    store.add_temperature(nurse, pid, at=NOW - timedelta(hours=1), value=Decimal("99.0"), unit="F")
    w = make_window(NOW)
    w.open_patient(pid)
    t = w.grading.temperature
    type_into(qtbot, t.value, "37.2")
    assert t.converted.text() == "= 99.0 °F"
    sheet = w.grading.flowsheet
    assert sheet.cell_text(0, 2) == "99.0 °F"


def test_the_flowsheet_says_which_entry_replaced_which_and_shows_the_full_status(qtbot, make_window, store, nurse):
    pid = _patient(store, nurse, "Gus Correct", "C-1")
    reason = "typed the reading of the patient in the next bed; checked with the charge nurse"
    wrong = store.add_temperature(nurse, pid, at=datetime(2026, 11, 5, 14, 0, tzinfo=ZONE) - timedelta(days=1),
                                  value=Decimal("39.9"), unit="C")
    store.correct(nurse, "temperature", wrong, reason=reason, replacement={"value": Decimal("36.9")})
    w = make_window(NOW)
    w.open_patient(pid)
    sheet = w.grading.flowsheet
    cells = [sheet.model.cells(r) for r in range(sheet.model.rowCount())]
    new = next(c for c in cells if c[2] == "36.9 °C")
    assert "correction of 4 Nov 14:00 reading" in new[4]
    sheet.table.setFocus()
    qtbot.keyClick(sheet.table, Qt.Key.Key_Home)
    old_row = next(r for r, c in enumerate(cells) if c[2] == "39.9 °C")
    for _ in range(old_row):
        qtbot.keyClick(sheet.table, Qt.Key.Key_Down)
    assert sheet.selected().id == wrong
    assert reason in sheet.detail.text() and "CORRECTED" in sheet.detail.text()
    assert sheet.detail.isVisible()


def _layout_patient(store, nurse):
    case = parse_case(next(EXAMPLES.glob("02-*.case.json")).read_bytes())
    pid = store.import_case(nurse, case, mrn="L-1", name="Maximilian Alexander Example-Longname")
    return case, pid


def test_at_1366_by_768_the_status_bar_is_on_screen_without_maximising(qtbot, make_window, store, nurse):
    """A 1366×768 screen less a 40 px task bar; the window's frame (title bar) counts too."""
    case, pid = _layout_patient(store, nurse)
    w = make_window(case.now)
    w.open_patient(pid)
    screen = QRect(0, 0, 1366, 768 - 40)
    w.fit_into(screen)
    QApplication.processEvents()
    assert screen.contains(w.frameGeometry())
    bar = w.statusBar()
    assert bar.isVisible() and w.user_label.isVisible()
    bottom = bar.mapToGlobal(QPoint(0, bar.height())).y()
    assert bottom <= screen.bottom() + 1
    assert not w.isMaximized()


def test_at_1024_by_768_nothing_is_cut_off(qtbot, make_window, store, nurse):
    case, pid = _layout_patient(store, nurse)
    w = make_window(case.now)
    w.open_patient(pid)
    w.resize(1024, 768)
    QApplication.processEvents()
    assert (w.width(), w.height()) == (1024, 768)
    table = w.grading.flowsheet.table
    header = table.horizontalHeader()
    for column in range(header.count()):
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= table.viewport().width(), \
            column
        assert header.sectionSize(column) >= 40, column
    assert table.horizontalScrollBar().maximum() == 0
    plist = w.patients.list
    assert plist.horizontalScrollBar().maximum() == 0
    name_width = plist.fontMetrics().horizontalAdvance("Maximilian Alexander")
    assert plist.viewport().width() >= name_width
    # the status bar and its sign-in line are inside the window
    assert w.statusBar().geometry().bottom() < w.height() and w.user_label.isVisible()


def test_at_1024_by_768_the_eligibility_form_is_not_cut_off(qtbot, make_window, store, nurse):
    """Seen under Xvfb: the right column and its statuses ('? missing') ran off the screen."""
    from PySide6.QtWidgets import QScrollArea
    case, pid = _layout_patient(store, nurse)
    w = make_window(case.now)
    w.open_patient(pid)
    w.resize(1024, 768)
    w.show_screen(2)
    QApplication.processEvents()
    area = w.eligibility.findChild(QScrollArea)
    assert area.horizontalScrollBar().maximum() == 0
    for status in w.eligibility.status.values():
        right = status.mapTo(area.viewport(), QPoint(status.width(), 0)).x()
        assert right <= area.viewport().width()


def test_at_1366_the_eligibility_form_keeps_two_columns(qtbot, make_window, store, nurse):
    case, pid = _layout_patient(store, nurse)
    w = make_window(case.now)
    w.open_patient(pid)
    w.resize(1366, 768)
    w.show_screen(2)
    QApplication.processEvents()
    alt, consent = w.eligibility.status["alt"], w.eligibility.status["consent"]
    assert alt.mapToGlobal(QPoint(0, 0)).x() > consent.mapToGlobal(QPoint(consent.width(), 0)).x()


def test_the_task_view_evaluates_only_patients_on_the_ward_and_reuses_the_rest(qtbot, make_window, store, nurse,
                                                                              monkeypatch):
    """A site's file keeps every patient ever treated (1,000 took 14 s to list, on every save).
    Patients past the protocol's grading days (day 30) are listed without being evaluated; the
    others are evaluated at most once a minute, the patient on screen after each change."""
    from datetime import date, timedelta
    from decimal import Decimal
    from pacer_desktop.ui import patients as plist
    now = datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("UTC"))
    ids = []
    for i in range(12):
        infused = now - timedelta(days=3 if i < 3 else 60)
        pid = store.add_patient(nurse, mrn=f"WARD-{i}", name=f"Patient {i:02d}", date_of_birth=date(2015, 1, 1),
                                sex_at_birth="female", developmental_delay=False, infusion_at=infused,
                                timezone="UTC")
        store.add_weight(nurse, pid, at=infused - timedelta(days=1), kg=Decimal("20"))
        ids.append(pid)
    judged = []
    real = plist.ward_line_of
    monkeypatch.setattr(plist, "ward_line_of", lambda st, p, at: judged.append(p.id) or real(st, p, at))
    calls = []
    real_eval = plist.evaluate_case
    monkeypatch.setattr(plist, "evaluate_case", lambda case, at: calls.append(case) or real_eval(case, at))
    w = make_window(now)
    assert len(calls) == 3  # the three on the ward
    assert "day 60 after infusion" in w.patients.list.item(w.patients.ids.index(ids[5])).text()
    w.open_patient(ids[0])
    judged.clear()
    w.state.reload()
    assert set(judged) <= {ids[0]}  # the patient on screen at most (from the screens' own result), not the ward
    w.clock.now = now + timedelta(minutes=2)
    judged.clear()
    w.state.reload()
    assert set(ids[1:3]) <= set(judged)  # a minute later the rest of the ward is judged again


def test_a_patient_past_the_protocol_s_days_is_on_the_day_the_header_shows(qtbot, make_window, store, nurse):
    """# rules §1: day N after infusion is the local calendar date's. Infused 3 Nov 22:00, on 6 Dec
    09:00 it is day 33 (the header's); 32 days and 11 hours have passed, and the list said day 32."""
    pid = store.add_patient(nurse, mrn="PAST-1", name="Past Days", date_of_birth=date(2015, 1, 1),
                            sex_at_birth="female", developmental_delay=False,
                            infusion_at=datetime(2026, 11, 3, 22, 0, tzinfo=ZONE), timezone="America/Chicago")
    w = make_window(datetime(2026, 12, 6, 9, 0, tzinfo=ZONE))
    line = w.patients.list.item(w.patients.ids.index(pid)).text()
    assert "day 33 after infusion: past the protocol's days" in line
    w.open_patient(pid)
    assert "day 33 after infusion" in w.header.details.text()  # the list and the header agree


def test_a_time_field_in_the_repeated_hour_gives_the_instant_it_shows(qtbot):
    """1 Nov 2026, the clocks go back at 02:00 CDT: at 01:30 CST (the second 01:30) the field read
    "01 Nov 2026 01:30 CST" and gave 01:30 CDT, so a reading taken "now" was stored an hour early."""
    from datetime import UTC
    from pacer_desktop.ui.date_time_fields import TimeField
    now = datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 01:30 CST
    field = TimeField(lambda: "America/Chicago", lambda: now)
    qtbot.addWidget(field)
    assert (field.edit.text(), field.zone_label.text()) == ("01 Nov 2026 01:30", "CST")
    assert field.value().astimezone(UTC) == now  # (a time in the fold never equals one in UTC: PEP 495)
    field.set_value(now - timedelta(minutes=10))  # a correction's stored time, 01:20 CST
    assert field.value().astimezone(UTC) == now - timedelta(minutes=10)
    field.edit.setDateTime(field.edit.dateTime().addSecs(5 * 60))  # typed: 01:25, the nearer one
    assert (field.value().astimezone(UTC), field.zone_label.text()) == (now - timedelta(minutes=5), "CST")


def test_a_time_changed_in_the_repeated_hour_stays_in_the_same_hour(qtbot):
    """At 01:40 CST one press of the minute's down arrow gave 01:39 CDT, an hour and a minute
    earlier; typed at 03:00 CST, 01:25 was 01:25 CDT, with no way to mean the later one (found in
    review). The nearer of the two is meant: a few minutes' change, a reading taken an hour ago."""
    from datetime import UTC
    from pacer_desktop.ui.date_time_fields import TimeField
    now = datetime(2026, 11, 1, 7, 40, tzinfo=UTC)  # 01:40 CST
    field = TimeField(lambda: "America/Chicago", lambda: now)
    qtbot.addWidget(field)
    field.edit.setDateTime(field.edit.dateTime().addSecs(-60))
    assert (field.value().astimezone(UTC), field.zone_label.text()) == (now - timedelta(minutes=1), "CST")
    later = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # 03:00 CST
    field.set_value(later)
    field.edit.setDateTime(field.edit.dateTime().addSecs(-95 * 60))  # 01:25: 1 h 35 min ago
    assert (field.value().astimezone(UTC), field.zone_label.text()) == (later - timedelta(minutes=95), "CST")


def test_a_time_typed_in_the_spring_gap_is_the_instant_an_hour_on(qtbot):
    """8 Mar 2026: 02:30 does not exist in Chicago (02:00 CST → 03:00 CDT). The field gave 02:30 with
    CST's offset, and the saved message said "8 Mar 02:30 CST"; it is 03:30 CDT."""
    from pacer_desktop.ui.date_time_fields import TimeField
    field = TimeField(lambda: "America/Chicago", lambda: datetime(2026, 3, 8, 4, 0, tzinfo=ZONE))
    qtbot.addWidget(field)
    field.edit.setDateTime(field.edit.dateTime().addSecs(-90 * 60))  # 02:30 on the editor
    value = field.value()
    assert (value.hour, value.minute, value.tzname(), field.zone_label.text()) == (3, 30, "CDT", "CDT")


def test_the_patient_list_names_the_zone_of_each_dose_time(qtbot, make_window, ward):
    """The list holds patients of every zone and its times were bare ("DUE NOW (12:30)"): read in
    the workstation's zone, a New York patient's 12:30 is an hour off in Chicago. Each dose time
    names its zone, as the entry fields do (found in review)."""
    w = make_window(NOW)
    texts = [w.patients.list.item(i).text() for i in range(w.patients.list.count())]
    assert "OVERDUE since 5 Nov 10:30 CST" in texts[0]
    assert "DUE NOW (12:30 CST)" in texts[1]
    assert "next dose 23:00 CST" in texts[2]
