"""Patients: their details checked on the way in, written as a version row, read back as
:class:`PatientRecord`; looked up by id, MRN or study ID (a withdrawn patient is not current)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.errors import CaseError, Problem
from .errors import RequestError, StorageError
from .location import study_id_pattern_setting
from .models import PatientRecord
from .records import instant, offset_s, utc_text

if TYPE_CHECKING:
    from .store import Store

_NOT_WITHDRAWN = "patient_id NOT IN (SELECT entry_id FROM corrections WHERE kind = 'patient')"


def search(store: Store, text: str = "") -> list[PatientRecord]:
    """Current (not withdrawn) patients whose MRN, name or study ID contains ``text``, by name."""
    like = f"%{text.strip().lower()}%"
    rows = store._rows(
        "SELECT v.* FROM current_patient_versions v WHERE v.id = (SELECT MAX(id) FROM"
        " current_patient_versions w WHERE w.patient_id = v.patient_id) AND v." + _NOT_WITHDRAWN +
        " AND (lower(v.mrn) LIKE ? OR lower(v.name) LIKE ? OR lower(coalesce(v.study_id, '')) LIKE ?)"
        " ORDER BY lower(v.name), v.mrn", (like, like, like))
    return [patient_record(r, withdrawn=False) for r in rows]


def by_field(store: Store, column: str, value: str) -> PatientRecord:
    """The current patient whose ``mrn`` or ``study_id`` is ``value``."""
    rows = store._rows(f"SELECT patient_id FROM current_patient_versions WHERE {column} = ? AND {_NOT_WITHDRAWN}"
                       " ORDER BY id DESC", (value.strip(),))
    for row in rows:
        found = patient(store, row["patient_id"])
        if getattr(found, column) == value.strip():
            return found
    label = "MRN" if column == "mrn" else "study ID"
    raise RequestError(f"no patient with {label} {value!r} in {store.path}")


def patient_details(*, kept: dict | None = None, **d: Any) -> dict:
    """The details to store, checked; a correction gives the details ``kept`` as they are stored,
    whose unchanged name, MRN and study ID are not checked again (stored before they were)."""
    mrn, name = (d.get("mrn") or "").strip(), (d.get("name") or "").strip()
    problems = []
    if not mrn:
        problems.append(Problem("mrn", "required"))
    if not name:
        problems.append(Problem("name", "required"))
    if not (d.get("timezone") or "").strip():
        problems.append(Problem("timezone", "required"))
    study_id = (d.get("study_id") or "").strip() or None
    if study_id is not None:
        pattern, example = study_id_pattern_setting()
        try:
            fits = re.fullmatch(pattern, study_id)
        except re.error as exc:
            raise StorageError(f"PACER_STUDY_ID_PATTERN: {pattern!r} is not a valid pattern ({exc})") from None
        if not fits:
            problems.append(Problem("study_id", f"{study_id!r} is not a study ID: write it like {example}"))
    for field, value in (("mrn", mrn), ("name", name), ("study_id", study_id)):
        if kept is None or value != kept.get(field):
            problems += _identifier_problems(field, value)
    if problems:
        raise CaseError(problems)
    return {**d, "mrn": mrn, "name": name, "study_id": study_id}


def _identifier_problems(field: str, value: str | None) -> list[Problem]:
    """The right patient always: a name, MRN or study ID is one line, with no control characters;
    an MRN or study ID is also written in plain characters (a full-width Ｍ１５ is not found by a
    search for M15). Names keep their own script, accents and joiners."""
    if not value:
        return []
    # Cc: control characters; Zl, Zp: line and paragraph separators; Cf (not in names, whose
    # scripts use joiners): zero-width and direction marks
    hidden = ("Cc", "Zl", "Zp") if field == "name" else ("Cc", "Zl", "Zp", "Cf")
    if any(unicodedata.category(ch) in hidden for ch in value):
        return [Problem(field, "must be one line of text, without tabs, line breaks or hidden characters")]
    plain = unicodedata.normalize("NFKC", value)
    if field != "name" and plain != value:
        return [Problem(field, f"{value!r} has characters in a special form (full-width, for example):"
                               f" type it as {plain!r}")]
    return []


def details_of(p: PatientRecord) -> dict:
    return {"mrn": p.mrn, "name": p.name, "date_of_birth": p.date_of_birth, "sex_at_birth": p.sex_at_birth,
            "developmental_delay": p.developmental_delay, "infusion_at": p.infusion_at,
            "timezone": p.timezone, "protocol": p.protocol, "study_id": p.study_id}


def version_row(d: dict) -> dict:
    at = d["infusion_at"]
    return {"mrn": d["mrn"], "name": d["name"],
            "date_of_birth": d["date_of_birth"].isoformat() if d["date_of_birth"] else None,
            "sex_at_birth": d["sex_at_birth"], "developmental_delay": int(bool(d["developmental_delay"])),
            "infusion_at": utc_text(at) if at else None, "infusion_offset_s": offset_s(at) if at else None,
            "timezone": d["timezone"], "protocol": d["protocol"], "study_id": d.get("study_id")}


def check_free(store: Store, column: str, value: str | None) -> None:
    """The MRN (or study ID, issue 19) names no other current patient."""
    if value is None:
        return
    try:
        other = by_field(store, column, value)
    except StorageError:
        return
    owner = f"({other.name})" if column == "mrn" else f"(MRN {other.mrn})"
    label = "MRN" if column == "mrn" else "study ID"
    raise RequestError(f"{label} {value} already belongs to a stored patient {owner}; nothing was saved")


def patient(store: Store, patient_id: int) -> PatientRecord:
    rows = store._rows("SELECT * FROM current_patient_versions WHERE patient_id = ? ORDER BY id DESC LIMIT 1",
                      (patient_id,))
    if not rows:
        raise StorageError(f"no patient with id {patient_id}")
    withdrawn = bool(store._rows("SELECT 1 FROM corrections WHERE kind = 'patient' AND entry_id = ?",
                                (patient_id,)))
    return patient_record(rows[0], withdrawn=withdrawn)


def patient_record(r: dict, *, withdrawn: bool) -> PatientRecord:
    return PatientRecord(
        id=r["patient_id"], mrn=r["mrn"], name=r["name"],
        date_of_birth=date.fromisoformat(r["date_of_birth"]) if r["date_of_birth"] else None,
        sex_at_birth=r["sex_at_birth"], developmental_delay=bool(r["developmental_delay"]),
        infusion_at=instant(r["infusion_at"], r["infusion_offset_s"]), timezone=r["timezone"],
        protocol=r["protocol"], version_id=r["id"], withdrawn=withdrawn, study_id=r.get("study_id"))

