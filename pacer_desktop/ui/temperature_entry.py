"""Temperature entry: the reading as typed (°C or °F, the other unit beside it) and the form that records it.

A correction of a stored temperature (:mod:`.corrections`) shows the same :class:`TemperatureReading`.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ..core import notation
from ..core.errors import CaseError
from ..core.temperature import to_celsius
from .patient_state import PatientState
from .reading_entry import ReadingEntry
from .widgets import Choice, line_edit, parse_decimal, required_decimal


def fahrenheit(celsius: Decimal) -> Decimal:
    """°C → °F (physics, not protocol)."""
    return celsius * 9 / 5 + 32


class TemperatureReading(QWidget):
    """A temperature as typed: value, °C or °F, and the value in the other unit beside them.
    The entry form records one; a correction of a stored temperature shows it (flowsheet)."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.value = line_edit("e.g. 38.7", "temperature_value")
        self.unit = Choice([("C", "°C"), ("F", "°F")])
        self.unit.setObjectName("temperature_unit")
        self.converted = QLabel(objectName="temperature_converted")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.value, 1)
        row.addWidget(self.unit)
        row.addWidget(self.converted, 2)
        self.value.textChanged.connect(self._on_value_changed)
        self.unit.currentIndexChanged.connect(self._on_value_changed)

    def _on_value_changed(self, *_args) -> None:
        try:
            value = parse_decimal(self.value.text())
        except ValueError as exc:
            self.converted.setText(str(exc))
            return
        if value is None or self.state.protocol is None:
            self.converted.setText("")
            return
        rules = self.state.protocol.temperature
        if self.unit.value() == "F":
            self.converted.setText(f"= {notation.celsius(to_celsius(value, 'F', rules))}")
        else:
            self.converted.setText(f"= {notation.fahrenheit(fahrenheit(value))}")


class TemperatureEntry(ReadingEntry):
    """Value, °C or °F (the other unit shown as typed), time defaulting to now."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        reading = TemperatureReading(state)
        super().__init__(state, "Temperature", "Temperature", reading, "value", "Taken at", "Record temperature",
                         parent)
        self.reading = reading
        self.value, self.unit, self.converted = reading.value, reading.unit, reading.converted

    def clear(self) -> None:
        self.value.clear()
        self.unit.set_value("C")
        super().clear()

    def submit(self) -> None:
        try:
            value = required_decimal(self.value.text(), "value", "Enter the temperature.")
        except CaseError as exc:
            self.messages.show(list(exc.problems))
            return
        self.messages.clear()
        at, unit = self.time.value(), self.unit.value()
        shown = notation.temperature(value, unit)

        def saved(_id) -> None:
            self.clear()
            self.value.setFocus()

        self.state.save(lambda store, user, pid: store.add_temperature(user, pid, at=at, value=value, unit=unit),
                        f"Temperature {shown} recorded", on_problems=self.messages.show, on_saved=saved)
