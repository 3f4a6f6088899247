"""What the screens say, worked out from a core result: pure functions, no Qt.

The screens only lay these strings out; keeping them here lets the tests check the wording and the
dose-status rules without a window (napari keeps logic out of its views the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .. import protocols
from ..core import notation, wording
from ..core.protocol import Protocol
from ..core.result import Result
from ..core.schedule import current_interval_h
from ..core.timeutil import instant


def alert_text(code: str, protocol: Protocol) -> str:
    """An alert of the result (rules §4, §6, §7) in the screens' words, its numbers from ``protocol``."""
    weight, dose, sched = protocol.weight, protocol.dose, protocol.schedule
    texts = {
        "dose_capped": "Dose capped at the maximum per dose.",
        "weight_stale": f"Dosing weight is more than {weight.stale_after_days} days old: weigh the patient.",
        "weight_changed": (f"Latest weight differs by more than"
                           f" {notation.percent(weight.change_warning_fraction)} from the one before:"
                           " check it."),
        "weight_missing": "No weight recorded: the dose cannot be calculated. Record a weight (kg).",
        "daily_maximum": (f"A {dose.max_mg_window_h}-hour window reached the maximum of"
                          f" {notation.mg(dose.max_mg_per_24h)}: the schedule shows which line was lowered and"
                          " what to do (from when its dose fits, or to give nothing and tell the prescriber)."),
        "consider_escalation": (f"Consider escalating anakinra to {notation.every_hours(sched.escalated_interval_h)}:"
                                f" CRS is progressing or persisting {protocol.alerts.persistence_after_start_h}"
                                " hours after the start."),
        "standard_of_care": "CRS worsening despite escalated anakinra: manage per institutional standard"
                            " of care (e.g. tocilizumab, corticosteroids).",
        "recurrence_after_stop": "Fever or CRS/ICANS after the stop time: anakinra stays stopped. A prescriber"
                                 " decides whether to restart it (Restart anakinra…).",
        "dose_above_maximum": (f"A recorded anakinra dose is above the maximum of {notation.mg(dose.max_mg)} per"
                               " dose: check the record and tell the prescriber."),
        "dose_above_calculated": "A recorded anakinra dose is more than its line's calculated dose allows:"
                                 " check the record and tell the prescriber.",
        "unscheduled_dose": "An anakinra dose was recorded that fits no line of the schedule: it is kept and"
                            " counted in the daily maximum.",
    }
    return texts.get(code, code.replace("_", " "))


#: The screens' dates and times are the paper's own functions (issue 16 §4): ``say.day_time`` is
#: ``wording.day_time``, so no screen formats a time itself.
clock, day_time, full_date, local = wording.clock, wording.day_time, wording.full_date, wording.local
duration = wording.duration

#: Alerts that stay on screen until someone acknowledges them (clinical-rules §6, §7).
PROMPTS = ("consider_escalation", "standard_of_care", "recurrence_after_stop")

STATUS_TEXT = {"met": "✓ met", "not_met": "✗ not met", "missing": "? missing"}
VERDICT_TEXT = {
    "eligible": "ELIGIBLE: every criterion is met",
    "not_eligible": "NOT ELIGIBLE",
    "incomplete": "INCOMPLETE: data missing",
}


def age_text(born: date | None, on: date) -> str:
    """The header's age: months below 2 years, as on paper (:func:`wording.age`)."""
    return "age unknown" if born is None else wording.age(born, on)


def administration_window(result: Result) -> timedelta:
    """How long around a due time an administration counts for it (``schedule.administration_window_min``
    of the protocol the result was worked out with)."""
    return timedelta(minutes=protocols.load(result.protocol).schedule.administration_window_min)


@dataclass(frozen=True, slots=True)
class ScheduledDose:
    """One line of the schedule table (clinical-rules §5a)."""

    due: datetime
    day: int
    mg: str
    volume: str
    interval: str
    weight: str
    status: str  # given / held / refused / omitted / missed / overdue / due / planned, from the engine
    given_at: datetime | None
    line: int = 0
    course: int = 1
    note: str = ""  # why the line moved or was lowered, or why it was held, refused or omitted
    lowered: bool = False  # by the 24-hour maximum (rules §4 rev 2): its dose is not the standing one
    advice: str = ""  # for a lowered line: from when its full dose fits, or to give nothing (wording.after_lowered)

    @property
    def closed(self) -> bool:
        return self.status in ("given", "held", "refused", "omitted")


def schedule_rows(result: Result, now: datetime | None = None) -> list[ScheduledDose]:
    """The schedule's lines as the engine judged them at the result's now: what was given for each,
    held, refused or omitted, and which line is missed, overdue, due or planned (rules §5a).
    ``now`` is not used: the status is the engine's, so screen and paper cannot disagree."""
    zone = result.timezone
    rows = []
    for d in result.doses:
        notes = []
        if d.status in ("held", "refused", "omitted") and d.outcome_reason:
            notes.append(d.outcome_reason)
        notes += wording.why_due(result, d, lambda at: day_time(at, zone))
        advice = ""
        if d.lowered_from_mg is not None:
            rules = protocols.load(result.protocol).dose
            advice = wording.after_lowered(d, lambda at: day_time(at, zone))
            notes.append(wording.lowered(result, d, rules, lambda at: day_time(at, zone)) + (f"; {advice}" if advice else ""))
        mg, volume = wording.line_dose(d.mg, d.volume_ml)
        rows.append(ScheduledDose(
            due=d.due, day=d.day, mg=mg, volume=volume,
            interval=notation.every_hours(d.interval_h),
            weight=notation.kg(d.weight_kg) if d.weight_kg is not None else NO_WEIGHT,
            status=d.status, given_at=d.given_at, line=d.line, course=d.course, note="; ".join(notes),
            lowered=d.lowered_from_mg is not None, advice=advice))
    return rows


def next_dose(rows: list[ScheduledDose]) -> ScheduledDose | None:
    """The line to give next: the one due or overdue (at most one is overdue, rules §5a), else the
    first planned."""
    due_now = [r for r in rows if r.status in ("due", "overdue")]
    planned = [r for r in rows if r.status == "planned"]
    return (due_now or planned or [None])[0]


def current_interval(result: Result, now: datetime, protocol: Protocol) -> int:
    """Every 6 hours once escalated at or before now, else every 12 hours (rules §5)."""
    return current_interval_h(result.escalated_at, now, protocol.schedule)


def outside_window(line: int, due: datetime, at: datetime, protocol: Protocol, zone: str,
                   result: Result | None = None) -> str | None:
    """Why a dose given at ``at`` for ``line`` (due at ``due``) needs a reason: given outside the
    administration window either side of its due time (rules §5a); None within it. Given early, it
    also names the last anakinra dose recorded before ``at`` in ``result``: a second dose minutes
    after the first asks for its reason in those words, not only "early"."""
    minutes = protocol.schedule.administration_window_min
    off = instant(at) - instant(due)  # elapsed, as the engine counts, across a daylight-saving change too
    if abs(off) <= timedelta(minutes=minutes):
        return None
    why = (f"Given {duration(abs(off))} {'late' if off > timedelta(0) else 'early'}, outside the"
           f" {notation.plain_number(minutes)} minutes either side of line {line}'s due time"
           f" ({day_time(due, zone)}): give the reason.")
    last = last_dose_before(result, at) if result is not None and off < timedelta(0) else None
    if last is not None:
        given_at, mg = last
        amount = notation.mg(mg) if mg is not None else "a dose of no recorded amount"
        why += (f" The last anakinra dose recorded was {amount} at {day_time(given_at, zone)},"
                f" {duration(instant(at) - instant(given_at))} before this one: record this one only if it was given.")
    return why


def last_dose_before(result: Result, at: datetime) -> tuple[datetime, object] | None:
    """The latest anakinra administration recorded at or before ``at`` (a line's or one no line took),
    as (time, mg); None when there is none."""
    given = [(d.given_at, d.given_mg) for d in result.doses if d.given_at is not None]
    given += [(u.at, u.mg) for u in result.unscheduled_doses]
    before = [g for g in given if instant(g[0]) <= instant(at)]
    return max(before, key=lambda g: instant(g[0])) if before else None


#: A line's weight when none had been recorded by its due time (:func:`schedule_rows`).
NO_WEIGHT = "—"


def due_before_weight(result: Result, row: ScheduledDose) -> bool:
    """Whether ``row`` fell due before the latest weight and so has another dose than the current
    one, or none (case-format rev 2: each line uses the most recent weight at or before its due
    time; before the first weight, a line has no dose)."""
    d = result.dose
    return d is not None and row.weight != notation.kg(d.weight_kg) and row.mg != notation.mg(d.mg)


def status_line(result: Result, rows: list[ScheduledDose], now: datetime, protocol: Protocol) -> str:
    """``Anakinra 59 mg IV every 12 hours · next dose 23:00, in 2 h 14 min``."""
    if result.persistent_fever_at is None:
        return "Anakinra not started: persistent fever not met"
    zone = result.timezone
    if result.dose is None:
        head = "Anakinra: no dosing weight, record a weight (kg)"
    else:
        interval = current_interval(result, now, protocol)
        head = (f"Anakinra {notation.mg(result.dose.mg)} {result.dose.route}"
                f" {notation.every_hours(interval)}")
    if result.stop_at is not None and now >= result.stop_at:  # rules §6: no dose at or after the stop is due
        missed = sum(1 for r in rows if r.status == "missed")
        ran = "" if result.dose is None else f"; it ran at {head.removeprefix('Anakinra ')}"
        text = f"Anakinra stopped since {day_time(result.stop_at, zone)} (course complete{ran})"
        if missed:
            text += f" · {missed} {'dose' if missed == 1 else 'doses'} before then not recorded as given"
        return text
    nxt = next_dose(rows)
    if nxt is None:
        return f"{head} · no dose outstanding"
    # the line to give, when its dose is not the head's: lowered by the 24-hour maximum, or by the
    # weight when it fell due
    own = ""
    if nxt.lowered:
        rules = protocol.dose
        keep = f"to keep {rules.max_mg_window_h} hours within {notation.mg(rules.max_mg_per_24h)}"
        own = (f" · no dose on this line, {keep}: {nxt.advice}" if nxt.advice
               else f" · this dose: {nxt.mg}, lowered {keep}")
    elif due_before_weight(result, nxt):
        own = (" · no dose was calculated for it: no weight when it fell due" if nxt.weight == NO_WEIGHT
               else f" · this dose: {nxt.mg}, by the weight when it fell due ({nxt.weight})")
    if nxt.status == "planned":
        return f"{head} · next dose {clock(nxt.due, zone)}, in {duration(nxt.due - now)}{own}"
    if nxt.status == "due":
        return f"{head} · dose DUE NOW ({clock(nxt.due, zone)}){own}"
    return f"{head} · dose OVERDUE since {day_time(nxt.due, zone)} ({duration(now - nxt.due)}){own}"


def stop_text(result: Result, now: datetime, protocol: Protocol) -> str:
    """``May stop after 10 Nov 10:00: 48 h after resolution, not before day 7 (in 4 d 2 h)``."""
    rules = protocol.schedule
    rule = (f"{rules.stop_after_resolution_h} h after resolution, not before day"
            f" {rules.stop_not_before_day}")
    if result.persistent_fever_at is None:
        return "Stop rule: anakinra has not started."
    if result.stop_at is None:
        return (f"Stop rule: CRS and ICANS not yet resolved (both grade 0 and staying 0);"
                f" anakinra continues. Then: {rule}.")
    zone = result.timezone
    text = (f"May stop after {day_time(result.stop_at, zone)}: {rule}"
            f" (resolved {day_time(result.resolved_at, zone)})")
    if now < result.stop_at:
        return f"{text} — in {duration(result.stop_at - now)}."
    return f"{text} — stop time reached: no further doses."


def acknowledgement_of(acknowledgements: list, alert: str, judged_on: datetime | None):
    """The latest stored acknowledgement of ``alert`` judged on the assessment at ``judged_on``
    (compared as instants), or None: a prompt raised by a later assessment is not acknowledged."""
    for ack in reversed(acknowledgements):
        if ack.alert == alert and judged_on is not None and instant(ack.assessment_at) == instant(judged_on):
            return ack
    return None


def acknowledged_by(ack, zone: str | ZoneInfo) -> str:
    """``acknowledged by AB (nurse) at 4 Nov 17:00 on ward-3``."""
    text = f"acknowledged by {ack.entered_by} ({ack.role}) at {day_time(ack.entered_at, zone)} on {ack.workstation}"
    return f"{text}: {ack.note}" if ack.note else text


def fever_banner(result: Result, rows: list[ScheduledDose]) -> tuple[str, str]:
    """The banner of persistent fever (clinical-rules §3) and its kind: it names the two readings,
    and says what is to be done. Alarm while the first dose is due now; once it has been given, a
    plain note of when the course started, so that a fever met days ago is not read as current."""
    if result.persistent_fever_at is None or len(result.persistent_fever_readings) < 2:
        return "", "info"
    zone = result.timezone
    parts = []
    for r in result.persistent_fever_readings:
        shown = notation.temperature(r.value, r.unit)
        if r.unit == "F":
            shown += f" ({notation.celsius(r.temp_c)})"
        parts.append(f"{shown} at {day_time(r.at, zone)}")
    onset, readings = day_time(result.persistent_fever_at, zone), f"{parts[0]} and {parts[1]}"
    first = rows[0] if rows else None
    if first is not None and first.status == "given" and first.given_at is not None:
        return (f"Persistent fever met at {onset} ({readings}); the first anakinra dose was given at"
                f" {day_time(first.given_at, zone)}.", "info")
    text = f"PERSISTENT FEVER since {onset}: {readings}."
    if first_dose_due_now(rows) and result.dose is not None:
        when = "DUE NOW" if first.status == "due" else f"OVERDUE since {onset}"  # as the header says
        return (f"{text} The first dose is {when}: {notation.mg(result.dose.mg)} {result.dose.route}"
                f" ({notation.ml(result.dose.volume_ml)}).", "alarm")
    if first is not None and first.status == "missed":
        return f"{text} The first anakinra dose, due at {onset}, was never recorded as given.", "warn"
    return f"{text} First anakinra dose due at {onset}.", "warn"


def first_dose_due_now(rows: list[ScheduledDose]) -> bool:
    return bool(rows) and rows[0].status in ("due", "overdue")



# ---- the ward task view (issue 14 §4) ------------------------------------------------------

#: Urgency ranks of the patient list, most urgent first.
RANKS = ("overdue", "due", "prompt", "rest")
OVERDUE, DUE, PROMPT, REST = range(len(RANKS))


@dataclass(frozen=True, slots=True)
class WardLine:
    """One patient's line in the patient list: how urgent, and what to say."""

    rank: int
    since: datetime | None  # the earliest outstanding due time (overdue and due sort by it)
    dose: str               # "DOSE OVERDUE since 5 Nov 10:30", "dose DUE NOW (12:30)", "next dose 23:00", …
    flags: tuple[str, ...]  # "persistent fever", "⚑ consider escalation", …


def open_prompts(result: Result, acknowledgements: list, now: datetime) -> list[str]:
    """The prompts of ``result`` (rules §7) not acknowledged for the assessment they are judged
    on (the latest graded at or before ``now``), as the dose screen judges them."""
    graded = [a for a in result.assessments if a.crs_grade is not None and a.at <= now]
    judged_on = graded[-1].at if graded else None
    return [code for code in result.alerts
            if code in PROMPTS and acknowledgement_of(acknowledgements, code, judged_on) is None]


PROMPT_FLAG = {"consider_escalation": "⚑ consider escalation", "standard_of_care": "⚑ CRS worsening on escalated"
               " anakinra: standard of care", "recurrence_after_stop": "⚑ fever or CRS after the stop: restart?"}


def ward_line(result: Result | None, now: datetime, acknowledgements: list,
              error: str = "") -> WardLine:
    """What the patient list says of a patient: the next dose or what is due, and the flags."""
    if result is None:
        return WardLine(OVERDUE, None, "⚠ stored data the calculator refuses: open to check", ())
    zone = result.timezone
    prompts = open_prompts(result, acknowledgements, now)
    flags = [PROMPT_FLAG[p] for p in prompts]
    if result.persistent_fever_at is None:
        return WardLine(PROMPT if prompts else REST, None, "no anakinra: fever rule not met", tuple(flags))
    flags.insert(0, f"persistent fever since {day_time(result.persistent_fever_at, zone)}")
    rows = schedule_rows(result)
    nxt = next_dose(rows)
    if result.stop_at is not None and now >= result.stop_at:
        return WardLine(PROMPT if prompts else REST, None, "course complete: no doses due", tuple(flags))
    if nxt is None:
        return WardLine(PROMPT if prompts else REST, None, "no dose outstanding", tuple(flags))
    if nxt.status == "overdue":
        first = min(r.due for r in rows if r.status == "overdue")
        return WardLine(OVERDUE, first, f"DOSE OVERDUE since {_zoned(day_time(first, zone), first, zone)}", tuple(flags))
    if nxt.status == "due":
        return WardLine(DUE, nxt.due, f"dose DUE NOW ({_zoned(clock(nxt.due, zone), nxt.due, zone)})", tuple(flags))
    when = clock(nxt.due, zone) if local(nxt.due, zone).date() == local(now, zone).date() else day_time(nxt.due, zone)
    return WardLine(PROMPT if prompts else REST, None, f"next dose {_zoned(when, nxt.due, zone)}", tuple(flags))


def _zoned(text: str, at: datetime, zone: str) -> str:
    """``text``, a time of ``at``, with its zone's name once (``23:00 CST``): the list holds patients
    of every zone, and a bare time is read in the workstation's."""
    name = local(at, zone).tzname()
    return text if not name or text.endswith(name) else f"{text} {name}"
