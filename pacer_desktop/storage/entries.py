"""Writing and reading entries: an entry checked and appended (a correction supersedes the old
row, never changes it), a whole case file imported as a new patient, and the flowsheet read back."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..core.case import Case
from ..core.errors import CaseError, Problem
from ..core.validation import fields_of
from . import cases, limits, patients, records
from .errors import StorageError
from .models import EntryRecord, User
from .records import KIND_TABLE, KINDS, TIMED, instant, offset_s, utc_text

if TYPE_CHECKING:
    from .store import Store


def add(store: Store, user: User, patient_id: int, kind: str, values: dict,
         *, replacing: int | None = None, reason: str = "") -> int:
    entry = records.kind(kind).checked_model(values)
    with store._transaction():
        patient = patients.patient(store, patient_id)
        parts = cases.current_parts(store, patient_id)
        if replacing is not None:
            store._check_current(kind, replacing)
            cases.drop(parts, kind, replacing)
        checked_at = store.clock()
        # The patient as known now, as the window shows it: a stored entry later than now (a clock
        # set back) is left out rather than refuse every entry until the clock passes it, yet the
        # new entry may not conflict with it (cases.check_save).
        case, result = cases.check_save(patient, patients.details_of(patient), parts, checked_at, (kind, entry))
        cases.place(parts, kind, entry)
        row_id = store._insert(user, KINDS[kind], {"patient_id": patient_id, **KIND_TABLE[kind].row(entry)},
                              f"{'correct' if replacing else 'add'} {kind}")
        if replacing is not None:
            store._insert(user, "corrections", {"kind": kind, "entry_id": replacing,
                                               "replacement_id": row_id, "reason": reason},
                         f"supersede {kind}")
        parts[kind][-1] = (row_id, entry)
        cases.remember(store, patient_id, parts)
    cases.remember_result(store, patient_id, case, checked_at, result)  # committed: the reload takes it
    return row_id


def correct_patient(store: Store, user: User, patient_id: int, reason: str, replacement: dict | None) -> int | None:
    with store._transaction():
        patient = patients.patient(store, patient_id)
        if patient.withdrawn:
            raise StorageError(f"patient {patient.mrn} was already withdrawn")
        if replacement is None:
            store._insert(user, "corrections", {"kind": "patient", "entry_id": patient_id,
                                               "replacement_id": None, "reason": reason},
                         "withdraw patient")
            return None
        kept = patients.details_of(patient)  # as stored, perhaps before identifiers were checked
        details = patients.patient_details(**{**kept, **replacement}, kept=kept)
        if details["mrn"] != patient.mrn:
            patients.check_free(store, "mrn", details["mrn"])
        if details["study_id"] != patient.study_id:
            patients.check_free(store, "study_id", details["study_id"])
        cases.check_save(patient, details, cases.current_parts(store, patient_id), store.clock())  # as in add
        new_id = store._insert(user, "patient_versions", {"patient_id": patient_id, **patients.version_row(details)},
                              "correct patient details")
        store._insert(user, "corrections", {"kind": "patient_version", "entry_id": patient.version_id,
                                           "replacement_id": new_id, "reason": reason},
                     "supersede patient details")
    return new_id


def import_case(store: Store, user: User, case: Case, *, mrn: str, name: str, study_id: str | None = None) -> int:
    """Store a whole case file as a new patient (validated exactly as ``evaluate`` does, and its
    text held to the limits of :mod:`.limits`). Its entries must also have happened by the store's
    clock (rules §2 rev 2: in a case file as at the bedside): the file's own "now" may lie ahead of
    it, and an entry stored in the future would refuse every later save for the patient."""
    from .. import protocols
    from ..evaluation import evaluate_case, workstation_zone
    evaluate_case(case)
    cases.validate_case(dataclasses.replace(case, now=None), store.clock())
    details = patients.patient_details(
        mrn=mrn, name=name, date_of_birth=case.patient.date_of_birth,
        sex_at_birth=case.patient.sex_at_birth, developmental_delay=case.patient.developmental_delay,
        infusion_at=case.infusion_at, timezone=case.timezone or workstation_zone(),
        protocol=case.protocol or protocols.CURRENT, study_id=study_id)
    eligibility = KIND_TABLE["eligibility"]
    rows = [(kind, f"{kind.case_list}[{i}]", kind.row(item)) for kind in TIMED
            for i, item in enumerate(getattr(case, kind.case_list))]
    if case.eligibility is not None:
        rows.append((eligibility, "eligibility", eligibility.row(case.eligibility)))
    # issue 17 §10: text over its limit, named by its place in the case (a case has many "reason"s)
    if too_long := [Problem(f"{place}.{p.field}", p.message) for _, place, row in rows for p in limits.problems(row)]:
        raise CaseError(too_long)
    with store._transaction():
        patients.check_free(store, "mrn", details["mrn"])
        patients.check_free(store, "study_id", details["study_id"])
        patient_id = store._insert(user, "patients", {}, "import case")
        store._insert(user, "patient_versions", {"patient_id": patient_id, **patients.version_row(details)},
                     "add patient details")
        for kind, _, row in rows:
            store._insert(user, kind.table, {"patient_id": patient_id, **row}, f"add {kind.name}")
    return patient_id


def correct(store: Store, user: User, kind: str, entry_id: int, *, reason: str,
            replacement: dict | None = None) -> int | None:
    """Supersede an entry. ``replacement`` None withdraws it (entered in error, wrong patient);
    otherwise its fields, laid over the old entry's, make the new row whose id is returned.

    For ``kind="patient"`` the entry id is the patient id: None withdraws the whole patient,
    a replacement corrects their details (the id of the new details row is returned).
    """
    records.kind(kind)
    reason = (reason or "").strip()
    if not reason:
        raise StorageError("a correction needs a reason (e.g. entered in error, wrong patient)")
    if kind == "patient":
        return correct_patient(store, user, entry_id, reason, replacement)
    old = store._row(KINDS[kind], entry_id)
    store._check_current(kind, entry_id)
    if replacement is None:
        with store._transaction():
            store._check_current(kind, entry_id)
            parts = cases.current_parts(store, old["patient_id"])
            cases.drop(parts, kind, entry_id)
            patient = patients.patient(store, old["patient_id"])
            checked_at = store.clock()
            case, result = cases.check_save(patient, patients.details_of(patient), parts, checked_at)  # as in add
            store._insert(user, "corrections", {"kind": kind, "entry_id": entry_id,
                                               "replacement_id": None, "reason": reason},
                         f"withdraw {kind}")
        cases.remember_result(store, old["patient_id"], case, checked_at, result)
        return None
    values = {**cases.entry_values(store, kind, old), **replacement}
    if kind == "eligibility" and "inputs" not in replacement:
        values = {"inputs": {**fields_of(cases.entry_values(store, kind, old)["inputs"]), **replacement}}
    return add(store, user, old["patient_id"], kind, values, replacing=entry_id, reason=reason)


def first_recorded(history: list[EntryRecord] | tuple[EntryRecord, ...], entry: EntryRecord) -> EntryRecord:
    """``entry`` as first recorded, before corrections replaced it (``history``: every entry, as
    :func:`entries` gives them): who gave a dose is who recorded it, not who corrected its amount
    or time later."""
    replaced = {(e.kind, e.superseded_by): e for e in history if e.superseded_by is not None}
    while (entry.kind, entry.id) in replaced:
        entry = replaced[(entry.kind, entry.id)]
    return entry


def entries(store: Store, patient_id: int, kind: str | None = None, include_superseded: bool = True) -> list[EntryRecord]:
    """The flowsheet: every entry of the patient (or of one kind), oldest first."""
    kinds = [kind] if kind else [k for k in KINDS if k != "patient"]
    cases.check_models(store, )
    out: list[EntryRecord] = []
    for k in kinds:
        table = records.kind(k).table
        ckind = "patient_version" if k == "patient" else k
        rows = store._rows(
            f"SELECT t.*, c.replacement_id AS _superseded_by, c.reason AS _reason,"
            f" c.entered_by AS _c_by, c.entered_at AS _c_at FROM {table} t LEFT JOIN corrections c"
            f" ON c.kind = ? AND c.entry_id = t.id WHERE t.patient_id = ? ORDER BY t.id", (ckind, patient_id))
        for r in rows:
            if r["_reason"] is not None and not include_superseded:
                continue
            out.append(EntryRecord(
                id=r["id"], kind=k, patient_id=patient_id,
                at=instant(r["at"], r["at_offset_s"]) if "at" in r else
                instant(r.get("infusion_at"), r.get("infusion_offset_s")) if k == "patient" else None,
                values=cases.entry_values(store, k, r), entered_by=r["entered_by"], role=r["role"],
                entered_at=datetime.fromisoformat(r["entered_at"]), workstation=r["workstation"],
                superseded_by=r["_superseded_by"], correction_reason=r["_reason"],
                corrected_by=r["_c_by"],
                corrected_at=datetime.fromisoformat(r["_c_at"]) if r["_c_at"] else None))
    out.sort(key=lambda e: (e.at or datetime.min.replace(tzinfo=UTC), e.kind, e.id))
    return out


def record_document(store: Store, user: User, patient_id: int | None, *, kind: str, content_sha256: str,
                    protocol: str, detail: str) -> int:
    """A printed document or an export: its kind, SHA-256 and the protocol it follows."""
    with store._transaction():
        if patient_id is not None:
            patients.patient(store, patient_id)
        return store._insert(user, "documents", {"patient_id": patient_id, "kind": kind,
                                                 "content_sha256": content_sha256,
                                                 "protocol": protocol, "detail": detail},
                             f"print {kind}")


def acknowledge(store: Store, user: User, patient_id: int, *, alert: str, assessment_at: datetime | None,
                note: str) -> int:
    """A prompt acknowledged, as judged on the assessment at ``assessment_at``; the row id."""
    alert = (alert or "").strip()
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", alert):
        raise StorageError(f"alert {alert!r}: expected an alert code such as consider_escalation")
    row = {"patient_id": patient_id, "alert": alert,
           "assessment_at": utc_text(assessment_at) if assessment_at is not None else None,
           "assessment_offset_s": offset_s(assessment_at) if assessment_at is not None else None,
           "note": (note or "").strip()}
    with store._transaction():
        patients.patient(store, patient_id)
        return store._insert(user, "acknowledgements", row, f"acknowledge {alert}")


def add_patient(store: Store, user: User, **given) -> int:
    """Store a new patient; its id. The MRN (and study ID) must not belong to a current patient."""
    details = patients.patient_details(**given)
    with store._transaction():
        patients.check_free(store, "mrn", details["mrn"])
        patients.check_free(store, "study_id", details["study_id"])
        cases.validate_case(cases.case_from(details, {}), store.clock())
        patient_id = store._insert(user, "patients", {}, "add patient")
        store._insert(user, "patient_versions", {"patient_id": patient_id, **patients.version_row(details)},
                      "add patient details")
    return patient_id
