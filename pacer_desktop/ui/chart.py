"""Temperature since the infusion, the 38.0 and 38.5 °C lines, anakinra doses and grades.

This module and QtCharts are imported when the chart is first shown (grading.ChartTab), never at
start-up.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..core.notation import day_month, plain_number
from ..core.temperature import to_celsius
from ..core.timeutil import instant, local_date
from ..core.wording import day_time, full_date
from .patient_state import PatientState


#: The temperature axis shows at least this range (°C, a display choice, not a clinical limit); it
#: widens, in whole degrees, to keep every reading half a degree inside it, so no plausible reading
#: (rules §2: 30–44 °C) is ever drawn off the chart's edge or on it.
USUAL_AXIS_C = (35, 41)
AXIS_MARGIN_C = 0.5
WHOLE_DEGREE_TICKS_UP_TO_C = 8  # a wider axis has a line every other degree
#: The chart starts this many hours before the infusion (the admission's baseline readings).
CHART_BEFORE_INFUSION_H = 12


#: Steps (hours) between the time axis's marks: the shortest that leaves at most MAX_MARKS on the
#: chart is used; a longer span gets marks as many days apart as keeps MAX_MARKS. Marks fall on the
#: ward's clock (midnight, 06:00, ...), in the patient's zone.
MARK_STEPS_H = (1, 2, 3, 6, 12, 24, 48, 72, 168)
MAX_MARKS = 5  # each label whole at the chart's width beside the entry forms (1366×768)
#: Over a span of this many days or more, day marks carry the year.
YEAR_SHOWN_FROM_DAYS = 365


def _ms(at: datetime) -> float:
    return at.timestamp() * 1000


def time_marks(start: datetime, end: datetime, zone: str) -> list[tuple[str, datetime]]:
    """The time axis's marks after ``start`` up to ``end``, each with its label: whole steps of the
    wall clock in ``zone`` (QtCharts' own date axis can only show the workstation's zone)."""
    tz = ZoneInfo(zone)
    first, last = local_date(start, tz), local_date(end, tz)
    days = (last - first).days + 1
    hours = (instant(end) - instant(start)).total_seconds() / 3600
    steps = [step for step in MARK_STEPS_H if hours / step <= 2 * MAX_MARKS]  # not even made: far too many
    steps.append(24 * max(1, math.ceil(days / (MAX_MARKS - 1))))
    for step in steps:
        marks = [t for t in _wall_clock_marks(step, first, days, tz) if start < t <= end]
        if len(marks) <= MAX_MARKS:
            break
    if step < 24:
        return [(day_time(t, tz), t) for t in marks]
    word = full_date if last - first >= timedelta(days=YEAR_SHOWN_FROM_DAYS) else day_month
    return [(word(local_date(t, tz)), t) for t in marks]


def _wall_clock_marks(step: int, first: date, days: int, tz: ZoneInfo) -> list[datetime]:
    """Every ``step`` hours of the wall clock in ``tz`` (from midnight; whole days from a fixed
    day, so marks do not move as the span grows) over ``days`` days from ``first``, as instants in
    UTC (datetimes that share a zone compare by their wall clocks), in increasing order. A wall
    time that a clock change skips is no mark: zoneinfo would put it after the gap, on or past the
    marks that follow; a repeated one is marked once, the first time."""
    if step < 24:
        wall = (datetime.combine(first + timedelta(days=n), time(h), tz)
                for n in range(days) for h in range(0, 24, step))
    else:
        every = step // 24
        wall = (datetime.combine(first + timedelta(days=n), time(0), tz)
                for n in range(-(first - date.min).days % every, days, every))
    instants = ((w, w.astimezone(UTC)) for w in wall)
    return [t for w, t in instants if t.astimezone(tz).replace(tzinfo=None) == w.replace(tzinfo=None)]


def axis_range(readings_c: list[float]) -> tuple[int, int]:
    """The temperature axis: :data:`USUAL_AXIS_C`, widened to whole degrees around every reading."""
    low, high = USUAL_AXIS_C
    return (min([low, *(math.floor(c - AXIS_MARGIN_C) for c in readings_c)]),
            max([high, *(math.ceil(c + AXIS_MARGIN_C) for c in readings_c)]))


class TemperatureChart(QWidget):
    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6 import QtCharts  # heavy: loaded on first show only
        self.Q = QtCharts
        self.state = state
        self.chart = QtCharts.QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = QtCharts.QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setObjectName("temperature_chart")
        self.caption = QLabel(objectName="chart_caption")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.caption)
        state.changed.connect(self.redraw)
        self.redraw()

    def redraw(self) -> None:
        Q, s = self.Q, self.state
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        if s.case is None or s.record is None or s.protocol is None or s.record.infusion_at is None:
            chart.setTitle("No patient selected" if s.record is None else "Infusion time not recorded")
            self.caption.setText("")
            return
        zone = s.zone
        start = s.record.infusion_at
        now = s.now()
        since = start - timedelta(hours=CHART_BEFORE_INFUSION_H)
        temps = sorted((t for t in s.case.temperatures if t.at >= since), key=lambda t: t.at)
        doses = [m for m in s.case.medications if m.drug == "anakinra" and m.at >= since]
        graded = [a for a in s.result.assessments if a.at >= since] if s.result is not None else []
        # Everything drawn is within the time axis: a planned infusion may still be ahead of now,
        # with the admission's readings before it.
        drawn = [start, now, *(t.at for t in temps), *(m.at for m in doses), *(a.at for a in graded)]
        # an hour either side in elapsed time (a time in the patient's zone adds on its wall clock)
        first, last = instant(min(drawn)) - timedelta(hours=1), instant(max(drawn)) + timedelta(hours=1)
        chart.setTitle(f"Temperature since infusion (°C), times in {zone}")
        x = Q.QCategoryAxis()
        x.setTitleText(f"time ({zone})")
        x.setLabelsPosition(Q.QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        x.setStartValue(_ms(first))
        for label, at in time_marks(first, last, zone):
            x.append(label, _ms(at))
        x.setRange(_ms(first), _ms(last))
        celsius = [to_celsius(t.value, t.unit, s.protocol.temperature) for t in temps]
        low, high = axis_range([float(c) for c in celsius])
        y = Q.QValueAxis()
        y.setRange(low, high)
        y.setTickType(Q.QValueAxis.TickType.TicksDynamic)  # lines on whole degrees (every other one when wide)
        y.setTickAnchor(low)
        y.setTickInterval(1 if high - low <= WHOLE_DEGREE_TICKS_UP_TO_C else 2)
        y.setTitleText("°C")
        y.setLabelFormat("%.1f")
        grade_axis = Q.QValueAxis()
        grade_axis.setRange(0, 6)
        grade_axis.setTickCount(7)
        grade_axis.setLabelFormat("%d")
        grade_axis.setTitleText("grade (CRS, ICANS)")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(grade_axis, Qt.AlignmentFlag.AlignRight)

        def add(series, axis_y) -> None:
            chart.addSeries(series)
            series.attachAxis(x)
            series.attachAxis(axis_y)

        line = Q.QLineSeries()
        line.setName("°C")
        line.setPointsVisible(True)
        line.setPen(QPen(QColor("#0d47a1"), 2))
        for t, c in zip(temps, celsius):
            line.append(_ms(t.at), float(c))
        add(line, y)
        for value, name, style in ((s.protocol.crs.fever_c, "CRS", Qt.PenStyle.DashLine),
                                   (s.protocol.persistent_fever.reading_above_c, "protocol",
                                    Qt.PenStyle.DotLine)):
            ref = Q.QLineSeries()
            ref.setName(f"{value} {name}")
            ref.append(_ms(first), float(value))
            ref.append(_ms(last), float(value))
            pen = QPen(QColor("#b00020"), 1.5)
            pen.setStyle(style)
            ref.setPen(pen)
            add(ref, y)
        given = Q.QScatterSeries()
        given.setName("anakinra")
        given.setMarkerShape(Q.QScatterSeries.MarkerShape.MarkerShapeTriangle)
        given.setMarkerSize(14)
        given.setColor(QColor("#2e7d32"))
        for m in doses:
            given.append(_ms(m.at), low + 0.5)  # along the foot of the chart
        add(given, y)
        if s.result is not None:
            crs, icans = Q.QLineSeries(), Q.QLineSeries()
            crs.setName("CRS")
            icans.setName("ICANS")
            crs.setPen(QPen(QColor("#e65100"), 2))
            pen = QPen(QColor("#6a1b9a"), 2)
            pen.setStyle(Qt.PenStyle.DashLine)
            icans.setPen(pen)
            for series in (crs, icans):
                series.setPointsVisible(True)
            for a in graded:
                crs.append(_ms(a.at), a.current_crs_grade)
                icans.append(_ms(a.at), a.current_icans_grade)
            add(crs, grade_axis)
            add(icans, grade_axis)
        count = len(doses)
        peak = max(celsius, default=None)
        self.caption.setText(
            f"{len(temps)} temperatures"
            + (f", highest {plain_number(peak)} °C" if peak is not None else "")
            + f"; {count} anakinra {'dose' if count == 1 else 'doses'} given (▲). Dashed red: {s.protocol.crs.fever_c} °C (CRS fever);"
              f" dotted red: above {s.protocol.persistent_fever.reading_above_c} °C (protocol fever)."
              " Right axis: CRS grade (solid orange) and ICANS grade (dashed purple).")
