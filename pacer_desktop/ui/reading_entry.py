"""A form for one measured value with its time and a save button: the temperature and weight entry share it."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QWidget

from .patient_state import PatientState
from .date_time_fields import TimeField
from .widgets import FieldMessages, SubmitOnEnter


class ReadingEntry(SubmitOnEnter, QGroupBox):
    """One measured value with its time (defaulting to now) and a save button; Enter saves.
    The temperature and weight forms."""

    def __init__(self, state: PatientState, title: str, label: str, value: QWidget, value_key: str,
                 time_label: str, button: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.state = state
        self.time = TimeField(lambda: state.zone, state.now)
        self.save_button = QPushButton(button)
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        form = QFormLayout(self)
        form.addRow(label, value)
        form.addRow("", self.messages.label_for(value_key))
        form.addRow(time_label, self.time)
        form.addRow("", self.messages.label_for("at"))
        form.addRow(self.form_error)
        form.addRow("", self.save_button)
        self.save_button.clicked.connect(self.submit)
        state.switched.connect(self.clear)

    def submit(self) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        """Blank, with the time following the clock: after a save, and for another patient."""
        self.messages.clear()
        self.time.set_now()
