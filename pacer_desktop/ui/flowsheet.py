"""The flowsheet: every entry with who entered it, and its corrections; never a silent edit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..core import notation
from ..core.crs import DEVICE_TEXT, HYPOTENSION_TEXT
from ..core.errors import Problem
from . import presenters as say
from .patient_state import PatientState
from .widgets import finish_dialog, row_table, FieldMessages, TimeField, on_enter, parse_decimal

KIND_TEXT = {"weight": "weight (kg)", "temperature": "temperature", "assessment": "CRS/ICANS assessment",
             "medication": "medication given", "escalation": "escalation", "eligibility": "eligibility",
             "patient": "patient details"}
COLUMNS = ("Time", "Entry", "Value", "Entered by", "Status")


def _kind(kind: str) -> str:
    return KIND_TEXT.get(kind, kind)


def describe(kind: str, values: dict) -> str:
    """One line for a stored entry, in the words of the screens."""
    v = values or {}
    if kind == "temperature":
        return f"{notation.plain_number(v['value'])} °{v['unit']}"
    if kind == "weight":
        return notation.kg(v["kg"])
    if kind == "medication":
        return f"{v['drug']} {notation.mg(v['dose_mg']) if v.get('dose_mg') is not None else ''}".strip()
    if kind == "escalation":
        return f"anakinra to every 6 hours, by {v.get('by', '')}: {v.get('reason', '')}"
    if kind == "assessment":
        parts = []
        crs, icans = v.get("crs"), v.get("icans")
        if crs is not None:
            device = DEVICE_TEXT[crs.oxygen_device]
            if crs.oxygen_flow_l_min is not None:
                device += f" {notation.plain_number(crs.oxygen_flow_l_min)} L/min"
            parts.append(f"CRS: {HYPOTENSION_TEXT[crs.hypotension]}, {device}")
        if icans is not None:
            score = (f"ICE {icans.ice_score}" if icans.ice_score is not None else
                     f"CAPD {icans.capd_score}" if icans.capd_score is not None else "no score")
            extra = [x for x in (icans.unable_to_perform and "unable to perform", icans.sedated and "sedated",
                                 icans.consciousness != "normal" and icans.consciousness.replace("_", " "),
                                 icans.seizure != "none" and "seizure", icans.motor != "none" and "motor weakness",
                                 icans.cerebral_edema != "none" and f"{icans.cerebral_edema} edema") if x]
            parts.append(f"ICANS: {', '.join([score, *extra])}")
        return "; ".join(parts) or "not assessed"
    if kind == "eligibility":
        inputs = v.get("inputs")
        return f"assessed {inputs.assessed_on.isoformat()}" if inputs is not None else ""
    return ", ".join(f"{k} {val}" for k, val in v.items() if k != "at")


class Flowsheet(QWidget):
    """All entries, newest first, with corrections; select one to correct it."""

    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.table = row_table(COLUMNS, "flowsheet")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(0)  # PRECISION-TEST
        self.correct_button = QPushButton("C&orrect…")
        self.error_button = QPushButton("Entered in &error…")
        self.correct_button.clicked.connect(lambda: self.open_correction(withdraw=False))
        self.error_button.clicked.connect(lambda: self.open_correction(withdraw=True))
        self.dialog: CorrectionDialog | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Select an entry, then:"))
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.error_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        state.changed.connect(self._on_state_changed)
        self._on_state_changed()

    def _on_state_changed(self) -> None:
        entries = sorted(self.state.entries, key=lambda e: (e.at or e.entered_at, e.id), reverse=True)
        zone = self.state.zone
        self.table.setRowCount(len(entries))
        self.rows = entries
        for row, e in enumerate(entries):
            if not e.current:
                status = (f"CORRECTED by {e.corrected_by}: {e.correction_reason}" if e.superseded_by
                          else f"ENTERED IN ERROR ({e.corrected_by}): {e.correction_reason}")
            else:
                status = "current"
            at = e.at if isinstance(e.at, datetime) else None
            cells = (say.day_time(at, zone) if at else str(e.at or ""), _kind(e.kind),
                     describe(e.kind, e.values), f"{e.entered_by} · {say.day_time(e.entered_at, zone)}"
                     if isinstance(e.entered_at, datetime) else str(e.entered_by), status)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not e.current:
                    font = QFont(item.font())
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.table.setItem(row, col, item)
        self._on_selection_changed()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.rows[rows[0].row()]

    def _on_selection_changed(self) -> None:
        e = self.selected()
        live = e is not None and e.current
        self.correct_button.setEnabled(live and e.kind != "eligibility")
        self.error_button.setEnabled(live)

    def open_correction(self, *, withdraw: bool) -> None:
        entry = self.selected()
        if entry is None:
            return
        self.dialog = CorrectionDialog(self.state, entry, withdraw=withdraw, parent=self)
        self.dialog.open()


class CorrectionDialog(QDialog):
    """A reason, and for a correction the corrected values; stored through ``store.correct``."""

    def __init__(self, state: PatientState, entry, *, withdraw: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.entry, self.withdraw = state, entry, withdraw
        self.setWindowTitle("Entered in error" if withdraw else "Correct an entry")
        self.reason = QLineEdit(objectName="reason")
        self.reason.setPlaceholderText("Why (required), e.g. wrong patient, typing error")
        self.form_error = QLabel()
        self.messages = FieldMessages(self.form_error)
        form = QFormLayout()
        form.addRow(QLabel(f"<b>{_kind(entry.kind)}</b> of {say.day_time(entry.at, state.zone)}:"
                           f" {describe(entry.kind, entry.values)}"))
        self.fields: dict[str, QWidget] = {}
        if not withdraw:
            self.time = TimeField(lambda: state.zone, state.now)
            if isinstance(entry.at, datetime):
                self.time.set_value(entry.at)
            form.addRow("Time", self.time)
            form.addRow("", self.messages.label_for("at"))
            for key, value in (entry.values or {}).items():
                if key == "at" or not isinstance(value, (str, Decimal, int)) or key in ("by", "unit", "drug"):
                    continue
                edit = QLineEdit("" if value is None else notation.plain_number(value)
                                 if isinstance(value, Decimal) else str(value), objectName=f"correct_{key}")
                self.fields[key] = edit
                form.addRow(key.replace("_", " "), edit)
                form.addRow("", self.messages.label_for(key))
        form.addRow("Reason", self.reason)
        form.addRow("", self.messages.label_for("reason"))
        self.ok = finish_dialog(self, form, self.form_error,
                                "Mark entered in error" if withdraw else "Save correction", self.submit)

    def replacement(self) -> dict:
        values = dict(self.entry.values or {})
        out: dict = {}
        for key, original in values.items():
            if key in self.fields:
                text = self.fields[key].text()
                out[key] = parse_decimal(text) if isinstance(original, Decimal) else text.strip()
        out["at"] = self.time.value()
        return out

    def submit(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.messages.show([Problem("reason", "Give the reason for the correction.")])
            return
        try:
            replacement = None if self.withdraw else self.replacement()
        except ValueError as exc:
            self.messages.show([Problem("", str(exc))])
            return
        self.ok.setEnabled(False)
        kind, entry_id = self.entry.kind, self.entry.id

        def problems(found) -> None:
            self.ok.setEnabled(True)
            self.messages.show(found)

        text = "Entry marked entered in error" if self.withdraw else "Correction saved"
        self.state.save(lambda store, user, _pid: store.correct(user, kind, entry_id, reason=reason,
                                                                replacement=replacement),
                        text, on_problems=problems, on_saved=lambda _v: self.accept())
