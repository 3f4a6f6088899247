"""What the store hands out: who writes (:class:`User`), a patient's current details, one row of the
flowsheet and one acknowledged prompt. Frozen; built from rows by the store, never stored as such."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from .errors import StorageError

Role = Literal["nurse", "prescriber", "pharmacist", "research", "admin"]
ROLES: tuple[str, ...] = ("nurse", "prescriber", "pharmacist", "research", "admin")


@dataclass(frozen=True, slots=True)
class User:
    """Who is writing: initials, role and the workstation's name (attribution of every row)."""

    initials: str
    role: Role
    workstation: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z][A-Za-z.\-']{0,7}", self.initials or ""):
            raise StorageError(f"initials {self.initials!r}: give 1 to 8 letters, e.g. AB")
        if self.role not in ROLES:
            raise StorageError(f"role {self.role!r}: expected one of {', '.join(ROLES)}")
        if not (self.workstation or "").strip():
            raise StorageError("the workstation name is empty")

    @classmethod
    def parse(cls, text: str, workstation: str) -> User:
        """``AB:nurse`` → ``User("AB", "nurse", workstation)``."""
        initials, sep, role = text.partition(":")
        if not sep:
            raise StorageError(f"user {text!r}: write initials and role like AB:nurse")
        return cls(initials.strip(), role.strip().lower(), workstation)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.initials} ({self.role})"


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """A patient as stored: identity, infusion and protocol, in the current version of the record."""
    id: int
    mrn: str
    name: str
    date_of_birth: date | None
    sex_at_birth: str | None
    developmental_delay: bool
    infusion_at: datetime | None
    timezone: str
    protocol: str
    version_id: int = 0
    withdrawn: bool = False
    study_id: str | None = None  # issue 19: the only name the study's exports carry


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """One row of the flowsheet. ``correction_reason`` is set when the row is no longer current:
    ``superseded_by`` then names its replacement, or is None when it was withdrawn."""

    id: int
    kind: str
    patient_id: int
    at: datetime | None
    values: dict = field(hash=False)
    entered_by: str
    role: str
    entered_at: datetime
    workstation: str
    superseded_by: int | None = None
    correction_reason: str | None = None
    corrected_by: str | None = None
    corrected_at: datetime | None = None

    @property
    def current(self) -> bool:
        return self.correction_reason is None


@dataclass(frozen=True, slots=True)
class AcknowledgementRecord:
    """Someone acknowledged a prompt (e.g. ``consider_escalation``) as judged on the assessment at
    ``assessment_at`` (None: judged before any assessment); a later assessment raises it anew."""

    id: int
    patient_id: int
    alert: str
    assessment_at: datetime | None
    note: str
    entered_by: str
    role: str
    workstation: str
    entered_at: datetime
