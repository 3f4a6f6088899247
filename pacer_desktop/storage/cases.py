"""A patient's case built from the stored rows: the engine models of current rows (each row read
once, kept by id: rows never change), the last few patients' parts kept while nothing was written,
and the check of a would-be case before a write.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..core import wording
from ..core.case import Case, Patient
from ..core.caseio import checked
from ..core.errors import CaseError, Problem
from ..core.result import Result
from ..core.validation import fields_of
from . import patients
from .models import PatientRecord
from .records import KIND_TABLE, TIMED

if TYPE_CHECKING:
    from .store import Store


def current_parts(store: Store, patient_id: int) -> dict[str, list[tuple[int, Any]]]:
    """The patient's current rows as engine models, by kind (a fresh dict of fresh lists).

    The last few patients' rows are kept while nothing was written: ``PRAGMA data_version``
    moves when another connection commits, ``total_changes`` when this one writes.
    """
    with store._lock:
        stamp = (store._conn.execute("PRAGMA data_version").fetchone()[0], store._conn.total_changes)
        hit = store._parts_cache.get(patient_id)
        if hit is None or hit[0] != stamp:
            check_models(store)
            hit = (stamp, load_parts(store, patient_id))
            store._parts_cache.pop(patient_id, None)
            while len(store._parts_cache) >= 8:
                store._parts_cache.pop(next(iter(store._parts_cache)))
            store._parts_cache[patient_id] = hit
        return {kind: list(rows) for kind, rows in hit[1].items()}


def remember(store: Store, patient_id: int, parts: dict) -> None:
    """Keep the rows this connection just wrote (call inside the write transaction, where no
    other connection can commit, so the stamp taken now is still right after COMMIT)."""
    for kind, rows in parts.items():
        key = (lambda r: (r[1].assessed_on, r[0])) if kind == "eligibility" else (lambda r: (r[1].at, r[0]))
        rows.sort(key=key)
    stamp = (store._conn.execute("PRAGMA data_version").fetchone()[0], store._conn.total_changes)
    store._parts_cache.pop(patient_id, None)
    store._parts_cache[patient_id] = (stamp, parts)


def load_parts(store: Store, patient_id: int) -> dict[str, list[tuple[int, Any]]]:
    parts: dict[str, list[tuple[int, Any]]] = {}
    for kind in (*TIMED, KIND_TABLE["eligibility"]):
        rows = store._rows(f"SELECT * FROM current_{kind.table} WHERE patient_id = ? ORDER BY {kind.order}",
                          (patient_id,))
        parts[kind.name] = [(r["id"], model_of(store, kind.name, r)) for r in rows]
    return parts


def drop(parts: dict, kind: str, entry_id: int) -> None:
    parts[kind] = [(i, m) for i, m in parts[kind] if i != entry_id]


def place(parts: dict, kind: str, entry: Any) -> None:
    parts[kind] = [*parts[kind], (0, entry)]  # last, so a problem's index names the new entry


def case_from(details: dict, parts: dict) -> Case:
    """The would-be case of patient details as entered (checked here by pydantic, field by field)
    and the current rows; the entries were checked when they were added."""
    head = checked(Case, {
        "protocol": details["protocol"], "timezone": details["timezone"],
        "patient": {"date_of_birth": details["date_of_birth"], "sex_at_birth": details["sex_at_birth"],
                    "developmental_delay": bool(details["developmental_delay"])},
        "infusion_at": details["infusion_at"]})
    return _with_parts(head, parts)


def stored_case(patient: PatientRecord, parts: dict) -> Case:
    """The case of a stored patient, built with plain constructors: the details were checked by
    :func:`case_from` when they were written, and are read back as :class:`PatientRecord`'s
    types (a date, a flag, an aware time). pydantic is loaded on first use, not to read back what
    it already checked (see :func:`.records._parse`)."""
    head = Case(protocol=patient.protocol, timezone=patient.timezone, infusion_at=patient.infusion_at,
                patient=Patient(date_of_birth=patient.date_of_birth, sex_at_birth=patient.sex_at_birth,
                                developmental_delay=patient.developmental_delay))
    return _with_parts(head, parts)


def _with_parts(head: Case, parts: dict) -> Case:
    def models(kind: str) -> tuple:
        return tuple(m for _, m in parts.get(kind, ()))
    eligibility = models("eligibility")
    return dataclasses.replace(head, **{k.case_list: models(k.name) for k in TIMED},
                               eligibility=eligibility[-1] if eligibility else None)


def validate_case(case: Case, now: datetime, *, new: tuple[str, dict] | None = None) -> Result:
    """Evaluate the would-be case (its result is returned); a problem about the new entry names its
    plain field."""
    from ..evaluation import evaluate_case
    try:
        return evaluate_case(case, now, bedside=True)  # at the bedside a future time is a typing error
    except CaseError as exc:
        if new is None:
            raise
        kind, parts = new
        if kind == "eligibility":
            prefix = "eligibility."
        else:
            prefix = f"{KIND_TABLE[kind].case_list}[{len(parts[kind]) - 1}]."
        raise CaseError([Problem(p.field[len(prefix):], p.message) if p.field.startswith(prefix) else p
                         for p in exc.problems]) from None


def check_models(store: Store) -> None:
    """Forget the models when another connection has committed: a restore there would give
    old row ids new contents."""
    with store._lock:
        version = store._conn.execute("PRAGMA data_version").fetchone()[0]
        if version != store._models_version:
            store._models.clear()
            store._models_version = version


def model_of(store: Store, kind: str, r: dict) -> Any:
    key = (kind, r["id"])
    model = store._models.get(key)
    if model is None:
        model = store._models[key] = KIND_TABLE[kind].model_from(r)
    return model


def entry_values(store: Store, kind: str, r: dict) -> dict:
    if kind == "patient":
        return patients.details_of(patients.patient_record(r, withdrawn=False))
    if kind == "eligibility":
        return {"inputs": model_of(store, kind, r)}
    model = model_of(store, kind, r)
    return fields_of(model)


def latest_known(patient: PatientRecord, now: datetime) -> datetime:
    """The last instant an entry known at ``now`` can have: now + the protocol's tolerance."""
    from .. import protocols
    return now + timedelta(minutes=protocols.load(patient.protocol).temperature.future_tolerance_min)


def check_save(patient: PatientRecord, details: dict, parts: dict, now: datetime,
               new: tuple[str, Any] | None = None) -> tuple[Case, Result]:
    """The check of a save (``new``, a kind and its entry, is added to ``parts``; ``parts`` is not
    changed): the would-be case as known at ``now`` (rules §2 rev 2: what the window shows; the new
    entry is refused when later than now), its result returned. When entries later than now were
    left out (a clock set back), the whole case is also checked as it will be once their time has
    come, so that nothing saved now conflicts with them then (a line closed twice)."""
    known, whole = known_at(patient, parts, now), {kind: list(rows) for kind, rows in parts.items()}
    if new is not None:
        place(known, *new)
        place(whole, *new)
    case = case_from(details, known)
    try:
        result = validate_case(case, now, new=(new[0], known) if new is not None else None)
    except CaseError as exc:
        raise _naming_other_entries(exc, case) from None
    if any(len(known[kind]) != len(whole[kind]) for kind in whole):
        last = max(m.at for kind, rows in whole.items() if kind != "eligibility" for _, m in rows)
        try:
            validate_case(case_from(details, whole), max(now, last), new=(new[0], whole) if new is not None else None)
        except CaseError as exc:
            raise CaseError([Problem(p.field, f"{p.message} (with an entry later than this workstation's clock,"
                                              " which the screen leaves out until then)")
                             for p in exc.problems]) from None
    return case, result


#: Another stored entry a save would leave invalid, in the ward's words (by its list in the case).
_ENTRY_WORDS = {"temperatures": "the temperature", "weights": "the weight", "assessments": "the assessment",
                "escalations": "the escalation", "restarts": "the restart"}


def _naming_other_entries(exc: CaseError, case: Case) -> CaseError:
    """A save refused because another stored entry no longer fits (the fever that started anakinra
    withdrawn, a dose recorded for line 1 left without its line): each problem about that entry
    names it and its time, and says to correct or withdraw it first, instead of "medications[0]".
    The new entry's own problems were given their plain field by :func:`validate_case`."""
    named = []
    for p in exc.problems:
        m = re.fullmatch(r"(\w+)\[(\d+)\](?:\.\w+)?", p.field)
        items = getattr(case, m[1], None) if m else None
        if not isinstance(items, tuple) or int(m[2]) >= len(items) or not hasattr(items[int(m[2])], "at"):
            named.append(p)
            continue
        item = items[int(m[2])]
        when = wording.day_time(item.at, case.timezone)
        if m[1] == "medications":
            what = f"the {item.drug} dose of {when}"
        elif m[1] == "dose_outcomes":
            what = f"line {item.line} recorded as {item.outcome} at {when}"
        else:
            what = f"{_ENTRY_WORDS.get(m[1], 'the entry')} of {when}"
        named.append(Problem("", f"{what}: {p.message.rstrip('.')}. Correct or withdraw that entry first."))
    return CaseError(named)


def known_at(patient: PatientRecord, parts: dict, now: datetime) -> dict:
    """``parts`` as known at ``now`` (a fresh dict of fresh lists): entries later than now + the
    tolerance had not happened yet and are left out (rules §2 rev 2: the rules never act on them).
    Stored, they are later than now only when a clock was set back, or at a past ``now``."""
    latest = latest_known(patient, now)
    return {kind: list(rows) if kind == "eligibility" else [(i, m) for i, m in rows if m.at <= latest]
            for kind, rows in parts.items()}


def remember_result(store: Store, patient_id: int, case: Case, at: datetime, result: Result) -> None:
    """The result a write's check gave for the case it stored, at ``at`` (issue 16: one evaluation
    per change): the window's reload takes it instead of evaluating the same case again."""
    store._results[patient_id] = (case, at, result)


#: How far apart a write's check and the reload that takes its result may be: the reload follows
#: the write at once; anything later (the next minute's tick, a clock moved by a test) evaluates.
SAME_MOMENT = timedelta(seconds=1)


def saved_result(store: Store, patient_id: int, case: Case, now: datetime) -> Result | None:
    """The result remembered for ``case`` by the last write (taken once), or None when the case read
    back is not the one that was checked, or was checked at another moment."""
    remembered = store._results.pop(patient_id, None)
    if remembered is None:
        return None
    checked, at, result = remembered
    if checked != dataclasses.replace(case, now=None) or abs(now - at) > SAME_MOMENT:
        return None
    return result
