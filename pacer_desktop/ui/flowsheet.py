"""The flowsheet: every entry with who entered it, and its corrections; never a silent edit."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from . import presenters as say
from .entry_text import REPLACED_NOUN, describe, kind_text
from .patient_state import PatientState

#: Kinds that are only withdrawn (entered in error), never corrected in place: record them anew.
WITHDRAW_ONLY = ("dose_outcome", "restart")
COLUMNS = ("Time", "Entry", "Value", "Entered by", "Status")
LONG_COLUMNS = (2, 4)  # value (with its grades) and status (with a correction's reason)
STATUS = 4
#: The status column is at most about this many characters wide: a correction's reason wraps and
#: is cut there (whole in the tooltip), so the table fits its pane at 1366×768 and "Entered by"
#: stays in view beside it.
STATUS_MAX_CHARS = 14
#: How many rows the columns are fitted to, from the top row in view.
FIT_ROWS = 40


class FlowsheetModel(QStandardItemModel):
    """The entries as table rows, one item per cell, kept by Qt.

    Qt draws and sizes the table without calling back into Python (a model written in Python
    is asked for eight roles of every cell on every redraw), and the column titles live in Qt
    too.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        # Superseded and withdrawn entries: struck through, in the palette's grey for disabled text.
        self._grey = QPalette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)

    def reset(self, entries: list, describe_row) -> None:
        """All rows anew, as one model reset: views lay the table out once, and a table with its
        columns sized to their contents measures the new rows (filled row by row in view, the
        columns kept the widths of the rows before, and a patient opened from the list showed
        "5 No…" for a time)."""
        self.beginResetModel()
        was_blocked = self.blockSignals(True)  # no per-row signals inside the reset
        try:
            self._fill(entries, describe_row)
        finally:
            self.blockSignals(was_blocked)
            self.endResetModel()

    def _fill(self, entries: list, describe_row) -> None:
        self.setRowCount(0)
        for entry in entries:
            texts = describe_row(entry)
            row = [QStandardItem(text) for text in texts]
            for column in LONG_COLUMNS:  # the whole text, where a narrow column cuts it short
                row[column].setToolTip(texts[column])
            if not entry.current:
                for item in row:
                    item.setFont(self._struck)
                    item.setForeground(self._grey)
            self.appendRow(row)  # not editable: the table has no edit triggers; corrections have dialogs

    def cells(self, row: int) -> tuple[str, ...]:
        return tuple(self.item(row, column).text() for column in range(len(COLUMNS)))


class Flowsheet(QWidget):
    """All entries, newest first, with corrections; select one to correct it or withdraw it.

    An eligibility assessment is corrected on the eligibility screen (its checklist is the form):
    Correct then emits ``eligibility_correction`` with the entry, and the window opens that screen.
    """

    eligibility_correction = Signal(object)

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = FlowsheetModel(self)
        self.rows: list = []
        self._grades: dict = {}
        self._replaced: dict = {}  # (kind, id of the correction) → the entry it replaced
        self.table = QTableView(objectName="flowsheet")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Interactive)  # fitted, up to a cap: _fit_status
        # Columns fit the first FIT_ROWS rows (more than a screenful): with 0 ("the rows on screen")
        # a hidden table (at start-up, behind another screen) measured all of a 30-day patient's
        # 255 rows on every change, about 7 ms each time.
        header.setResizeContentsPrecision(FIT_ROWS)
        # Titles over the start of their text: a wide column (a correction's reason) keeps its title in view.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.correct_button = QPushButton("C&orrect…")
        self.error_button = QPushButton("Entered in &error…")
        self.correct_button.clicked.connect(lambda: self.open_correction(withdraw=False))
        self.error_button.clicked.connect(lambda: self.open_correction(withdraw=True))
        self.dialog: QDialog | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Select an entry, then:"))
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.error_button)
        buttons.addStretch(1)
        # The selected row in full, readable without a mouse (the Status column is cut short).
        self.detail = QLabel(objectName="flowsheet_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection_changed())
        self.table.activated.connect(lambda _index: self.open_correction(withdraw=False))
        state.changed.connect(self._on_state_changed)
        self._on_state_changed()

    def _on_state_changed(self) -> None:
        entries = sorted(self.state.entries, key=lambda e: (e.at or e.entered_at, e.id), reverse=True)
        self.rows = entries
        self._replaced = {(e.kind, e.superseded_by): e for e in entries if e.superseded_by is not None}
        r = self.state.result
        # Each current assessment with its grades: each graded row names its place in the case,
        # whose assessments are the store's current ones in (time, id) order.
        assessed = sorted((e for e in entries if e.kind == "assessment" and e.current), key=lambda e: (e.at, e.id))
        self._grades = ({assessed[a.index].id: a for a in r.assessments}
                        if r is not None and len(assessed) == len(r.assessments) else {})
        self.model.reset(entries, self._cells)
        self._fit_status()
        self._on_selection_changed()

    def _fit_status(self) -> None:
        """The status column fits its text on screen, up to STATUS_MAX_CHARS characters."""
        self.table.resizeColumnToContents(STATUS)
        cap = self.table.fontMetrics().averageCharWidth() * STATUS_MAX_CHARS
        header = self.table.horizontalHeader()
        if header.sectionSize(STATUS) > cap:
            header.resizeSection(STATUS, cap)

    def _cells(self, e) -> tuple[str, ...]:
        """One entry's row: time, kind, value (with the grades it gives), who and when, status."""
        zone = self.state.zone
        if not e.current:
            status = (f"CORRECTED by {e.corrected_by}: {e.correction_reason}" if e.superseded_by
                      else f"ENTERED IN ERROR ({e.corrected_by}): {e.correction_reason}")
        else:
            status = "current"
            old = self._replaced.get((e.kind, e.id))
            if old is not None:
                when = say.day_time(old.at, zone) if isinstance(old.at, datetime) else "earlier"
                status += f" · correction of {when} {REPLACED_NOUN.get(e.kind, 'entry')}"
        at = e.at if isinstance(e.at, datetime) else None
        return (say.day_time(at, zone) if at else str(e.at or ""), kind_text(e.kind),
                self._graded(e) + describe(e.kind, e.values),
                f"{e.entered_by} · {say.day_time(e.entered_at, zone)}"
                if isinstance(e.entered_at, datetime) else str(e.entered_by), status)

    def cell_text(self, row: int, column: int) -> str:
        """What the flowsheet shows in ``row``, ``column`` (tests and the screenshots read it)."""
        return self.model.cells(row)[column]

    def _graded(self, e) -> str:
        """``CRS grade 3, ICANS grade 0 · `` for a current assessment: the grades it gives."""
        a = self._grades.get(e.id) if e.kind == "assessment" and e.current else None
        if a is None:
            return ""
        grades = [f"{name} grade {grade}" for name, grade in (("CRS", a.crs_grade), ("ICANS", a.icans_grade))
                  if grade is not None]
        return f"{', '.join(grades)} · " if grades else ""

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.rows[rows[0].row()]

    def _on_selection_changed(self) -> None:
        e = self.selected()
        self._show_detail(e)
        live = e is not None and e.current
        self.correct_button.setEnabled(live and e.kind not in WITHDRAW_ONLY)
        self.error_button.setEnabled(live)
        self.correct_button.setToolTip(
            "Opens the Eligibility screen with this assessment, to correct it there"
            if live and e.kind == "eligibility" else "Correct the selected entry, with a reason")

    def _show_detail(self, e) -> None:
        """The selected row's time, entry, value and full status (with a correction's reason)."""
        if e is None:
            self.detail.setText("Select an entry (arrow keys) to read it here in full.")
            return
        at, kind, value, by, status = self._cells(e)
        text = f"{at} · {kind}: {value} · entered by {by} · {status}"
        if not e.current and isinstance(e.corrected_at, datetime):
            text += f" (at {say.day_time(e.corrected_at, self.state.zone)})"
        self.detail.setText(text)

    def open_correction(self, *, withdraw: bool) -> None:
        entry = self.selected()
        if entry is None or not entry.current or (entry.kind in WITHDRAW_ONLY and not withdraw):
            return
        if entry.kind == "eligibility" and not withdraw:
            self.eligibility_correction.emit(entry)
            return
        # Imported when first needed, like the other dialogs and screens: not at start-up.
        from .corrections import correction_dialog
        if self.dialog is not None:
            self.dialog.deleteLater()  # a closed dialog stops following the patient's changes
        self.dialog = correction_dialog(self.state, entry, withdraw=withdraw, parent=self)
        # saved or not, the keyboard goes back to the flowsheet (the Correct… button it came from is
        # disabled by the redraw, and Qt then gave the focus to the patient search)
        self.dialog.finished.connect(lambda _result: self.table.setFocus())
        self.dialog.open()
