"""The study's REDCap files (issue 19): a data dictionary, the records in REDCap's flat import
format, and a README saying what was exported, when, by whom and with which protocol.

Every value comes from the evaluation the window shows (:func:`.common.evaluated`): the daily
grades are the engine's ``daily_max`` (rules §1), the anakinra lines its ``doses`` (rules §5a), the
courses its ``courses`` (rules §6). The records carry the study ID and dates only: never the name
or MRN (a free text that happens to hold either is blanked).

REDCap's data dictionary is the CSV its Data Dictionary page downloads and uploads, with its 18
columns in their order; the records file is the "flat" CSV its Data Import Tool reads (records as
rows, one column per field). A repeating instrument's rows carry ``redcap_repeat_instrument`` and
``redcap_repeat_instance``; REDCap makes an instrument repeating in Project Setup, not through the
dictionary, so README.txt says which ones to turn on first.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ..core.grades import assessed_days
from ..core.notation import plain_number
from ..core.protocol import Protocol
from ..core.timeutil import completed_years, instant
from ..storage import Store, User
from .common import Evaluated, evaluated, exporter_text, need_study_id, pair_in_order, who, write_whole
from .pseudonyms import pseudonymous
from .redcap_dictionary import (CORTICOSTEROIDS, DICTIONARY_COLUMNS, INSTRUMENTS, LINE_CODES, REPEATING, SEX_CODES,
                                STATUS_CODES, SYSTEM_COLUMNS, TYPED_FIELDS, VERDICT_CODES, dictionary)

DICTIONARY_FILE = "pacer_data_dictionary.csv"
RECORDS_FILE = "pacer_records.csv"
README_FILE = "README.txt"

# -- values ---------------------------------------------------------------------------------------

def _time(at: datetime | None, zone) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""


def _number(value: Decimal | int | None) -> str:
    return plain_number(value) if value is not None else ""


def _yes(flag: bool) -> str:
    return "1" if flag else "0"


def records(ev: Evaluated, exported_at: datetime, user: User) -> list[dict[str, str]]:
    """The patient's rows: one for the non-repeating instruments, then one per repeating instance."""
    study_id, zone, result, case = need_study_id(ev.record), ev.zone, ev.result, ev.case
    base = {"record_id": study_id, "redcap_repeat_instrument": "", "redcap_repeat_instance": ""}
    main = dict(base)
    infusion = case.infusion_at
    born = case.patient.date_of_birth
    main.update(
        enr_protocol=result.protocol, enr_protocol_sha256=result.protocol_sha256, enr_timezone=result.timezone,
        enr_infusion_at=_time(infusion, zone),
        enr_age_years=str(completed_years(born, infusion.astimezone(zone).date())) if born and infusion else "",
        enr_sex=SEX_CODES.get(case.patient.sex_at_birth or "", ""),
        enr_dev_delay=_yes(case.patient.developmental_delay),
        enr_exported_at=_time(exported_at, UTC), enr_exported_by=exporter_text(user))
    if result.eligibility is not None and case.eligibility is not None:
        entered = max(ev.of_kind("eligibility"), key=lambda e: (e.values["inputs"].assessed_on, e.id))
        signed = max((s for s in ev.eligibility_signatures if s.row_id == entered.id), key=lambda s: (s.at, s.id),
                     default=None)  # only an investigator signs (a prescriber, with the PIN)
        main.update(elig_date=case.eligibility.assessed_on.isoformat(),
                    elig_verdict=VERDICT_CODES[result.eligibility.verdict],
                    elig_entered_by=who(entered), elig_entered_at=_time(entered.entered_at, UTC),
                    elig_signed_by=f"{signed.initials} ({signed.role})" if signed else "",
                    elig_signed_at=_time(signed.at, UTC) if signed else "")
        for c in result.eligibility.criteria:
            main[f"ec_{c.id}"] = STATUS_CODES[c.status]
            main[f"ec_{c.id}_detail"] = c.detail
    rows = [main]
    # Instances are numbered by what they are (day N is instance N + 1, a line its number, a course
    # its number, an unscheduled dose its first stored row's id), so a later export overwrites the
    # same instance in REDCap, never another.
    rows += [{**base, "redcap_repeat_instrument": "daily_grading",
              "redcap_repeat_instance": str(int(values["dg_day"]) + 1), **values} for values in _daily(ev)]
    lines, unscheduled = _lines(ev)
    rows += [{**base, "redcap_repeat_instrument": "anakinra_administration",
              "redcap_repeat_instance": str(values["aa_line"]), **values} for values in lines]
    rows += [{**base, "redcap_repeat_instrument": "anakinra_unscheduled", "redcap_repeat_instance": str(n),
              **values} for n, values in unscheduled]
    for course in result.courses:
        rows.append({**base, "redcap_repeat_instrument": "course", "redcap_repeat_instance": str(course.number),
                     "course_number": str(course.number),
                     "course_fever_at": _time(result.persistent_fever_at, zone) if course.number == 1 else "",
                     "course_start": _time(course.started_at, zone), "course_first_due": _time(course.first_due, zone),
                     "course_escalated": _time(course.escalated_at, zone),
                     "course_resolved": _time(course.resolved_at, zone), "course_stop": _time(course.stop_at, zone),
                     "course_restart": _yes(course.restart_by is not None),
                     "course_restart_by": course.restart_by or "", "course_restart_why": course.restart_reason or ""})
    return rows


def _daily(ev: Evaluated) -> list[dict[str, str]]:
    """One row per day from 0 to the last graded day (rules §1) with a grade or a drug given: the
    grades are the engine's ``daily_max`` as it stands, empty on a day with no assessment of that
    kind (:func:`..core.grades.assessed_days`), the drugs the case's medications."""
    if ev.case.infusion_at is None:
        return []
    grades = {d.day: d for d in ev.result.daily_max}
    crs_days, icans_days = assessed_days(ev.case.assessments, ev.case.infusion_at, ev.zone)
    given: dict[int, list] = {}
    for m in ev.case.medications:
        day = ev.day(m.at)
        if day is not None and 0 <= day <= ev.protocol.grading_last_day:
            given.setdefault(day, []).append(m)
    first = ev.case.infusion_at.astimezone(ev.zone).date()
    out = []
    for day in sorted(set(grades) | set(given)):
        grade, meds = grades.get(day), given.get(day, [])
        anakinra = [m.dose_mg for m in meds if m.drug == "anakinra"]
        # a dose recorded without its amount leaves the day's total unknown: empty, never a guess
        total = "" if None in anakinra else _number(sum(anakinra, Decimal(0))) if anakinra else "0"
        out.append({"dg_day": str(day), "dg_date": (first + timedelta(days=day)).isoformat(),
                    "dg_crs_grade": str(grade.crs_grade) if grade and day in crs_days else "",
                    "dg_icans_grade": str(grade.icans_grade) if grade and day in icans_days else "",
                    "dg_anakinra_mg": total,
                    "dg_tocilizumab": _yes(any(m.drug == "tocilizumab" for m in meds)),
                    "dg_steroids": _yes(any(m.drug in CORTICOSTEROIDS for m in meds))})
    return out


def _lines(ev: Evaluated) -> tuple[list[dict[str, str]], list[tuple[int, dict[str, str]]]]:
    """Every schedule line that has come due (planned lines are not yet data), with who gave or
    closed it: the stored entry that recorded the dose or the outcome; then every administration no
    line took (rules §5a: unscheduled), in time order, with who gave it and the reason recorded."""
    zone = ev.zone
    givers = [(e, m) for e, m in pair_in_order(ev.of_kind("medication"), ev.case.medications) if m.drug == "anakinra"]

    def given_by(at: datetime):
        match = next(((e, m) for e, m in givers if instant(m.at) == instant(at)), None)
        if match is not None:
            givers.remove(match)
        return match

    lines = []
    for line in ev.result.doses:
        if line.status == "planned":
            continue
        by = line.outcome_by or ""
        if line.given_at is not None and (match := given_by(line.given_at)) is not None:
            by = who(ev.first_recorded(match[0]))  # who gave it, though another corrected it
        lines.append({"aa_line": str(line.line), "aa_course": str(line.course), "aa_day": str(line.day),
                      "aa_due": _time(line.due, zone), "aa_status": LINE_CODES[line.status],
                      "aa_planned_mg": _number(line.mg), "aa_given_at": _time(line.given_at, zone),
                      "aa_given_mg": _number(line.given_mg), "aa_closed_at": _time(line.outcome_at, zone),
                      "aa_reason": line.outcome_reason or "", "aa_by": by})
    unscheduled = []
    for n, dose in enumerate(sorted(ev.result.unscheduled_doses, key=lambda u: instant(u.at)), start=1):
        match = given_by(dose.at)
        first = ev.first_recorded(match[0]) if match else None
        # the instance is the dose's first stored row: a withdrawal or correction of another dose
        # never moves it (an import deletes no instance in REDCap)
        unscheduled.append((first.id if first else n,
                            {"au_given_at": _time(dose.at, zone), "au_day": str(ev.day(dose.at)),
                             "au_given_mg": _number(dose.mg), "au_reason": (match[1].reason or "") if match else "",
                             "au_by": who(first) if first else ""}))
    return lines, unscheduled


# -- files ----------------------------------------------------------------------------------------

def _csv(header: Iterable[str], rows: Iterable[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\r\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _write(folder: Path, files: dict[str, bytes]) -> None:
    """Write each file beside its final name, then move them all into place."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_whole(folder / name, data)


@dataclasses.dataclass(frozen=True)
class RedcapExport:
    """What an export to REDCap wrote: the folder, the patients, the hash of the records file."""
    folder: Path
    study_ids: tuple[str, ...]
    records_sha256: str

    def summary(self) -> str:
        n = len(self.study_ids)
        return f"REDCap files for {n} patient{'s' if n != 1 else ''} ({', '.join(self.study_ids)}) in {self.folder}"


def export_redcap(store: Store, user: User, folder: Path, patient_ids: list[int], *, now: datetime | None = None,
                  progress: Callable[[int, int], None] | None = None) -> RedcapExport:
    """Write the dictionary, the records and README.txt for ``patient_ids`` into ``folder`` and record
    the export in the audit log (one row per patient). Every patient needs a study ID; nothing is
    written when one has none."""
    folder = Path(folder)
    exported_at = store.clock()
    patients = [store.patient(pid) for pid in patient_ids]
    for record in patients:
        need_study_id(record)
    protocols_used: dict[str, Protocol] = {}
    rows: list[dict[str, str]] = []
    for n, record in enumerate(patients, start=1):
        ev = evaluated(store, record.id, now)
        protocols_used[ev.protocol.id] = ev.protocol
        rows += [pseudonymous(r, record, TYPED_FIELDS) for r in records(ev, exported_at, user)]
        if progress is not None:
            progress(n, len(patients))
    protocol = next(iter(protocols_used.values()), None) or _current_protocol()
    fields = dictionary(protocol)
    header = [fields[0].name, *SYSTEM_COLUMNS, *(f.name for f in fields[1:])]
    records_csv = _csv(header, ({name: row.get(name, "") for name in header} for row in rows))
    study_ids = tuple(r.study_id for r in patients)
    files = {DICTIONARY_FILE: _csv(DICTIONARY_COLUMNS, (f.row() for f in fields)), RECORDS_FILE: records_csv,
             README_FILE: readme(user, exported_at, study_ids, protocols_used.values() or [protocol]).encode("utf-8")}
    _write(folder, files)
    digest = hashlib.sha256(records_csv).hexdigest()
    for record in patients:
        store.record_document(user, record.id, kind="redcap_export", content_sha256=digest,
                              protocol=record.protocol,
                              detail=f"study export of {record.study_id} ({len(patients)} patients) to {folder}")
    return RedcapExport(folder, study_ids, digest)


def _current_protocol() -> Protocol:
    from .. import protocols
    return protocols.load()


def readme(user: User, exported_at: datetime, study_ids: tuple[str, ...], protocols_used: Iterable[Protocol]) -> str:
    from .. import __version__
    n = len(study_ids)
    used = "; ".join(f"{p.id} (protocol file SHA-256 {p.sha256})" for p in protocols_used)
    return f"""PACER Desktop: export for the study (REDCap)

What:      {n} patient{'s' if n != 1 else ''}: {', '.join(study_ids) or 'none'}
When:      {exported_at.strftime('%Y-%m-%d %H:%M')} UTC
By whom:   {exporter_text(user)} (signed in with a PIN; the export is signed in the audit log)
Protocol:  {used}
Program:   pacer-desktop {__version__}

Files
  {DICTIONARY_FILE}  REDCap data dictionary: the instruments {', '.join(INSTRUMENTS)}
  {RECORDS_FILE}           the records, in REDCap's flat import format (one row per record, and one per
                              instance of a repeating instrument); dates YYYY-MM-DD, times
                              YYYY-MM-DD HH:MM in the site's time zone (enrollment says which), export
                              and entry times in UTC

Importing into REDCap (in this order)
  1. Data Dictionary (Project Setup > Design your data collection instruments): upload
     {DICTIONARY_FILE}.
  2. Project Setup > Repeating instruments and events (among the optional modules): make these
     instruments repeating BEFORE importing the records:
       {', '.join(REPEATING)}
  3. Data Import Tool: {RECORDS_FILE} (format: rows are records, dates Y-M-D).

A later export of the same patients
  Import it the same way, with "Allow blank values to overwrite existing saved values?" set to
  Yes: a value that is now empty (a dose withdrawn as entered in error, a time corrected away) is
  then cleared, not kept from the earlier import. An import deletes no instance: a schedule line
  or day in REDCap that this file no longer has (fewer lines after a correction) stays there until
  someone deletes it in REDCap; compare the instance numbers with this file's.

The records are pseudonymous: the study ID and dates only, never a name or MRN. Which study ID
belongs to which patient stays in the ward's PACER database. Every value is the result PACER
Desktop showed at the time of the export (the daily grades are its daily maximum, rules §1, and
are empty on a day nobody assessed: never 0, which says "no CRS"), and the export is recorded in
that database's audit log.
"""
