"""The temperature chart (screen 1, Chart tab) shows every stored reading: its temperature axis
widens to a reading outside its usual range, never cutting a high fever off at the top."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

ZONE = ZoneInfo("America/Chicago")
INFUSION = datetime(2026, 11, 3, 10, 0, tzinfo=ZONE)


def _patient(store, nurse, readings) -> int:
    pid = store.add_patient(nurse, mrn="C-1", name="Chart Patient", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=INFUSION,
                            timezone="America/Chicago")
    for hours, value in readings:
        store.add_temperature(nurse, pid, at=INFUSION + timedelta(hours=hours), value=Decimal(value), unit="C")
    return pid


def _chart(qtbot, make_window, pid):
    w = make_window(INFUSION + timedelta(days=2))
    w.open_patient(pid)
    w.grading.tabs.setCurrentWidget(w.grading.chart)  # the chart is made when its tab is first shown
    qtbot.waitUntil(lambda: w.grading.chart.chart is not None)
    return w.grading.chart.chart


def _temperature_axis(chart):
    [axis] = [a for a in chart.chart.axes() if a.titleText() == "°C"]
    return axis


@pytest.mark.parametrize("low, high", [("36.8", "42.4"), ("33.1", "37.2")])
def test_every_reading_is_within_the_temperature_axis(qtbot, make_window, store, nurse, low, high):
    # rules §2: 30–44 °C are plausible readings; the chart must not hide one of them off its edge
    chart = _chart(qtbot, make_window, _patient(store, nurse, [(20, low), (24, high)]))
    axis = _temperature_axis(chart)
    assert axis.min() <= float(low) - 0.5 and axis.max() >= float(high) + 0.5  # inside, not on the edge
    assert "highest " + high + " °C" in chart.caption.text()


def test_usual_readings_keep_the_usual_range(qtbot, make_window, store, nurse):
    chart = _chart(qtbot, make_window, _patient(store, nurse, [(20, "36.9"), (24, "40.5")]))
    axis = _temperature_axis(chart)
    assert (axis.min(), axis.max()) == (35, 41)


@pytest.mark.parametrize("days", [2, 12])
def test_the_time_axis_marks_the_patient_s_own_days(qtbot, make_window, store, nurse, days):
    # The title says "times in America/Chicago": the axis must be in that zone, whatever the
    # workstation's, with its marks on the ward's midnights (or on whole hours over a short span).
    from PySide6.QtCharts import QCategoryAxis

    from pacer_desktop.ui.chart import MAX_MARKS

    w = make_window(INFUSION + timedelta(days=days))
    w.open_patient(_patient(store, nurse, [(20, "38.9"), (24, "39.1")]))
    w.grading.tabs.setCurrentWidget(w.grading.chart)
    qtbot.waitUntil(lambda: w.grading.chart.chart is not None)
    chart = w.grading.chart.chart
    [axis] = [a for a in chart.chart.axes() if a.titleText().startswith("time")]
    assert isinstance(axis, QCategoryAxis)
    marks = [(label, datetime.fromtimestamp(axis.endValue(label) / 1000, ZONE)) for label in axis.categoriesLabels()]
    assert 2 <= len(marks) <= MAX_MARKS  # readable at the chart's width
    steps = {b - a for (_, a), (_, b) in zip(marks, marks[1:])}
    assert len(steps) == 1  # evenly spaced on the ward's clock
    for label, at in marks:
        assert (at.hour, at.minute) in ((0, 0), (6, 0), (12, 0), (18, 0)) and label.startswith(f"{at.day} {at:%b}")
    assert "America/Chicago" in axis.titleText()


@pytest.mark.parametrize("start, hours", [(datetime(2026, 3, 8, 0, 30), 5), (datetime(2026, 11, 1, 0, 30), 5),
                                          (datetime(2026, 11, 3, 9), 30 * 24)])
def test_marks_fall_once_each_on_the_ward_s_whole_hours_across_clock_changes(start, hours):
    from pacer_desktop.ui.chart import MAX_MARKS, time_marks
    first = start.replace(tzinfo=ZONE)
    marks = time_marks(first, first + timedelta(hours=hours), "America/Chicago")
    instants = [at for _, at in marks]
    assert 2 <= len(marks) <= MAX_MARKS and instants == sorted(set(instants))  # no mark twice
    assert len({label for label, _ in marks}) == len(marks)
    assert all(at.minute == 0 for at in instants)
    for label, at in marks:  # each label is its instant on the ward's clock
        wall = at.astimezone(ZONE)
        # (in the hour a clock change repeats, the time is followed by the zone's name: 01:00 CDT)
        assert label.startswith(f"{wall.day} {wall:%b}") and (":" not in label or f"{wall:%H:%M}" in label.split())


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Europe/Berlin", "Pacific/Auckland"])
def test_day_marks_are_labelled_with_the_ward_s_date_east_of_utc(zone):
    from pacer_desktop.ui.chart import time_marks
    first = datetime(2026, 11, 3, 9, tzinfo=ZoneInfo(zone))
    marks = time_marks(first, first + timedelta(days=12), zone)
    assert marks and all(":" not in label for label, _ in marks)  # a day step
    for label, at in marks:
        wall = at.astimezone(ZoneInfo(zone))
        assert (wall.hour, wall.minute) == (0, 0) and label == f"{wall.day} {wall:%b}"


@pytest.mark.parametrize("years", [1, 36])
def test_a_span_of_years_gives_a_few_dated_marks_at_once(years):
    # an infusion date typed years out (1900–2199 are valid dates) must not freeze the chart
    import time as clock

    from pacer_desktop.ui.chart import MAX_MARKS, time_marks
    end = datetime(2026, 12, 1, 12, tzinfo=ZONE)
    started = clock.perf_counter()
    marks = time_marks(end - timedelta(days=365 * years), end, "America/Chicago")
    assert clock.perf_counter() - started < 0.2
    assert 2 <= len(marks) <= MAX_MARKS
    assert all(label.endswith(f"{at.astimezone(ZONE):%Y}") for label, at in marks)  # the year, over a year


def test_no_marks_for_an_empty_span():
    from pacer_desktop.ui.chart import time_marks
    end = datetime(2026, 12, 1, 12, tzinfo=ZONE)
    assert time_marks(end, end, "America/Chicago") == []
    assert time_marks(end + timedelta(days=3), end, "America/Chicago") == []  # an infusion time after now


@pytest.mark.parametrize("zone, start, hours", [("Antarctica/Troll", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), 3.5),
                                                ("Pacific/Apia", datetime(2011, 12, 30, 8, 7, tzinfo=UTC), 3)])
def test_marks_strictly_increase_where_a_clock_change_skips_hours_or_a_day(zone, start, hours):
    from pacer_desktop.ui.chart import time_marks
    marks = time_marks(start, start + timedelta(hours=hours), zone)
    instants = [at for _, at in marks]
    assert marks and all(a < b for a, b in zip(instants, instants[1:]))
    for label, at in marks:  # each mark a wall time that exists, labelled as it reads there
        wall = at.astimezone(ZoneInfo(zone))
        assert wall.minute == 0 and (":" not in label or label.endswith(f"{wall:%H:%M}"))


def _x_axis(chart):
    [axis] = [a for a in chart.chart.axes() if a.titleText().startswith("time")]
    return axis


def test_a_reading_before_the_infusion_is_on_the_chart(qtbot, make_window, store, nurse):
    # readings from 12 h before the infusion are shown (and counted in the caption)
    chart = _chart(qtbot, make_window, _patient(store, nurse, [(-6, "42.4"), (20, "38.1")]))
    axis, reading = _x_axis(chart), (INFUSION - timedelta(hours=6)).timestamp() * 1000
    assert axis.min() < reading < axis.max()
    assert "2 temperatures, highest 42.4 °C" in chart.caption.text()


def test_readings_before_a_planned_infusion_are_on_the_chart(qtbot, make_window, store, nurse):
    # the patient is admitted and charted before the infusion day: baseline temperatures
    now = INFUSION - timedelta(hours=5)
    pid = _patient(store, nurse, [])
    w = make_window(now)
    store.add_temperature(nurse, pid, at=now - timedelta(hours=1), value=Decimal("37.2"), unit="C")
    w.open_patient(pid)
    w.grading.tabs.setCurrentWidget(w.grading.chart)
    qtbot.waitUntil(lambda: w.grading.chart.chart is not None)
    axis, reading = _x_axis(w.grading.chart.chart), (now - timedelta(hours=1)).timestamp() * 1000
    assert axis.min() < reading < axis.max()


def test_a_reading_just_after_the_clocks_go_forward_is_inside_the_time_axis(qtbot, make_window, store, nurse):
    """8 Mar 2026, 02:00 CST → 03:00 CDT: an hour before 03:30 CDT on the wall clock is 02:30, a time
    that does not exist, read as 03:30 again. The earliest reading sat on the axis's edge."""
    infusion = datetime(2026, 3, 8, 10, 0, tzinfo=ZONE)  # planned; the admission's reading comes first
    reading = datetime(2026, 3, 8, 3, 30, tzinfo=ZONE)
    pid = store.add_patient(nurse, mrn="C-2", name="Spring Forward", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=infusion,
                            timezone="America/Chicago")
    w = make_window(datetime(2026, 3, 8, 5, 0, tzinfo=ZONE))
    store.add_temperature(nurse, pid, at=reading, value=Decimal("37.2"), unit="C")
    w.open_patient(pid)
    w.grading.tabs.setCurrentWidget(w.grading.chart)
    qtbot.waitUntil(lambda: w.grading.chart.chart is not None)
    assert _x_axis(w.grading.chart.chart).min() < reading.timestamp() * 1000
