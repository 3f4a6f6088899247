"""The patient list (search by MRN or name) as a ward task view (the new-patient form: new_patient.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from .. import protocols
from ..core.errors import CaseError
from ..core.timeutil import post_infusion_day
from ..evaluation import evaluate_case
from . import presenters as say
from .patient_state import PatientState


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
        day = post_infusion_day(now, patient.infusion_at, ZoneInfo(patient.timezone))  # rules §1, as the header
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
