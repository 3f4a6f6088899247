"""The patient list (search by MRN or name) as a ward task view, and the new-patient form."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from datetime import UTC, date, datetime, timedelta

from PySide6.QtGui import QColor

from .. import protocols
from ..core.errors import CaseError
from ..evaluation import evaluate_case, workstation_zone
from . import presenters as say
from .patient_state import PatientState
from .date_time_fields import DateField, TimeField
from .entry_dialog import EntryDialog
from .widgets import lay_out_dialog, Choice, FieldMessages


#: The list is at least as wide as this line of the task view, plus a margin (frame, scroll bar).
LIST_SAMPLE = "persistent fever since 30 Nov 22:00"
LIST_MARGIN_PX = 36

#: Row colours by urgency; the words carry the meaning, the colour only repeats it.
RANK_COLOURS = {say.OVERDUE: "#f8d7da", say.DUE: "#fff3cd", say.PROMPT: "#e2e3f3"}


#: How long a patient's line, other than the one on screen, is reused before it is judged again:
#: due and overdue move with the clock, and entries may come from another workstation.
REJUDGE_AFTER = timedelta(minutes=1)


def on_the_ward(patient, now: datetime) -> bool:
    """Whether the task view judges the patient's course: from the infusion (or before it) up to
    the last day the protocol grades CRS (day 30, clinical-rules §1). A site's file keeps every
    patient ever treated; the others are listed by name, and opening one shows its course."""
    if patient.infusion_at is None:
        return True
    days = protocols.load(patient.protocol).grading_last_day
    return now - patient.infusion_at <= timedelta(days=days + 1)


def ward_line_of(store, patient, now) -> say.WardLine:
    """The patient's line, worked out with the window's evaluation (evaluation.py) at ``now``."""
    if not on_the_ward(patient, now):
        day = (now - patient.infusion_at).days
        return say.WardLine(say.REST, None, f"day {day} after infusion: past the protocol's days", ())
    try:
        case = store.case_for(patient.id, now=now)
        result = evaluate_case(case, now)
    except CaseError as exc:
        return say.ward_line(None, now, [], "; ".join(str(p) for p in exc.problems))
    return say.ward_line(result, now, store.acknowledgements(patient.id))


class PatientList(QWidget):
    """Search box and list: the ward's task view (issue 14 §4). Every patient shows the next dose
    or what is due or overdue, and the persistent-fever and prompt flags; the most urgent first
    (overdue, due, prompts, then the rest by name). ``patient_chosen(id)`` when the user picks one.
    """

    patient_chosen = Signal(int)

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search MRN, name or study ID")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("patient_search")
        self.list = QListWidget()
        self.list.setObjectName("patient_list")
        # Wide enough for a line of the task view ("persistent fever since 30 Nov 22:00"); longer
        # names wrap rather than run out of sight (issue 14 §4: names cut off at 1024×768).
        self.list.setWordWrap(True)
        self.list.setSpacing(2)  # patients apart from each other
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMinimumWidth(self.list.fontMetrics().horizontalAdvance(LIST_SAMPLE) + LIST_MARGIN_PX)
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
        # Due and overdue change with entries and with the clock: redrawn with the patient on
        # screen (every save, and the window's half-minute reload); see _line for what is judged.
        self._lines: dict[int, tuple[datetime, say.WardLine]] = {}  # when each line was judged
        state.changed.connect(self.refresh)  # the window draws the list first (MainWindow.reopen_last)

    def refresh(self) -> None:
        current = self.state.patient_id
        now = self.state.now()
        patients = self.state.store.patients(self.search.text().strip())
        lines = [(p, self._line(p, now, current)) for p in patients]
        far = datetime.max.replace(tzinfo=UTC)
        lines.sort(key=lambda pl: (pl[1].rank, pl[1].since or far))  # stable: by name within a rank
        self.list.blockSignals(True)
        self.list.clear()
        self.ids = []
        for p, line in lines:
            study = f" · {p.study_id}" if p.study_id else ""
            born = say.full_date(p.date_of_birth) if p.date_of_birth else "—"
            text = "\n".join([p.name, f"MRN {p.mrn}{study} · born {born}", line.dose, *line.flags])
            item = QListWidgetItem(text)
            item.setToolTip(text)
            if line.rank in RANK_COLOURS:
                item.setBackground(QColor(RANK_COLOURS[line.rank]))
                item.setForeground(QColor("#000000"))
            self.ids.append(p.id)
            self.list.addItem(item)
            if p.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _line(self, patient, now: datetime, current: int | None) -> say.WardLine:
        """The patient on screen is judged on every change; the others at most once a minute."""
        kept = self._lines.get(patient.id)
        if patient.id != current and kept is not None and timedelta(0) <= now - kept[0] < REJUDGE_AFTER:
            return kept[1]
        if patient.id == current and self.state.result is not None and on_the_ward(patient, now):
            line = say.ward_line(self.state.result, now, self.state.acknowledgements)  # as the screens show it
        else:
            line = ward_line_of(self.state.store, patient, now)
        self._lines[patient.id] = (now, line)
        return line

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
