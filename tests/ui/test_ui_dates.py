"""Dates and times are entered in English and read back exactly (issue 16 §9): the eligibility
screen's dates are date fields with a calendar, a missing date is shown as not entered (never
today), and a German workstation still shows English month names."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDateEdit

from pacer_desktop.core.case import EligibilityInputs
from tests.ui.test_ui_eligibility_and_people import NOW, checklist, fill_eligible  # noqa: F401 - fixture

DATES = ("consent_signed_on", "disease_assessed_on", "lymphodepletion_start_on")


@pytest.fixture
def german():
    before = QLocale()
    QLocale.setDefault(QLocale("de_DE"))
    yield
    QLocale.setDefault(before)


def test_times_and_dates_show_english_months_under_a_german_locale(qtbot, german, make_window, store, nurse):
    from pacer_desktop.ui.date_time_fields import TimeField
    berlin = ZoneInfo("Europe/Berlin")
    field = TimeField(lambda: "Europe/Berlin", lambda: datetime(2026, 3, 4, 10, 5, tzinfo=berlin))
    qtbot.addWidget(field)
    assert field.edit.text() == "04 Mar 2026 10:05"
    pid = store.add_patient(nurse, mrn="D-1", name="Dora Datum", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=None,
                            timezone="Europe/Berlin")
    w = make_window(NOW)
    w.open_patient(pid)
    w.show_screen(2)
    s = w.eligibility
    s.load(EligibilityInputs(assessed_on=date(2026, 3, 4), consent_signed_on=date(2026, 5, 1)))
    assert s.assessed_on.text() == "4 Mar 2026"
    assert s.inputs["consent_signed_on"].text() == "1 May 2026"  # "Mai" in German


def test_eligibility_dates_are_date_fields_and_a_missing_date_stays_missing(qtbot, checklist):  # noqa: F811
    w, _pid = checklist
    s = w.eligibility
    assert isinstance(s.assessed_on, QDateEdit) and s.assessed_on.calendarPopup()
    for name in DATES:
        field = s.inputs[name]
        assert isinstance(field, QDateEdit) and field.calendarPopup()
        assert field.value() is None and field.text() == "— not entered"  # a new assessment: not today
    assert s.assessed_on.value() == date(2026, 10, 20)  # the assessment itself is made today
    fill_eligible(qtbot, s)
    assert s.values().consent_signed_on == date(2026, 10, 18)
    s.inputs["consent_signed_on"].set_value(None)
    assert s.values().consent_signed_on is None
    assert s.status["consent"].text() != "✓ met"


def test_a_date_is_typed_with_the_keyboard_alone(qtbot, checklist):  # noqa: F811
    s = checklist[0].eligibility
    field = s.inputs["disease_assessed_on"]
    field.setFocus()
    qtbot.keyClicks(field, "10102026")
    assert field.value() == date(2026, 10, 10) and field.text() == "10 Oct 2026"


def test_tab_leaves_a_time_field_at_once(qtbot):
    """Found in review: Tab from Temperature went through five parts of "Taken at" before Weight, and
    a weight typed there ("21.0") became a time of 21:00. Digits and separators move between the
    parts; Tab goes on to the next field, as everywhere else."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    from pacer_desktop.ui.date_time_fields import TimeField
    berlin = ZoneInfo("Europe/Berlin")
    form = QWidget()
    qtbot.addWidget(form)
    layout = QVBoxLayout(form)
    field = TimeField(lambda: "Europe/Berlin", lambda: datetime(2026, 3, 4, 10, 5, tzinfo=berlin))
    after = QLineEdit(objectName="after")
    layout.addWidget(field)
    layout.addWidget(after)
    form.show()
    qtbot.waitExposed(form)
    field.edit.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)
    focused = form.focusWidget()
    assert focused is not field.edit, focused  # the next field (or the time's own Now button)


def test_ctrl_and_an_arrow_still_move_between_the_parts_of_a_time(qtbot):
    """Found in review: after Tab was made to leave the field, Ctrl+Right did too."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDateTimeEdit, QLineEdit, QVBoxLayout, QWidget

    from pacer_desktop.ui.date_time_fields import TimeField
    berlin = ZoneInfo("Europe/Berlin")
    form = QWidget()
    qtbot.addWidget(form)
    layout = QVBoxLayout(form)
    field = TimeField(lambda: "Europe/Berlin", lambda: datetime(2026, 3, 4, 10, 5, tzinfo=berlin))
    layout.addWidget(field)
    layout.addWidget(QLineEdit())
    form.show()
    qtbot.waitExposed(form)
    field.edit.setFocus()
    field.edit.setCurrentSection(QDateTimeEdit.Section.DaySection)
    qtbot.keyClick(field.edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert form.focusWidget() is field.edit
    assert field.edit.currentSection() == QDateTimeEdit.Section.MonthSection
