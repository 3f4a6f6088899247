"""Scrolling a form with the mouse wheel never changes a value under the pointer.

Seen on the eligibility screen under Xvfb: scrolling down over "Reason ineligible for HSCT" turned
it to "declined HSCT after documented discussion". A combo box, spin box or time field takes
wheel turns only once the user has put the focus in it; otherwise the form scrolls.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from pacer_desktop.ui.date_time_fields import TimeField
from pacer_desktop.ui.widgets import Choice


def wheel_down(widget, steps: int = -120) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def form(qtbot):
    page = QWidget()
    layout = QVBoxLayout(page)
    other = QLineEdit()
    choice = Choice([(None, "— not entered"), ("a", "a"), ("b", "b")])
    time = TimeField(lambda: "UTC", lambda: datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("UTC")))
    layout.addWidget(other)
    layout.addWidget(choice)
    layout.addWidget(time)
    for _ in range(30):
        layout.addWidget(QLineEdit())
    area = QScrollArea()
    area.setWidget(page)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    other.setFocus()
    return area, choice, time


def test_the_wheel_over_an_unfocused_field_changes_nothing(form):
    area, choice, time = form
    before = time.value()
    wheel_down(choice)
    wheel_down(time.edit)
    assert choice.value() is None
    assert time.value() == before


def test_the_ice_items_ignore_the_wheel_unfocused(qtbot, make_window, store, nurse):
    from datetime import date
    pid = store.add_patient(nurse, mrn="W-1", name="Wheel Test", date_of_birth=date(2010, 1, 1), sex_at_birth="female",
                            developmental_delay=False, infusion_at=datetime(2026, 11, 28, tzinfo=ZoneInfo("UTC")),
                            timezone="UTC")
    w = make_window(datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("UTC")))
    w.open_patient(pid)
    spin = next(iter(w.grading.assessment.ice_items.values()))
    assert spin.isEnabled()
    before = spin.value()
    w.grading.temperature.value.setFocus()
    wheel_down(spin, 120)  # up: the empty item is at the bottom of its range
    assert spin.value() == before


def test_the_wheel_still_works_in_a_field_the_user_is_in(form):
    _area, choice, _time = form
    choice.setFocus()
    wheel_down(choice)
    assert choice.value() == "a"
