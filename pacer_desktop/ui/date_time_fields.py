"""Date and time fields in English, made for the keyboard: the entry times (:class:`TimeField`)
and the eligibility screen's dates (:class:`DateField`, with a calendar and a "not entered" state)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime, QTimer, QTimeZone
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from ..core.timeutil import instant
from .widgets import WheelOnlyWhenFocused

#: Clinical dates and times are written in English whatever the workstation's language: a
#: German workstation showed "04 März" (issue 14 §4). Months in letters as in notation.MONTHS.
CLINICAL_LOCALE = (QLocale.Language.English, QLocale.Country.UnitedStates)
#: How a date field shows a date that is not entered: missing is a state of its own, never today.
NOT_ENTERED = "— not entered"


class TypedSections(WheelOnlyWhenFocused):
    """Mixin for a date, or a date and time, made for the keyboard and written in English
    (:data:`CLINICAL_LOCALE`, issue 14 §4).

    Typed digits fill the sections in order (day, month as a number, year, hour, minute), moving
    on when a section is full; a space, ``/``, ``.``, ``:`` or ``-`` moves on early. With the
    whole text selected, typing starts again at the day: ``301120262205`` is 30 Nov 2026 22:05.
    The arrow keys step every section across its ends: Down on day 01 Dec is 30 Nov, Down on
    minute 00 is the minute before.
    """

    _SEPARATORS = " /.:-"

    def _start_typing(self) -> None:
        self._guard_wheel()
        self.setLocale(QLocale(*CLINICAL_LOCALE))
        self._typed = ""          # digits typed into the current section so far
        self._typing_in = None    # the section they were typed into
        self._moved_on = False    # a full section just moved the cursor on: a separator is not needed
        self._wanted_day = None   # the day typed, kept while a shorter month is typed after it

    def _order(self) -> tuple:
        s = QDateTimeEdit.Section
        shown = self.displayedSections()
        return tuple(x for x in (s.DaySection, s.MonthSection, s.YearSection, s.HourSection, s.MinuteSection)
                     if shown & x)

    # ---- arrow keys --------------------------------------------------------------------
    def stepEnabled(self):  # noqa: N802 - Qt API
        return QDateTimeEdit.StepEnabledFlag.StepUpEnabled | QDateTimeEdit.StepEnabledFlag.StepDownEnabled

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        s = QDateTimeEdit.Section
        section = self.currentSection()
        at = self.dateTime()
        moved = {s.DaySection: lambda: at.addDays(steps), s.MonthSection: lambda: at.addMonths(steps),
                 s.YearSection: lambda: at.addYears(steps), s.HourSection: lambda: at.addSecs(3600 * steps),
                 s.MinuteSection: lambda: at.addSecs(60 * steps)}.get(section)
        if moved is None:
            super().stepBy(steps)
            return
        self._typed, self._wanted_day = "", None
        self.setDateTime(moved())
        self.setSelectedSection(section)

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt API
        """Tab and Shift+Tab go to the next field, as everywhere else: digits and separators move
        between the parts (Qt's own would walk every part first, and a weight typed after Tab
        landed in the hour)."""
        return QWidget.focusNextPrevChild(self, forward)

    # ---- typed digits --------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        text = event.text()
        arrow = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(event.key())
        if arrow and event.modifiers() & Qt.KeyboardModifier.ControlModifier:  # Qt's would leave the field
            order = self._order()
            here = order.index(self.currentSection()) if self.currentSection() in order else 0
            self._typed, self._typing_in = "", None
            self.setSelectedSection(order[max(0, min(here + arrow, len(order) - 1))])
            return
        if len(text) == 1 and text.isdigit():
            self._digit(int(text))
            return
        if len(text) == 1 and text in self._SEPARATORS:
            if self._moved_on and not self._typed:
                self._moved_on = False
            else:
                self._next_section()
            return
        self._typed, self._moved_on = "", False
        super().keyPressEvent(event)

    def _all_selected(self) -> bool:
        line = self.lineEdit()
        return bool(line.text()) and line.selectedText() == line.text()

    def _digit(self, digit: int) -> None:
        order = self._order()
        if self._all_selected() or self.currentSection() not in order:
            section = order[0]
            self._typed, self._wanted_day = "", None
        else:
            section = self.currentSection()
        if section != self._typing_in:
            self._typed = ""
        typed = self._typed + str(digit)
        s = QDateTimeEdit.Section
        width = 4 if section == s.YearSection else 2
        highest = {s.DaySection: 31, s.MonthSection: 12, s.HourSection: 23, s.MinuteSection: 59}.get(section)
        if highest is not None and int(typed) > highest:
            return  # no such day, month, hour or minute: the digit is not taken
        self._typed, self._typing_in, self._moved_on = typed, section, False
        self._apply(section, int(typed), full=len(typed) == width)
        if len(typed) == width or (highest is not None and int(typed) * 10 > highest):
            self._next_section(section)
            self._moved_on = True
        else:
            self.setSelectedSection(section)

    def _apply(self, section, value: int, *, full: bool) -> None:
        s = QDateTimeEdit.Section
        d, t = self.date(), self.time()
        year, month, day, hour, minute = d.year(), d.month(), d.day(), t.hour(), t.minute()
        if section == s.DaySection:
            if value == 0:
                return  # the first digit of 01–09
            self._wanted_day = day = value
        elif section == s.MonthSection:
            if value == 0:
                return
            month = value
        elif section == s.YearSection:
            if not full:
                return  # a year is taken when all four digits are in
            year = value
        elif section == s.HourSection:
            hour = value
        else:
            minute = value
        wanted = self._wanted_day or day
        day = min(wanted, QDate(year, month, 1).daysInMonth())
        if s.HourSection in self._order():
            self.setDateTime(QDateTime(QDate(year, month, day), QTime(hour, minute), self.timeZone()))
        else:
            self.setDate(QDate(year, month, day))

    def _next_section(self, section=None) -> None:
        order = self._order()
        current = section if section is not None else self.currentSection()
        index = order.index(current) + 1 if current in order else 0
        self._typed, self._typing_in = "", None
        self.setSelectedSection(order[min(index, len(order) - 1)])


class ClinicalTimeEdit(TypedSections, QDateTimeEdit):
    """``dd MMM yyyy HH:mm`` (set by :class:`TimeField`), typed as :class:`TypedSections` says."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start_typing()


class DateField(TypedSections, QDateEdit):
    """A date (``d MMM yyyy``) that may be not entered: typed as :class:`TypedSections` says, or
    picked in the calendar. Not entered, it shows :data:`NOT_ENTERED`; the first digit typed, an
    arrow key or the calendar starts from ``today``. Delete or Backspace makes it not entered.

    QDateEdit has no empty state: its least date stands for "not entered" and is never a value.
    """

    MISSING = QDate(1900, 1, 1)

    def __init__(self, today: Callable[[], date], name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start_typing()
        self._today = today
        if name:
            self.setObjectName(name)
        self.setDisplayFormat("d MMM yyyy")
        self.setCalendarPopup(True)
        self.setMinimumDate(self.MISSING)
        self.setSpecialValueText(NOT_ENTERED)
        self.setToolTip("Type day, month and year as numbers, or pick the date in the calendar."
                        " Delete: not entered.")
        self.set_value(None)

    def value(self) -> date | None:
        d = self.date()
        return None if d == self.MISSING else date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(self.MISSING if value is None else QDate(value.year, value.month, value.day))

    def _enter_today(self) -> None:
        self.set_value(self._today())
        self.setSelectedSection(QDateTimeEdit.Section.DaySection)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.set_value(None)
            return
        if self.value() is None and len(event.text()) == 1 and event.text().isdigit():
            self._enter_today()  # typed over: day, month and year follow
        super().keyPressEvent(event)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        if self.value() is None:  # an arrow key or the wheel on a missing date: today, to adjust
            self._enter_today()
            return
        super().stepBy(steps)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().mousePressEvent(event)  # opens the calendar when the arrow is clicked
        if self.value() is None:  # on this month, not on the date that stands for "not entered"
            today = self._today()
            self.calendarWidget().setCurrentPage(today.year, today.month)


class TimeField(QWidget):
    """A date and time in the patient's zone, with a "Now" button.

    Until the user edits it, the field follows the clock: it shows, and :meth:`value` gives, the
    current minute (a reading typed at 04:21 into a form opened at 04:18 is taken at 04:21, issue
    14 §3). A time set or typed stays as set until :meth:`set_now` (the Now button, a save, another
    patient) makes it follow the clock again.
    """

    #: How often a field that follows the clock looks at it (it redraws only when the minute changes).
    TICK_MS = 1000

    def __init__(self, zone: Callable[[], str], now: Callable[[], datetime], parent: QWidget | None = None):
        super().__init__(parent)
        self._zone, self._now = zone, now
        self._following = True
        self._typed = False  # changed by the user since the program last set it
        self._setting = False
        # The editor holds the patient's wall-clock time as a UTC QDateTime: read as the
        # workstation's local time, a time that does not exist there (a spring-forward hour)
        # would be silently moved by an hour. The zone is applied in Python (zoneinfo), as the
        # engine applies it.
        self.edit = ClinicalTimeEdit()
        self.edit.setTimeZone(QTimeZone.utc())
        self.edit.setDisplayFormat("dd MMM yyyy HH:mm")
        self.edit.setCalendarPopup(False)
        self.edit.dateTimeChanged.connect(self._on_edited)
        self.now_button = QPushButton("Now")
        self.now_button.setToolTip("Set the time to now; it then follows the clock until edited")
        self.now_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes on to the next field
        self.now_button.setAutoDefault(False)  # in a dialog, Enter after "Now" still presses OK
        self.now_button.clicked.connect(self.set_now)
        self.zone_label = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.now_button)
        layout.addWidget(self.zone_label)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._follow_clock)
        self._timer.start(self.TICK_MS)
        self.set_now()

    @property
    def following(self) -> bool:
        """Whether the field shows (and gives) the current time, not a time the user set."""
        return self._following

    @property
    def typed(self) -> bool:
        """Whether the user changed the time by hand since the program (or Now) last set it."""
        return self._typed

    def set_now(self) -> None:
        """Show now, and follow the clock until the user edits the time."""
        self._show(self._now())
        self._following, self._typed = True, False

    def set_value(self, at: datetime) -> None:
        """Show ``at``; the field keeps it (no longer follows the clock)."""
        self._following = False  # first: a redraw that reads the value meanwhile must get ``at``
        self._typed = False
        self._show(at)

    def _show(self, at: datetime) -> None:
        self._shown_zone = self._zone()
        t = at.astimezone(ZoneInfo(self._shown_zone))
        self.zone_label.setText(t.strftime("%Z"))
        # Which of the two 01:30s of the night the clocks go back (fold): the editor has no room for
        # it, so the field keeps it for the time it shows, and the instant, for a time changed there
        # (value()).
        self._shown_wall, self._shown_fold, self._shown_at = (t.year, t.month, t.day, t.hour, t.minute), t.fold, at
        shown = QDateTime(QDate(t.year, t.month, t.day), QTime(t.hour, t.minute), QTimeZone.utc())
        if shown == self.edit.dateTime():
            return
        self._setting = True
        try:
            self.edit.setDateTime(shown)
        finally:
            self._setting = False

    def _on_edited(self, _value: QDateTime) -> None:
        if not self._setting:
            self._following, self._typed = False, True
            self.zone_label.setText(self.value().strftime("%Z"))  # CDT or CST: the instant it gives

    def _follow_clock(self) -> None:
        if self._following:
            self._show(self._now())

    def value(self) -> datetime:
        """The instant shown, in the zone it is shown and labelled in; the current minute while the
        field follows the clock. In the hour the clocks go back, the time shown (set, or now) is the
        one it was; a time changed there is the nearer of the two to it (a few minutes' change, a
        reading taken an hour ago). A time in the spring gap, which never existed, is the instant an
        hour on (02:30 is 03:30 CDT), as the engine reads it."""
        self._follow_clock()
        d, t = self.edit.date(), self.edit.time()
        wall, zone = (d.year(), d.month(), d.day(), t.hour(), t.minute()), ZoneInfo(self._shown_zone)
        if wall == self._shown_wall:
            at = datetime(*wall, fold=self._shown_fold, tzinfo=zone)
        else:
            first, second = (datetime(*wall, fold=fold, tzinfo=zone) for fold in (0, 1))
            repeated = second.utcoffset() < first.utcoffset()  # (in the spring gap it is the other way)
            at = min((first, second), key=lambda c: abs(instant(c) - instant(self._shown_at))) if repeated else first
        return instant(at).astimezone(zone)

    def follow_zone(self) -> None:
        """After the zone changed (another patient), show the same instant in the new zone."""
        if self._zone() != self._shown_zone:
            self._show(self.value())
