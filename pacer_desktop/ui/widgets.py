"""Small widgets every screen uses: field messages, times in a zone, yes/no/not-entered, banners."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QLocale, QObject, Qt, QTime, QTimeZone, QTimer
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QDialogButtonBox, QSpinBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QVBoxLayout, QWidget, QAbstractItemView)

from ..core.errors import CaseError, Problem


@contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Update widgets without their change signals firing (napari's ``qt_signals_blocked``)."""
    previous = [o.blockSignals(True) for o in objects]
    try:
        yield
    finally:
        for o, was in zip(objects, previous):
            o.blockSignals(was)


def field_key(field: str) -> str:
    """``assessments[3].crs.oxygen_flow_l_min`` → ``oxygen_flow_l_min``."""
    return re.sub(r"\[\d+\]", "", field).rsplit(".", 1)[-1]


class FieldMessages:
    """Red-and-worded messages under the fields of one form; unmatched problems go to the form."""

    def __init__(self, form_label: QLabel) -> None:
        self._labels: dict[str, QLabel] = {}
        self._form = form_label
        _style_error(form_label)

    def label_for(self, key: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error_{key}")
        _style_error(label)
        self._labels[key] = label
        return label

    def has(self, key: str) -> bool:
        """Whether a field ``key`` has its own message label here."""
        return key in self._labels

    def clear(self) -> None:
        for label in [*self._labels.values(), self._form]:
            label.clear()
            label.hide()

    def show(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.clear()
        loose = []
        for p in problems:
            label = self._labels.get(field_key(p.field)) if p.field else None
            if label is None:
                loose.append(str(p) if p.field else p.message)
                continue
            text = f"{label.text()}\n{p.message}" if label.text() else p.message
            label.setText("⚠ " + text if not label.text() else text)
            label.show()
        if loose:
            self._form.setText("⚠ " + "\n".join(loose))
            self._form.show()
        window = self._form.window()
        if isinstance(window, QDialog):  # a dialog grows to show every message whole
            window.adjustSize()

    def text(self) -> str:
        return "\n".join(lb.text() for lb in [*self._labels.values(), self._form] if lb.text())


def _style_error(label: QLabel) -> None:
    label.setStyleSheet("color: #a40000; font-weight: bold;")
    label.setWordWrap(True)
    label.hide()


class SubmitOnEnter:
    """Mixin for a form on a screen (a dialog has its default button instead): Enter or Return in
    any of its fields runs the form's ``submit``. Line edits, spin boxes, date and time fields and
    closed combo boxes pass the key on to their parent, as they do to a dialog."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.submit()
            return
        super().keyPressEvent(event)


def parse_decimal(text: str) -> Decimal | None:
    """``"38,7"`` or ``"38.7"`` → Decimal; blank → None; raises ValueError in plain words."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number") from None
    if not value.is_finite():
        raise ValueError(f"“{text}” is not a number")
    return value


def required_decimal(text: str, field: str, missing: str) -> Decimal:
    """A number that must be entered; raises :class:`CaseError` naming ``field`` in plain words."""
    try:
        value = parse_decimal(text)
    except ValueError as exc:
        raise CaseError([Problem(field, str(exc))]) from None
    if value is None:
        raise CaseError([Problem(field, missing)])
    return value


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"“{text}” is not a date: write it as YYYY-MM-DD, e.g. 2026-11-04") from None


#: Clinical dates and times are written in English whatever the workstation's language: a
#: German workstation showed "04 März" (issue 14 §4). Months in letters as in notation.MONTHS.
CLINICAL_LOCALE = (QLocale.Language.English, QLocale.Country.UnitedStates)


class WheelOnlyWhenFocused:
    """Mixin for a field whose value the mouse wheel can change (combo box, spin box, date and
    time): the wheel changes it only once the user has put the focus in it; otherwise the turn
    goes on to the form, which scrolls. Scrolling a long form must never change an answer that
    happens to pass under the pointer."""

    def _guard_wheel(self) -> None:
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel turn does not take the focus

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # to the parent: the scroll area


class SpinBox(WheelOnlyWhenFocused, QSpinBox):
    """A whole-number field (e.g. an ICE item) that scrolling past does not change."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._guard_wheel()


class ClinicalTimeEdit(WheelOnlyWhenFocused, QDateTimeEdit):
    """``dd MMM yyyy HH:mm`` in English, made for the keyboard (issue 14 §4).

    Typed digits fill the sections in order (day, month as a number, year, hour, minute), moving
    on when a section is full; a space, ``/``, ``.``, ``:`` or ``-`` moves on early. With the
    whole text selected, typing starts again at the day: ``301120262205`` is 30 Nov 2026 22:05.
    The arrow keys step every section across its ends: Down on day 01 Dec is 30 Nov, Down on
    minute 00 is the minute before.
    """

    _SEPARATORS = " /.:-"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._guard_wheel()
        self.setLocale(QLocale(*CLINICAL_LOCALE))
        self._typed = ""          # digits typed into the current section so far
        self._typing_in = None    # the section they were typed into
        self._moved_on = False    # a full section just moved the cursor on: a separator is not needed
        self._wanted_day = None   # the day typed, kept while a shorter month is typed after it

    def _order(self) -> tuple:
        s = QDateTimeEdit.Section
        return (s.DaySection, s.MonthSection, s.YearSection, s.HourSection, s.MinuteSection)

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

    # ---- typed digits --------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        text = event.text()
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
        self.setDateTime(QDateTime(QDate(year, month, day), QTime(hour, minute), self.timeZone()))

    def _next_section(self, section=None) -> None:
        order = self._order()
        current = section if section is not None else self.currentSection()
        index = order.index(current) + 1 if current in order else 0
        self._typed, self._typing_in = "", None
        self.setSelectedSection(order[min(index, len(order) - 1)])


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

    def set_now(self) -> None:
        """Show now, and follow the clock until the user edits the time."""
        self._show(self._now())
        self._following = True

    def set_value(self, at: datetime) -> None:
        """Show ``at``; the field keeps it (no longer follows the clock)."""
        self._following = False  # first: a redraw that reads the value meanwhile must get ``at``
        self._show(at)

    def _show(self, at: datetime) -> None:
        self._shown_zone = self._zone()
        t = at.astimezone(ZoneInfo(self._shown_zone))
        self.zone_label.setText(t.strftime("%Z"))
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
            self._following = False

    def _follow_clock(self) -> None:
        if self._following:
            self._show(self._now())

    def value(self) -> datetime:
        """The instant shown, in the zone it is shown and labelled in (fold 0 on a repeated hour);
        the current minute while the field follows the clock."""
        self._follow_clock()
        d, t = self.edit.date(), self.edit.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=ZoneInfo(self._shown_zone))

    def follow_zone(self) -> None:
        """After the zone changed (another patient), show the same instant in the new zone."""
        if self._zone() != self._shown_zone:
            self._show(self.value())


class Choice(WheelOnlyWhenFocused, QComboBox):
    """A combo box of ``(value, text)`` pairs; ``value()`` gives the value of the current item."""

    def __init__(self, items: list[tuple[object, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._guard_wheel()
        for value, text in items:
            self.addItem(text, value)

    def value(self):
        return self.currentData()

    def values(self) -> list:
        return [self.itemData(i) for i in range(self.count())]

    def set_value(self, value) -> None:
        for i in range(self.count()):
            if self.itemData(i) == value:
                self.setCurrentIndex(i)
                return
        raise ValueError(f"{value!r} is not a choice")


def yes_no(parent: QWidget | None = None) -> Choice:
    """Yes / no / not entered (None is missing data, never a pass)."""
    return Choice([(None, "— not entered"), (True, "yes"), (False, "no")], parent)


class Banner(QLabel):
    """A worded, coloured strip: the words carry the meaning, the colour only repeats it."""

    COLOURS = {"alarm": ("#ffffff", "#b00020"), "warn": ("#000000", "#ffd54f"),
               "ok": ("#ffffff", "#1b5e20"), "info": ("#000000", "#e0e0e0")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_text(self, text: str, kind: str = "info") -> None:
        if not text:
            self.clear()
            self.hide()
            return
        if kind != getattr(self, "_kind", None):  # re-styling is slow: only when the kind changes
            fg, bg = self.COLOURS[kind]
            self.setStyleSheet(f"QLabel {{ color: {fg}; background: {bg}; padding: 6px; font-weight: bold;"
                               " border-radius: 3px; }")
            self._kind = kind
        self.setText(text)
        self.show()


def line_edit(placeholder: str = "", name: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    if name:
        edit.setObjectName(name)
    return edit


def dialog_buttons(dialog: QDialog, layout: QVBoxLayout, ok_text: str, submit: Callable[[], None], *,
                   cancel: bool = True) -> QPushButton:
    """Add the dialog's buttons at the end of its ``layout``: Cancel (unless ``cancel`` is False)
    and the OK button, named ``ok_text``, which runs ``submit``. OK is the dialog's default
    button: Enter in any field presses it."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel if cancel
                           else QDialogButtonBox.StandardButton.NoButton)
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    box.accepted.connect(submit)
    box.rejected.connect(dialog.reject)
    layout.addWidget(box)  # last in the focus chain, as on screen
    ok.setDefault(True)  # once in the dialog, which then knows its default button
    return ok


def lay_out_dialog(dialog: QDialog, form: QFormLayout, form_error: QLabel, ok_text: str,
                   submit: Callable[[], None]) -> QPushButton:
    """Lay out a form dialog: the form, its message, then Cancel and OK (:func:`dialog_buttons`)."""
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(form_error)
    return dialog_buttons(dialog, layout, ok_text, submit)


def row_table(columns: tuple[str, ...], name: str) -> QTableWidget:
    """A read-only table whose rows are selected whole, one at a time."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    # Titles over the start of their column, like the cells below them and the flowsheet's titles.
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table
