"""Weight entry: kg and the time weighed."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..core import notation
from ..core.errors import CaseError
from .patient_state import PatientState
from .reading_entry import ReadingEntry
from .widgets import line_edit, required_decimal


class WeightEntry(ReadingEntry):
    """Weight in kg, time defaulting to now."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        kg = line_edit("e.g. 23.4", "weight_kg")
        super().__init__(state, "Weight", "Weight (kg)", kg, "kg", "Weighed at", "Record weight", parent)
        self.kg = kg

    def clear(self) -> None:
        self.kg.clear()
        super().clear()

    def submit(self) -> None:
        try:
            kg = required_decimal(self.kg.text(), "kg", "Enter the weight in kg.")
        except CaseError as exc:
            self.messages.show(list(exc.problems))
            return
        self.messages.clear()
        at = self.time.value()

        def saved(_id) -> None:
            self.clear()

        self.state.save(lambda store, user, pid: store.add_weight(user, pid, at=at, kg=kg),
                        f"Weight {notation.kg(kg)} recorded", on_problems=self.messages.show, on_saved=saved)
