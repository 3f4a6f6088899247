"""The patient list (search by MRN or name) and the new-patient form."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from .. import protocols
from ..evaluation import workstation_zone
from .patient_state import PatientState
from .widgets import finish_dialog, Choice, FieldMessages, TimeField, parse_date


class PatientList(QWidget):
    """Search box and list; ``patient_chosen(id)`` when the user picks one."""

    patient_chosen = Signal(int)

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search MRN or name")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("patient_search")
        self.list = QListWidget()
        self.list.setObjectName("patient_list")
        self.ids: list[int] = []  # the patient of each row of the list
        self.new_button = QPushButton("&New patient…")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>Patients</b>")
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.new_button)
        self.search.textChanged.connect(self._on_search_changed)
        self.search.returnPressed.connect(self._choose_first)
        self.list.itemActivated.connect(self._on_item_activated)
        self.list.currentItemChanged.connect(lambda item, _old: self._on_item_activated(item))
        self.refresh()

    def refresh(self) -> None:
        current = self.state.patient_id
        self.list.blockSignals(True)
        self.list.clear()
        self.ids = []
        for p in self.state.store.patients(self.search.text().strip()):
            item = QListWidgetItem(f"{p.name}\nMRN {p.mrn} · born {p.date_of_birth or '—'}")
            self.ids.append(p.id)
            self.list.addItem(item)
            if p.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _on_search_changed(self, _text: str) -> None:
        self.refresh()

    def _choose_first(self) -> None:
        if self.list.count():
            self.list.setCurrentRow(0)
            self._on_item_activated(self.list.item(0))

    def _on_item_activated(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            pid = self.ids[self.list.row(item)]
            if pid != self.state.patient_id:
                self.patient_chosen.emit(pid)


class NewPatientDialog(QDialog):
    """MRN, name, date of birth, sex at birth, developmental delay, infusion time, zone, protocol."""

    created = Signal(int)

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New patient")
        self.state = state
        self.mrn = QLineEdit(objectName="mrn")
        self.name = QLineEdit(objectName="name")
        self.dob = QLineEdit(objectName="date_of_birth")
        self.dob.setPlaceholderText("YYYY-MM-DD")
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
        rows = [("MRN", self.mrn, "mrn"), ("Name", self.name, "name"),
                ("Date of birth (YYYY-MM-DD)", self.dob, "date_of_birth"),
                ("Sex at birth", self.sex, "sex_at_birth"), ("", self.delay, "developmental_delay"),
                ("Time zone", self.zone, "timezone"),
                ("CAR T-cell infusion time", self.infusion, "infusion_at"),
                ("Protocol", self.protocol, "protocol")]
        for label, widget, key in rows:
            form.addRow(label, widget)
            form.addRow("", self.messages.label_for(key))
        self.save_button = finish_dialog(self, form, self.form_error, "Create patient", self.submit)
        self.zone.editingFinished.connect(lambda: self.infusion.set_value(self.infusion.value()))

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
        try:
            dob = parse_date(self.dob.text())
            if dob is None:
                problems.append(Problem("date_of_birth", "Enter the date of birth."))
        except ValueError as exc:
            dob, _ = None, problems.append(Problem("date_of_birth", str(exc)))
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
        values = dict(mrn=self.mrn.text().strip(), name=self.name.text().strip(), date_of_birth=dob,
                      sex_at_birth=self.sex.value(), developmental_delay=self.delay.isChecked(),
                      infusion_at=self.infusion.value(), timezone=self.zone.text().strip(),
                      protocol=self.protocol.value())
        self.save_button.setEnabled(False)

        def saved(pid: int) -> None:
            self.created.emit(pid)
            self.accept()

        def problems_back(found) -> None:
            self.save_button.setEnabled(True)
            self.messages.show(found)

        started = self.state.save(lambda store, user, _pid: store.add_patient(user, **values),
                                  f"Patient {values['name']} created", on_problems=problems_back,
                                  on_saved=saved, needs_patient=False)
        if not started:
            self.save_button.setEnabled(True)
