"""Temperature and grading screen: temperature, weight, CRS and ICANS entry with the live grade."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from . import presenters as say
from .assessment_form import AssessmentForm
from .flowsheet import Flowsheet
from .patient_state import PatientState
from .temperature_entry import TemperatureEntry
from .weight_entry import WeightEntry
from .widgets import Banner

#: Width of the entry forms' pane, and the least width the flowsheet beside it needs to show all
#: its columns (Entered by, Status); below their sum the flowsheet goes under the forms.
ENTRY_WIDTH_PX = 530
FLOWSHEET_WIDTH_PX = 520
SPLIT_GAP_PX = 10


class ChartTab(QWidget):
    """The chart's tab: empty until first shown, then a :class:`chart.TemperatureChart` (that
    module and QtCharts load then, not at start-up)."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.chart: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.chart is None:
            from .chart import TemperatureChart
            self.chart = TemperatureChart(self.state)
            self._layout.addWidget(self.chart)
        super().showEvent(event)


class GradingScreen(QWidget):
    """Screen 1 (Ctrl+1): entry on the left; flowsheet and chart on the right."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.fever_banner = Banner()
        self.fever_banner.setObjectName("fever_banner")
        self.temperature = TemperatureEntry(state)
        self.weight = WeightEntry(state)
        self.assessment = AssessmentForm(state)
        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        entry_layout.addWidget(self.temperature)
        entry_layout.addWidget(self.weight)
        entry_layout.addWidget(self.assessment)
        entry_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(entry)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(ENTRY_WIDTH_PX)
        self.flowsheet = Flowsheet(state)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.flowsheet, "&Flowsheet")
        self.chart = ChartTab(state)
        self.tabs.addTab(self.chart, "&Chart")
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([ENTRY_WIDTH_PX + SPLIT_GAP_PX, FLOWSHEET_WIDTH_PX])
        self.splitter = splitter
        self._wide = True
        # The screen's least width is the entry pane's, side by side or not: were it the sum of
        # both panes, a narrow window could never become narrow enough to put one under the other.
        splitter.setMinimumWidth(ENTRY_WIDTH_PX)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.fever_banner)
        layout.addWidget(splitter, 1)
        state.changed.connect(self._on_state_changed)
        self._on_state_changed()

    def _on_state_changed(self) -> None:
        for form in (self.temperature, self.weight, self.assessment):  # times in the selected patient's zone
            form.time.follow_zone()
        r = self.state.result
        if r is None or r.persistent_fever_at is None:
            self.fever_banner.show_text("")
            return
        rows = say.schedule_rows(r)
        self.fever_banner.show_text(*say.fever_banner(r, rows))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Side by side where both fit; narrower (a 1024×768 screen), the flowsheet goes under the
        entry forms, so that none of its columns is cut off (issue 14 §4)."""
        wide = event.size().width() >= ENTRY_WIDTH_PX + FLOWSHEET_WIDTH_PX
        if wide != self._wide:
            self._wide = wide
            self.splitter.setOrientation(Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical)
            half = max(event.size().height(), 2) // 2
            self.splitter.setSizes([ENTRY_WIDTH_PX + SPLIT_GAP_PX, FLOWSHEET_WIDTH_PX] if wide else [half, half])
        super().resizeEvent(event)

    def first_field(self) -> QWidget:
        return self.temperature.value
