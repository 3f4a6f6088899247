"""What every export needs of one stored patient: the record, the case and the result the window
shows, and the current entries with who entered them."""

from __future__ import annotations

import dataclasses
import errno
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..core.case import Case
from ..core.errors import CaseError, Problem
from ..core.protocol import Protocol
from ..core.result import Result
from ..core.timeutil import post_infusion_day
from ..evaluation import evaluate_case, protocol_for
from ..storage import EntryRecord, PatientRecord, Store, User
from ..storage.dose_verification import signatures_for
from ..storage.entries import first_recorded


@dataclasses.dataclass(frozen=True)
class Evaluated:
    """One patient as the window shows them at ``now``."""

    record: PatientRecord
    case: Case
    result: Result
    protocol: Protocol
    entries: tuple[EntryRecord, ...]  # current entries known at ``now``, oldest first
    now: datetime
    history: tuple[EntryRecord, ...] = ()  # every entry, corrected and withdrawn ones too
    #: the investigator's signatures of the current eligibility entries (the one signed entry exported)
    eligibility_signatures: tuple = ()

    def first_recorded(self, entry: EntryRecord) -> EntryRecord:
        """``entry`` as first recorded (``storage.entries.first_recorded``)."""
        return first_recorded(self.history, entry)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.result.timezone)

    def of_kind(self, kind: str) -> list[EntryRecord]:
        return [e for e in self.entries if e.kind == kind]

    def day(self, at: datetime) -> int | None:
        """Day N after infusion in the case's zone (rules §1); None without an infusion time."""
        if self.case.infusion_at is None:
            return None
        return post_infusion_day(at, self.case.infusion_at, self.zone)


def evaluated(store: Store, patient_id: int, now: datetime | None = None) -> Evaluated:
    """The patient's case and result exactly as the window has them (``PatientState.reload``)."""
    now = now or store.clock()
    record = store.patient(patient_id)
    case = store.case_for(patient_id, now=now)
    result = evaluate_case(case, now)
    protocol = protocol_for(case)
    # store.case_for(now=...) leaves out entries later than now + the clock tolerance (rules §2)
    latest = now + timedelta(minutes=protocol.temperature.future_tolerance_min)
    entries = tuple(e for e in store.entries(patient_id, include_superseded=False)
                    if e.kind != "patient" and (e.at is None or e.at <= latest))
    return Evaluated(record, case, result, protocol, entries, now, tuple(store.entries(patient_id)),
                     tuple(signatures_for(store, patient_id, "eligibility")))


def who(entry: EntryRecord) -> str:
    """``AB (nurse)``: the initials and role stored with the entry, as
    :class:`~pacer_desktop.storage.User` writes itself."""
    return f"{entry.entered_by} ({entry.role})"


def exporter_text(user: User) -> str:
    return f"{user} on {user.workstation}"


def need_study_id(record: PatientRecord) -> str:
    if not record.study_id:
        raise CaseError([Problem("study_id", f"patient MRN {record.mrn} has no study ID yet: give one in the"
                                             " patient's details before exporting for the study")])
    return record.study_id


def pair_in_order(entries: list[EntryRecord], models: tuple) -> list[tuple[EntryRecord, object]]:
    """Stored entries beside the case's models of the same kind (both in time order, then row id:
    ``Store.case_for`` builds the case that way), checked instant by instant."""
    ordered = sorted(entries, key=lambda e: (e.at, e.id))
    if len(ordered) != len(models) or any(e.at != m.at for e, m in zip(ordered, models)):
        raise RuntimeError("the stored entries and the evaluated case disagree; export again")
    return list(zip(ordered, models))


def write_whole(path: Path, data: bytes) -> None:
    """``data`` into ``path`` whole or not at all: written beside it, then moved into place. A
    folder at ``path`` is refused before anything is written, and a failed write or move leaves no
    part behind (an export holds a patient's data)."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
