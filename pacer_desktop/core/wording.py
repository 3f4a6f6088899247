"""The one wording of what the screens and the paper both say: the dose working, an age, and every
date and time format.

The screens (``ui.presenters``) and the printed documents (``reports.content``) call these same
functions, so a dose, an age or a time cannot be written one way at the bedside and another on
the order sheet (issue 16 §4). Numbers with units go through :mod:`.notation`; nothing here is a
clinical number.

Times are shown in a zone the caller names (the case's, or the workstation's) with the month in
English letters and a 24-hour clock: ``4 Nov 11:00`` on screen, where the year is plain from the
day; ``4 Nov 2026 11:00`` on paper, which is kept for years.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from . import notation
from .dose import DoseWorking
from .protocol import DoseRules
from .result import DueDose, Result
from .schedule import windows_over
from .timeutil import completed_years, hours, instant

#: Shown for a time that is not known, on screen and paper alike.
NO_TIME = "—"
#: Printed where a field is unknown, so a blank is never mistaken for a value.
NOT_GIVEN = "not given"


# ---- dates and times --------------------------------------------------------------------

def local(at: datetime, zone: str | ZoneInfo) -> datetime:
    """``at`` on the wall clock of ``zone`` (a zone name or a ZoneInfo)."""
    return at.astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone))


def clock(at: datetime | None, zone: str | ZoneInfo) -> str:
    """``23:00``: the 24-hour time in ``zone``."""
    return NO_TIME if at is None else notation.clock(local(at, zone))


def day_time(at: datetime | None, zone: str | ZoneInfo) -> str:
    """``10 Nov 10:00``: day, month in letters and time in ``zone`` (the screens)."""
    return NO_TIME if at is None else notation.day_time(local(at, zone))


def date_time(at: datetime | None, zone: str | ZoneInfo) -> str:
    """``4 Nov 2026 11:00``: the date with its year and the time in ``zone`` (the paper)."""
    if at is None:
        return NO_TIME
    t = local(at, zone)
    return f"{full_date(t.date())} {notation.clock(t)}"


def clock_changes(zone: str | ZoneInfo, start: datetime, end: datetime) -> list[str]:
    """Each change of ``zone``'s clocks between ``start`` and ``end``, in a sentence: the hour that
    comes twice or never, so that due times an interval apart that read an hour more or less apart
    on the clock are not taken for a mistake (every interval here is in elapsed hours)."""
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    step, minute, t, stop = timedelta(hours=1), timedelta(minutes=1), instant(start), instant(end)
    sentences = []
    while t < stop:
        after = min(t + step, stop)
        if local(t, tz).utcoffset() != local(after, tz).utcoffset():
            while after - t > minute:  # the minute of the change
                mid = t + (after - t) / 2
                t, after = (mid, after) if local(mid, tz).utcoffset() == local(t, tz).utcoffset() else (t, mid)
            sentences.append(_clock_change(local(t, tz), local(after, tz), after))
        t = after
    return sentences


def _clock_change(old: datetime, new: datetime, at: datetime) -> str:
    shift = new.utcoffset() - old.utcoffset()
    on_old = (at + old.utcoffset()).replace(tzinfo=None)  # the wall clock's reading then, before and after
    on_new = (at + new.utcoffset()).replace(tzinfo=None)
    whole, part = divmod(abs(shift), timedelta(hours=1))
    by = f"{whole} hour{'s' if whole > 1 else ''}" if not part else f"{abs(shift) // timedelta(minutes=1)} minutes"
    forward = shift > timedelta(0)
    first, last = (on_old, on_new) if forward else (on_new, on_old)
    return (f"The clocks go {'forward' if forward else 'back'} {by} at {notation.clock(on_old)} {old.tzname()} on"
            f" {full_date(on_old.date())} (it becomes {notation.clock(on_new)} {new.tzname()}): the times from"
            f" {notation.clock(first)} to {notation.clock(last)} {'do not happen' if forward else 'come twice'},"
            " and due times count elapsed hours.")


def duration(span: timedelta) -> str:
    """``2 h 14 min``; ``3 d 4 h``; ``5 min``; rounded down to the minute."""
    days, rest = divmod(span, timedelta(days=1))
    h, rest = divmod(rest, timedelta(hours=1))
    m = rest // timedelta(minutes=1)
    if days:
        return f"{days} d {h} h"
    if h:
        return f"{h} h {m} min"
    return f"{m} min"


def retimed(before, time: Callable[[datetime], str]) -> str:
    """Why a line is due when it is (rules §5a rev 2): ``re-timed from the 4 Nov 11:00 dose, given
    4 h 0 min late``. ``before`` is the engine's line whose dose was given outside its window (it has
    ``due`` and ``given_at``); ``time`` writes its due time, the screen's way or the paper's."""
    off = instant(before.given_at) - instant(before.due)  # elapsed, across a daylight-saving change too
    return f"re-timed from the {time(before.due)} dose, given {duration(abs(off))} {'late' if off > timedelta(0) else 'early'}"


def escalated(result: Result, line: DueDose, time: Callable[[datetime], str]) -> str:
    """Why the first line after an escalation is due when it is (rules §5: ``max(E, L + 6 h,
    A + 6 h − window)``): ``first dose every 6 hours after the escalation at 4 Nov 12:00, due 6 hours
    after line 1``; "" for every other line. The engine marks that line (``escalated_after_line``,
    L's number); a course escalated at its first line moved nothing. A line re-timed by L's own dose,
    given late after E, gets only the first part: :func:`retimed` says the rest. Times are compared
    as instants: in the hour repeated when the clocks go back, the wall clock reads the same twice."""
    before = next((d for d in result.doses if d.line == line.escalated_after_line), None)
    course = next((c for c in result.courses if c.number == line.course), None)
    if before is None or course is None or course.escalated_at is None:
        return ""
    at, due = instant(course.escalated_at), instant(line.due)
    head = f"first dose {notation.every_hours(line.interval_h)} after the escalation at {time(course.escalated_at)}"
    if line.retimed_after_line is not None:
        return head
    if due == at:
        return f"{head}, due at the escalation"
    if due == instant(before.due) + hours(line.interval_h):
        return f"{head}, due {line.interval_h} hours after line {before.line}"
    given = [d.given_at for d in result.doses if d.given_at is not None and instant(d.given_at) <= at]
    given += [u.at for u in result.unscheduled_doses if instant(u.at) <= at]
    if not given:  # not reached: only the last dose given by E can put the line later still
        return head
    last = max(given, key=instant)
    return f"{head}, due {duration(due - instant(last))} after the dose given at {time(last)}"


def why_due(result: Result, line: DueDose, time: Callable[[datetime], str]) -> list[str]:
    """Why ``line`` is due when it is, if it moved: re-timed by a dose given outside its window
    (:func:`retimed`), the first after an escalation (:func:`escalated`), or both. The schedule on
    screen and the bedside record say the same."""
    before = next((d for d in result.doses if d.line == line.retimed_after_line), None)
    said = [retimed(before, time)] if before is not None and before.given_at is not None else []
    moved = escalated(result, line, time)
    return said + [moved] if moved else said


def full_date(day: date | None) -> str:
    """``4 Nov 2026``: month in letters, so 4/11 and 11/4 cannot be confused."""
    if day is None:
        return NOT_GIVEN
    return f"{notation.day_month(day)} {day.year}"


# ---- the patient ------------------------------------------------------------------------

def age(born: date, on: date) -> str:
    """``10 years``; below 2 years in completed months (``18 months``), as a child's age is read
    for dosing and development: "1 year" would say the same of a 12- and a 23-month-old."""
    years = completed_years(born, on)
    if years >= 2:
        return f"{years} years"
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    return "1 month" if months == 1 else f"{months} months"


# ---- the dose ---------------------------------------------------------------------------

def dose_working(dose: DoseWorking, rules: DoseRules) -> str:
    """Every step of the dose (rules §4) in words: ``2.5 mg/kg/dose × 23.4 kg = 58.5 mg, rounded to
    59 mg; 0.4 mL of 100 mg/0.67 mL``; the cap, when it applied, before the volume (``…, capped at
    the maximum of 100 mg per dose; 0.67 mL of 100 mg/0.67 mL``). "Per dose" so that it cannot be
    read as a daily dose; the rounding and the cap in words, not arrows."""
    text = (f"{notation.mg_per_kg(dose.mg_per_kg)}/dose × {notation.kg(dose.weight_kg)}"
            f" = {notation.mg(dose.calculated_mg)}")
    if dose.rounded_mg != dose.calculated_mg:
        text += f", rounded to {notation.mg(dose.rounded_mg)}"
    if dose.capped:
        text += f", capped at the maximum of {notation.mg(rules.max_mg)} per dose"
    return f"{text}; {notation.ml(dose.volume_ml)} of {notation.product_strength(rules)}"


#: A line lowered to nothing by the 24-hour maximum (rules §4 rev 2), never "0 mg".
NO_DOSE = "no dose"


def line_dose(mg, volume_ml) -> tuple[str, str]:
    """A scheduled line's dose and volume, as the schedule, the bedside record and the dialogs write
    them: ``("59 mg", "0.4 mL")``; ``("no weight", "—")`` before a weight is recorded; ``("no dose",
    "—")`` for a line lowered to nothing by the 24-hour maximum (rules §4 rev 2), never "0 mg"."""
    if mg is None:
        return "no weight", "—"
    if mg == 0:
        return NO_DOSE, "—"
    return notation.mg(mg), notation.ml(volume_ml) if volume_ml is not None else "—"


#: What a nurse does with a line the 24-hour maximum lowered to nothing (rules §4 rev 2).
GIVE_NOTHING = "give nothing on this line and tell the prescriber"


def lowered(result: Result, line: DueDose, rules: DoseRules, time: Callable[[datetime], str]) -> str:
    """Why a line was lowered (rules §4 rev 2: say which line and which window), times written by
    ``time``: ``lowered from 100 mg to no dose: the 24 hours from 4 Nov 05:00 to 5 Nov 05:00 would
    pass 400 mg with any dose``. The window ends at the line's due time, or at now for a line due
    now or overdue (judged at the earliest it can be given: ``schedule.apply_daily_maximum``)."""
    end = max(instant(line.due), instant(result.now))
    to = line_dose(line.mg, line.volume_ml)[0]
    return (f"lowered from {notation.mg(line.lowered_from_mg)} to {to}: the {rules.max_mg_window_h} hours from"
            f" {time(end - hours(rules.max_mg_window_h))} to {time(end)} would pass {notation.mg(rules.max_mg_per_24h)}"
            + (" with any dose" if line.mg == 0 else ""))


def after_lowered(line: DueDose, time: Callable[[datetime], str]) -> str:
    """What to do about a line lowered to nothing (rules §4 rev 2), times written by ``time``:
    ``100 mg fits from 5 Nov 11:40`` when its full dose fits before the next line (the engine's
    ``fits_from``), else :data:`GIVE_NOTHING`; "" for a line lowered to less (its dose is the one to give)."""
    if line.mg != 0:
        return ""
    if line.fits_from is not None:
        return f"{notation.mg(line.lowered_from_mg)} fits from {time(line.fits_from)}"
    return GIVE_NOTHING


def recorded_over(case, rules: DoseRules, time: Callable[[datetime], str]) -> str | None:
    """The first window the anakinra doses recorded as given pass the daily maximum in (rules §4
    rev 2: the screen and the printed sheets say which window is over), times written by ``time``;
    None when no window is over."""
    given = [(instant(m.at), m.dose_mg) for m in case.medications if m.drug == rules.drug and m.dose_mg is not None]
    over = windows_over(given, rules)
    if not over:
        return None
    end, total = over[0]
    return (f"Doses recorded as given pass {notation.mg(rules.max_mg_per_24h)} in the {rules.max_mg_window_h}"
            f" hours from {time(end - hours(rules.max_mg_window_h))} to {time(end)} ({notation.mg(total)}):"
            " check the record and tell the prescriber.")
