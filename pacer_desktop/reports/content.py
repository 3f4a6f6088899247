"""What a printed document says, as plain text: no reportlab here.

Everything a document prints is worded here from the engine's :class:`Result`, the case and
the protocol, so the wording can be tested without rendering. What the screens say too (the dose
working, the age, every date and time) is worded by :mod:`pacer_desktop.core.wording`, the same
functions the window calls; doses go through :mod:`pacer_desktop.core.notation` only; clinical
numbers come from the protocol.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import ROUND_UP, Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from ..core import notation, schedule, wording
from ..core.case import Case
from ..core.protocol import Protocol
from ..core.result import Dose, Result, output_data
from ..core.validation import json_data
from ..core.timeutil import instant

Paper = Literal["letter", "a4"]
DocumentKind = Literal["order", "mar", "eligibility", "grading"]

#: Printed where a field of the header is unknown, so a blank is never mistaken for a value.
NOT_GIVEN = wording.NOT_GIVEN


@dataclass(frozen=True)
class PatientHeader:
    """Who the paper is about. Name and MRN are not in a case file, so callers pass them."""

    name: str
    mrn: str
    date_of_birth: date | None
    sex_at_birth: str | None
    allergies: str = ""


@dataclass(frozen=True)
class PrintedSignature:
    """A signature as paper shows it (issue 18): who (name, initials, role), what it means, when.
    Made from a storage signature by the caller; reports read no database."""

    name: str
    initials: str
    role: str
    meaning: str
    at: datetime


#: Why no verification holds for the dose (storage ``current_verification``'s reasons, and the
#: case file's), in words after "NOT VERIFIED — ".
UNVERIFIED_WORDS = {
    "never_verified": "no pharmacist has verified this dose",
    "no_database": "printed from a case file, where no verification is kept",
    "no_weight": "no dosing weight",
    "new_weight": "a new weight was recorded since",
    "dose_changed": "the dose changed since",
    "escalated": "escalated since",
}
NEVER_VERIFIED = ("never_verified",)


@dataclass(frozen=True)
class PrintJob:
    """Everything one printed document is made from."""

    kind: DocumentKind
    case: Case
    result: Result
    protocol: Protocol
    patient: PatientHeader
    printed_at: datetime
    printed_by: str
    paper: Paper = "letter"
    chain_anchor: str = ""  # the audit chain's LENGTH:HEAD when printed from the database (issue 17)
    #: The pharmacist's verification that holds for the current dose, or None and why (issue 18).
    verification: PrintedSignature | None = None
    unverified_because: tuple[str, ...] = NEVER_VERIFIED
    #: The other signatures that concern the document (an escalation, an eligibility sign-off).
    signatures: tuple[PrintedSignature, ...] = ()
    #: Who recorded each dose given, by its instant, when printed from the database (``AB (nurse)``).
    recorded_by: tuple[tuple[datetime, str], ...] = ()

    def recorder(self, given_at: datetime | None) -> str | None:
        """Who recorded the dose given at ``given_at``; None when not known (a case file)."""
        return next((by for at, by in self.recorded_by if given_at is not None and at == instant(given_at)), None)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.result.timezone)

    def time(self, at: datetime | None) -> str:
        """``4 Nov 2026 11:00`` in the case's zone (the zone is printed once a page)."""
        return wording.date_time(at, self.zone)


def zone_line(job: PrintJob) -> str:
    return f"All times: {job.result.timezone} local time, 24-hour clock"


# ---- the patient ------------------------------------------------------------------------

def age_text(patient: PatientHeader, job: PrintJob) -> str:
    """The age on the calculation date, worded as on screen (months below 2 years)."""
    if patient.date_of_birth is None:
        return NOT_GIVEN
    return wording.age(patient.date_of_birth, wording.local(job.result.now, job.zone).date())


def or_not_given(text: str | None) -> str:
    return text.strip() if text and text.strip() else NOT_GIVEN


# ---- the order --------------------------------------------------------------------------

def current_interval_h(result: Result, protocol: Protocol) -> int:
    """The interval in force when the case was evaluated (rules §5)."""
    return schedule.current_interval_h(result.escalated_at, result.now, protocol.schedule)


#: Printed in place of the order once the stop time has passed (rules §6, issue 14 §4).
COURSE_COMPLETE = "Course complete — no doses due"


def stop_reached(stop_at: datetime | None, now: datetime) -> bool:
    """Whether a course's stop time has come by ``now`` (rules §6): before it, a fever or CRS undoes
    the resolution, so a stop time to come is no stop."""
    return stop_at is not None and instant(stop_at) <= instant(now)


def course_complete(result: Result) -> bool:
    """Whether the stop time has been reached when the case was evaluated (rules §6)."""
    return stop_reached(result.stop_at, result.now)


def course_complete_sentences(job: PrintJob) -> list[str]:
    """What an order sheet printed after the stop time says instead of the order."""
    r = job.result
    return [f"{COURSE_COMPLETE}.",
            f"The stop time {job.time(r.stop_at)} was reached before this sheet was calculated"
            f" ({job.time(r.now)}): this is not an order to give anakinra."]


def order_sentence(dose: Dose, interval_h: int, protocol: Protocol) -> str:
    """``Anakinra 59 mg IV every 12 hours (2.5 mg/kg/dose × 23.4 kg = 58.5 mg, rounded to 59 mg;
    0.4 mL of 100 mg/0.67 mL; maximum 100 mg per dose)``: the working is the result's, worded by
    :func:`wording.dose_working` as the dose screen shows it; the maximum is named unless the cap
    applied (the working then says it)."""
    limit = "" if dose.capped else f"; maximum {notation.mg(protocol.dose.max_mg)} per dose"
    return f"{order_head(dose, interval_h, protocol)} ({dose.working}{limit})"


def order_head(dose: Dose, interval_h: int, protocol: Protocol) -> str:
    """``Anakinra 59 mg IV every 12 hours``."""
    return (f"{protocol.dose.drug.capitalize()} {notation.mg(dose.mg)} {dose.route}"
            f" {notation.every_hours(interval_h)}")


def volume_sentence(dose: Dose, protocol: Protocol) -> str:
    """``0.4 mL of Kineret prefilled syringe 100 mg/0.67 mL``."""
    rules = protocol.dose
    return f"{notation.ml(dose.volume_ml)} of {rules.product} {notation.product_strength(rules)}"


def daily_maximum_sentence(protocol: Protocol) -> str:
    return f"No more than {notation.mg(protocol.dose.max_mg_per_24h)} in any {protocol.dose.max_mg_window_h} hours."


def why_due_sentences(job: PrintJob, lines: list) -> list[str]:
    """For each of ``lines`` that moved because the dose before it was given outside its window
    (rules §5a rev 2), or that is the first after an escalation (§5), why: the schedule on screen
    says the same (:func:`wording.why_due`). Where no interval column is printed, this is where
    "every 6 hours" begins."""
    return [f"Line {d.line}: {'; '.join(why)}; the lines after it follow from it."
            for d in lines if (why := wording.why_due(job.result, d, job.time))]


def start_sentences(job: PrintJob) -> list[str]:
    """When anakinra started (rules §3), then each restart that began a new course (§6)."""
    r = job.result
    return [f"Start (persistent fever met): {job.time(r.persistent_fever_at)}, first dose due then."] + [
        f"Anakinra restarted at {job.time(co.started_at)} by {co.restart_by}: {co.restart_reason}"
        f" (course {co.number}; the first dose of the course due {job.time(co.first_due)})."
        for co in r.courses if co.number > 1]


def escalation_sentences(job: PrintJob) -> list[str]:
    """When and how the schedule may go to the shorter interval, in words (rules §5, §7)."""
    p, r = job.protocol, job.result
    sched = p.schedule
    if r.escalated_at is not None:
        # as instants: in the hour repeated in autumn, == between two zones is never true (PEP 495)
        first = next((e for e in sorted(job.case.escalations, key=lambda e: instant(e.at))
                      if instant(e.at) == instant(r.escalated_at)), None)
        who = f" by {first.by}" if first is not None and first.by else ""
        why = f": {first.reason}" if first is not None and first.reason else ""
        return [
            f"Escalated to {notation.every_hours(sched.escalated_interval_h)} at {job.time(r.escalated_at)}{who}{why}.",
            "There is no de-escalation under this protocol; the dose in mg is unchanged.",
            "If CRS worsens despite escalated anakinra, manage per institutional standard of care"
            " (e.g. tocilizumab, corticosteroids).",
        ]
    return [
        f"Escalate to {notation.every_hours(sched.escalated_interval_h)} only by clinician decision,"
        " recorded with who and why, when the CRS grade rises above the grade at the start (at least"
        f" grade 1), or CRS grade 1 or higher persists {p.alerts.persistence_after_start_h} hours or more after"
        " the start.",
        f"After escalation the next dose is due at the latest of: the escalation time,"
        f" {sched.escalated_interval_h} hours after the last dose due, and"
        f" {sched.escalated_interval_h} hours less {sched.administration_window_min} minutes after the last dose"
        f" given; then {notation.every_hours(sched.escalated_interval_h)}; the dose in mg is unchanged.",
    ]


def stopping_sentences(job: PrintJob) -> list[str]:
    """The stopping rule in words, and the stop time once it is known (rules §6)."""
    sched, r = job.protocol.schedule, job.result
    rule = (f"Stop when CRS and ICANS have both resolved to grade 0 (with no higher grade after):"
            f" the stop time is the later of resolution + {sched.stop_after_resolution_h} hours and"
            f" infusion + {sched.stop_not_before_day} days. A dose due exactly at the stop time is not given.")
    if r.stop_at is None:
        return [rule, "Not resolved yet: no stop time; continue the schedule."]
    given = [d for d in r.doses if d.due < r.stop_at]
    last = f" Last dose due {job.time(given[-1].due)}." if given else ""
    return [rule, f"Resolved {job.time(r.resolved_at)}; stop time {job.time(r.stop_at)}.{last}"]


def warning_sentences(job: PrintJob) -> list[str]:
    """Every alert of the result in words (rules §4, §7); warnings never block printing."""
    p, r = job.protocol, job.result
    texts = {
        "dose_capped": (f"Dose capped: the calculated dose is above the maximum of"
                        f" {notation.mg(p.dose.max_mg)} per dose."),
        "weight_stale": (f"Stale weight: the dosing weight is more than {p.weight.stale_after_days} days old"
                         f" (weighed {job.time(r.dose.weight_at) if r.dose else NOT_GIVEN}). Weigh the patient."),
        "weight_changed": _weight_changed_sentence(job),
        "weight_missing": "No dosing weight recorded for some doses: record a weight before giving.",
        "daily_maximum": _daily_maximum_sentence(job),
        "consider_escalation": (f"Consider escalation to {notation.every_hours(p.schedule.escalated_interval_h)}:"
                                " CRS has progressed or persists (clinician decision)."),
        "standard_of_care": ("CRS worsening despite escalated anakinra: manage per institutional"
                             " standard of care (e.g. tocilizumab, corticosteroids)."),
        "recurrence_after_stop": ("Fever or CRS/ICANS after the stop time: anakinra stays stopped unless a"
                                  " prescriber restarts it."),
        "dose_above_maximum": (f"A recorded anakinra dose is above the maximum of {notation.mg(p.dose.max_mg)}"
                               " per dose: check the record and tell the prescriber."),
        "dose_above_calculated": ("A recorded anakinra dose is more than its line's calculated dose allows:"
                                  " check the record and tell the prescriber."),
        "unscheduled_dose": ("An anakinra dose was recorded that fits no line of the schedule"
                             f" ({', '.join(job.time(u.at) for u in r.unscheduled_doses)}): it is counted in"
                             " the daily maximum."),
    }
    return [texts[code] for code in (*r.alerts, *r.notices) if code in texts] + \
        [code.replace("_", " ") for code in (*r.alerts, *r.notices) if code not in texts]


def _weight_changed_sentence(job: PrintJob) -> str:
    """Rules §4: the dosing weight and the one before it, with the change, so that the pharmacist
    checks the dose without looking either up."""
    p, r = job.protocol, job.result
    said = (f"Changed weight: the latest weight differs by more than {notation.percent(p.weight.change_warning_fraction)}"
            " from the one before it")
    before = [w for w in job.case.weights if r.dose is not None and instant(w.at) < instant(r.dose.weight_at)]
    if before:
        previous = max(before, key=lambda w: instant(w.at))
        change = (r.dose.weight_kg - previous.kg) / previous.kg
        said += (f": {notation.kg(r.dose.weight_kg)}, weighed {job.time(r.dose.weight_at)}, against"
                 f" {notation.kg(previous.kg)}, weighed {job.time(previous.at)}"
                 f" ({'+' if change > 0 else '−'}{notation.percent(_tenth_of_a_percent(abs(change)))})")
    return said + ". Check the weight before giving."


def _tenth_of_a_percent(fraction: Decimal) -> Decimal:
    """``fraction`` rounded up to a tenth of a per cent, so never less than the change: one just over
    the warning's limit (10.04 %) never reads as the limit itself (a whole per cent made 10.5 % read
    "10 %"). 26 kg after 23.4 kg (11.11 %) reads 11.2 %."""
    return fraction.quantize(Decimal("0.001"), rounding=ROUND_UP)


def _daily_maximum_sentence(job: PrintJob) -> str:
    """Which line was lowered and which window is over (rules §4 rev 2)."""
    p, r = job.protocol, job.result
    said = []
    for d in (d for d in r.doses if d.lowered_from_mg is not None):
        advice = wording.after_lowered(d, job.time)
        said.append(f"Line {d.line}, due {job.time(d.due)}, is {wording.lowered(r, d, p.dose, job.time)}."
                    + (f" {advice[:1].upper()}{advice[1:]}." if advice else ""))
    recorded = wording.recorded_over(job.case, p.dose, job.time)
    return " ".join([*said, *([recorded] if recorded else [])])


# ---- identity of a printed document -----------------------------------------------------

# ---- signatures (issue 18) --------------------------------------------------------------

def signed_by(sig: PrintedSignature) -> str:
    """``Phil Pharmacist (PH, pharmacist)``."""
    return f"{sig.name} ({sig.initials}, {sig.role})"


def verification_sentence(job: PrintJob) -> str:
    """``Verified by Phil Pharmacist (PH, pharmacist) — independent double check — at 6 Nov 2026
    08:05``; without a verification that holds, ``NOT VERIFIED — `` and why."""
    v = job.verification
    if v is not None:
        return f"Verified by {signed_by(v)} — independent double check — at {job.time(v.at)}"
    why = "; ".join(UNVERIFIED_WORDS.get(r, r.replace("_", " ")) for r in job.unverified_because or NEVER_VERIFIED)
    return f"NOT VERIFIED — {why}"


def signature_sentence(sig: PrintedSignature, job: PrintJob) -> str:
    """``escalated to every 6 hours — Pia Prescriber (PR, prescriber) — 11 Nov 2026 09:05``."""
    return f"{sig.meaning} — {signed_by(sig)} — {job.time(sig.at)}"


def _signed_content(job: PrintJob) -> dict:
    """The signatures as hashed content; {} when there are none, so an unsigned document hashes as
    it did before signatures were printed."""
    content: dict = {}
    if job.verification is not None:
        content["verification"] = asdict(job.verification)
    elif tuple(job.unverified_because) != NEVER_VERIFIED:
        content["unverified_because"] = list(job.unverified_because)
    if job.signatures:
        content["signatures"] = [asdict(s) for s in job.signatures]
    return content


def content_sha256(job: PrintJob) -> str:
    """Hash of everything the document was made from, except when and by whom it was printed.

    Printed on the page (and in the order sheet's QR code) and stored with the print record, so
    a paper copy can be matched to the record; a reprint of the same content has the same hash.
    """
    content = {
        "kind": job.kind,
        "patient": asdict(job.patient),
        "case": json_data(job.case),
        "result": output_data(job.result),
        "protocol_sha256": job.protocol.sha256,
        **_signed_content(job),
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def order_id(job: PrintJob) -> str:
    """Names the order itself (patient, start, mg, interval, protocol), not one printing of it."""
    r = job.result
    facts = "|".join([
        job.patient.mrn, r.protocol,
        r.persistent_fever_at.isoformat() if r.persistent_fever_at else "",
        notation.plain_number(r.dose.mg) if r.dose else "",
        str(current_interval_h(r, job.protocol)),
    ])
    return "AK-" + hashlib.sha256(facts.encode("utf-8")).hexdigest()[:10].upper()


def qr_payload(order: str, content_hash: str, chain_anchor: str = "") -> str:
    """What the order sheet's QR code carries; ``chain=LENGTH:HEAD`` when printed from the database,
    for ``verify-db --anchor`` (issue 17)."""
    return f"PACER-ORDER;id={order};sha256={content_hash}" + (f";chain={chain_anchor}" if chain_anchor else "")


class NothingToPrint(ValueError):
    """The case has nothing for this document (no anakinra started, no eligibility entered)."""
