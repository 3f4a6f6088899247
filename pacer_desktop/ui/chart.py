"""Temperature since the infusion, the 38.0 and 38.5 °C lines, anakinra doses and grades.

This module and QtCharts are imported when the chart is first shown (grading.ChartTab), never at
start-up.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..core.notation import plain_number
from ..core.temperature import to_celsius
from .patient_state import PatientState


#: The temperature axis shows at least this range (°C, a display choice, not a clinical limit); it
#: widens, in whole degrees, to keep every reading half a degree inside it, so no plausible reading
#: (rules §2: 30–44 °C) is ever drawn off the chart's edge or on it.
USUAL_AXIS_C = (35, 41)
AXIS_MARGIN_C = 0.5


def _ms(at: datetime) -> float:
    return at.timestamp() * 1000


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
        temps = sorted((t for t in s.case.temperatures if t.at >= start - timedelta(hours=12)), key=lambda t: t.at)
        end = max([now, *(t.at for t in temps)])
        chart.setTitle(f"Temperature since infusion (°C), times in {zone}")
        x = Q.QDateTimeAxis()
        x.setFormat("d MMM hh:mm")
        x.setTitleText("time")
        x.setRange(QDateTime.fromMSecsSinceEpoch(int(_ms(start - timedelta(hours=1)))),
                   QDateTime.fromMSecsSinceEpoch(int(_ms(end + timedelta(hours=1)))))
        x.setTickCount(5)
        celsius = [float(to_celsius(t.value, t.unit, s.protocol.temperature)) for t in temps]
        low, high = axis_range(celsius)
        y = Q.QValueAxis()
        y.setRange(low, high)
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
            line.append(_ms(t.at), c)
        add(line, y)
        for value, name, style in ((s.protocol.crs.fever_c, "CRS", Qt.PenStyle.DashLine),
                                   (s.protocol.persistent_fever.reading_above_c, "protocol",
                                    Qt.PenStyle.DotLine)):
            ref = Q.QLineSeries()
            ref.setName(f"{value} {name}")
            ref.append(_ms(start - timedelta(hours=1)), float(value))
            ref.append(_ms(end + timedelta(hours=1)), float(value))
            pen = QPen(QColor("#b00020"), 1.5)
            pen.setStyle(style)
            ref.setPen(pen)
            add(ref, y)
        doses = Q.QScatterSeries()
        doses.setName("anakinra")
        doses.setMarkerShape(Q.QScatterSeries.MarkerShape.MarkerShapeTriangle)
        doses.setMarkerSize(14)
        doses.setColor(QColor("#2e7d32"))
        for m in s.case.medications:
            if m.drug == "anakinra":
                doses.append(_ms(m.at), low + 0.5)  # along the foot of the chart
        add(doses, y)
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
            for a in s.result.assessments:
                crs.append(_ms(a.at), a.current_crs_grade)
                icans.append(_ms(a.at), a.current_icans_grade)
            add(crs, grade_axis)
            add(icans, grade_axis)
        given = sum(1 for m in s.case.medications if m.drug == "anakinra")
        peak = max((to_celsius(t.value, t.unit, s.protocol.temperature) for t in temps), default=None)
        self.caption.setText(
            f"{len(temps)} temperatures"
            + (f", highest {plain_number(peak)} °C" if peak is not None else "")
            + f"; {given} anakinra {'dose' if given == 1 else 'doses'} given (▲). Dashed red: {s.protocol.crs.fever_c} °C (CRS fever);"
              f" dotted red: above {s.protocol.persistent_fever.reading_above_c} °C (protocol fever)."
              " Right axis: CRS grade (solid orange) and ICANS grade (dashed purple).")
