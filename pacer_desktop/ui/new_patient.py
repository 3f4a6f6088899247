"""The new-patient form: MRN, name, study ID, date of birth, sex at birth, developmental delay,
infusion time, zone and protocol, checked as the store checks them. Made on first use (Ctrl+N), not
at every start."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QWidget

from .. import protocols
from ..evaluation import workstation_zone
from . import presenters as say
from .date_time_fields import DateField, TimeField
from .entry_dialog import EntryDialog
from .patient_state import PatientState
from .widgets import Choice, FieldMessages, lay_out_dialog


class NewPatientDialog(EntryDialog):
    """MRN, name, study ID, date of birth, sex at birth, developmental delay, infusion time, zone,
    protocol; Escape asks before discarding them (:class:`EntryDialog`)."""

    discard_question = "Discard the details typed for this new patient? Nothing has been saved yet."

    created = Signal(int)

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New patient")
        self.state = state
        self.mrn = QLineEdit(objectName="mrn")
        self.name = QLineEdit(objectName="name")
        self.study_id = QLineEdit(objectName="study_id")  # issue 19: empty until the patient is enrolled
        self.study_id.setPlaceholderText("e.g. PACER-001 (blank until enrolled)")
        # The eligibility screen's date field (issue 16 §9); a date after today is refused by the
        # store's own check (core/checks.py), whose message is shown beside the field.
        self.dob = DateField(self._today, "date_of_birth")
        self.sex = Choice([(None, "— choose"), ("female", "female"), ("male", "male")])
        self.delay = QCheckBox("Developmental delay (ICANS graded with CAPD)")
        self.zone = QLineEdit(workstation_zone())
        self.zone.setToolTip("IANA time zone of the ward, e.g. America/Chicago")
        self.infusion = TimeField(lambda: self._zone_name(), state.now)
        self.protocol = Choice([(p, p) for p in protocols.available()])
        self.protocol.set_value(protocols.CURRENT)
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        form = QFormLayout()
        rows = [("MRN", self.mrn, "mrn"), ("Name", self.name, "name"), ("Study ID", self.study_id, "study_id"),
                ("Date of birth", self.dob, "date_of_birth"),
                ("Sex at birth", self.sex, "sex_at_birth"), ("", self.delay, "developmental_delay"),
                ("Time zone", self.zone, "timezone"),
                ("CAR T-cell infusion time", self.infusion, "infusion_at"),
                ("Protocol", self.protocol, "protocol")]
        for label, widget, key in rows:
            form.addRow(label, widget)
            form.addRow("", self.messages.label_for(key))
        self.save_button = lay_out_dialog(self, form, self.form_error, "Create patient", self.submit)
        self._first_zone = self.zone.text().strip()
        self.zone.editingFinished.connect(lambda: self.infusion.set_value(self.infusion.value()))

    def has_typing(self) -> bool:
        """Whether anything was typed or chosen: a field filled, or a default changed."""
        return (any(f.text().strip() for f in (self.mrn, self.name, self.study_id))
                or self.dob.value() is not None or self.sex.value() is not None or self.delay.isChecked()
                or self.zone.text().strip() != self._first_zone or self.protocol.value() != protocols.CURRENT
                or not self.infusion.following)

    def _today(self) -> date:
        """Today in the ward's zone as typed (UTC until it is a zone), by the window's clock."""
        return say.local(self.state.now(), self._zone_name()).date()

    def _zone_name(self) -> str:
        from zoneinfo import ZoneInfo
        name = self.zone.text().strip() if hasattr(self, "zone") else ""
        try:
            ZoneInfo(name)
            return name
        except Exception:  # noqa: BLE001 - shown as a field message on save
            return "UTC"

    def submit(self) -> None:
        from zoneinfo import ZoneInfo

        from ..core.errors import Problem
        problems = []
        dob = self.dob.value()
        if dob is None:
            problems.append(Problem("date_of_birth", "Enter the date of birth."))
        if not self.mrn.text().strip():
            problems.append(Problem("mrn", "Enter the MRN."))
        if not self.name.text().strip():
            problems.append(Problem("name", "Enter the patient's name."))
        if self.sex.value() is None:
            problems.append(Problem("sex_at_birth", "Choose the sex at birth (it sets the creatinine limit)."))
        try:
            ZoneInfo(self.zone.text().strip())
        except Exception:  # noqa: BLE001
            problems.append(Problem("timezone", f"“{self.zone.text()}” is not a time zone (e.g. America/Chicago)."))
        if problems:
            self.messages.show(problems)
            return
        self.messages.clear()
        values = dict(mrn=self.mrn.text().strip(), name=self.name.text().strip(),
                      study_id=self.study_id.text().strip() or None, date_of_birth=dob,
                      sex_at_birth=self.sex.value(), developmental_delay=self.delay.isChecked(),
                      infusion_at=self.infusion.value(), timezone=self.zone.text().strip(),
                      protocol=self.protocol.value())

        def saved(pid: int) -> None:
            self.created.emit(pid)
            self.accept()

        self.send(lambda store, user, _pid: store.add_patient(user, **values), f"Patient {values['name']} created",
                  button=self.save_button, on_problems=self.messages.show, on_saved=saved, needs_patient=False)
