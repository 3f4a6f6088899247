"""The patient header, always visible: who, how old, dosing weight, day, protocol, status line."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..core import notation
from ..core.timeutil import post_infusion_day
from . import presenters as say
from .entry_text import kind_text
from .patient_state import PatientState
from .widgets import Banner


class PatientHeader(QWidget):
    def __init__(self, state: PatientState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.title = QLabel(objectName="header_title")
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.details = QLabel(objectName="header_details")
        self.details.setWordWrap(True)
        self.status = Banner()
        self.status.setObjectName("header_status")
        self.error = Banner()
        self.ahead = Banner()  # entries later than this workstation's clock, left out until then
        self.ahead.setObjectName("header_ahead")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.ahead)
        state.changed.connect(self._on_state_changed)
        self._on_state_changed()

    def _on_state_changed(self) -> None:
        s, p, r = self.state, self.state.record, self.state.result
        if p is None:
            self.title.setText("No patient selected")
            self.details.setText("Choose a patient on the left, or create one (Ctrl+N).")
            self.status.show_text("")
            self.error.show_text("")
            self.ahead.show_text("")
            return
        now = s.now()
        zone = s.zone
        today = say.local(now, zone).date()
        self.title.setText(f"{p.name}   ·   MRN {p.mrn}")
        weight = "no weight recorded"
        if r is not None and r.dose is not None:
            weight = f"{notation.kg(r.dose.weight_kg)} (weighed {say.day_time(r.dose.weight_at, zone)})"
        else:
            weights = [w for w in (s.case.weights if s.case else ()) if w.at <= now]
            if weights:
                w = max(weights, key=lambda w: w.at)
                weight = f"{notation.kg(w.kg)} (weighed {say.day_time(w.at, zone)})"
        from zoneinfo import ZoneInfo
        if p.infusion_at is None:
            day_text = "infusion time not recorded"
        else:
            day = post_infusion_day(now, p.infusion_at, ZoneInfo(zone))
            day_text = (f"day {day} after infusion" if day >= 0 else f"{-day} days before infusion") + \
                f" (infused {say.day_time(p.infusion_at, zone)})"
        protocol = s.protocol
        proto_text = f"protocol {protocol.id} (sha256 {protocol.sha256[:12]})" if protocol else f"protocol {p.protocol}"
        self.details.setText(
            f"{say.age_text(p.date_of_birth, today)} · {p.sex_at_birth or 'sex not entered'}"
            f"{' · developmental delay' if p.developmental_delay else ''} · dosing weight {weight}"
            f" · {day_text} · {proto_text}"
            f" · times in {zone}")
        if r is None:
            self.status.show_text("")
        else:
            rows = say.schedule_rows(r)
            line = say.status_line(r, rows, now, protocol)
            kind = "info"
            if r.persistent_fever_at is not None:
                nxt = say.next_dose(rows)
                kind = "alarm" if nxt is not None and nxt.status in ("due", "overdue") else "warn"
            self.status.show_text(line, kind)
        self.error.show_text(f"Stored data the calculator refuses: {s.error}" if s.error else "", "alarm")
        self.ahead.show_text(self._ahead_text(now), "warn")

    def _ahead_text(self, now) -> str:
        """Entries later than this workstation's clock (a clock set back since they were made):
        the calculation leaves them out until then (rules §2 rev 2), which the nurse must know."""
        from ..storage.cases import latest_known  # the store's own "known at now" (Store.case_for)
        s = self.state
        if s.protocol is None:  # a protocol this version does not know: the error banner says so
            return ""
        latest = latest_known(s.record, now)
        ahead = sorted((e for e in s.live_entries() if isinstance(e.at, datetime) and e.at > latest),
                       key=lambda e: e.at)
        if not ahead:
            return ""
        last = ahead[-1]
        count, them = ("1 entry is", "it") if len(ahead) == 1 else (f"{len(ahead)} entries are", "them")
        return (f"⚠ {count} later than this workstation's clock (the latest: {kind_text(last.kind)} at"
                f" {say.day_time(last.at, s.zone)}). The calculation leaves {them} out until then. Check the"
                " clock; an entry made in error is marked with Entered in error… on the flowsheet.")
