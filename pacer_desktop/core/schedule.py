"""The anakinra schedule as lines: due times, what was given for each, the daily maximum, and
each line's status at "now" (clinical-rules §4, §5, §5a, §6).

A *course* runs from its first dose until its stop time (§6; a restart begins a new course). Its
lines are due every 12 hours, every 6 hours after an escalation, and a dose given outside the
administration window re-times the lines after it (§5a). Lines are numbered across the whole case.
Arithmetic is on instants (UTC), whatever zone the times carry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from .dose import DoseWorking, WeightHistory, calculate_dose, volume_ml
from .protocol import DoseRules, ScheduleRules
from .timeutil import hours, instant


@dataclass(frozen=True, slots=True)
class Administration:
    """A recorded anakinra administration; ``index`` is its place in the case's medications."""

    at: datetime
    mg: Decimal | None
    index: int
    for_line: int | None = None


@dataclass(frozen=True, slots=True)
class Closure:
    """A line closed without a dose (held, refused, omitted); ``index`` is its place in dose_outcomes."""

    outcome: str
    at: datetime
    by: str
    reason: str
    index: int


@dataclass(frozen=True, slots=True)
class CoursePlan:
    """What the lines of one course are built from."""

    number: int
    first_due: datetime
    escalated_at: datetime | None
    stop_at: datetime | None  # lines are due while due < stop
    until: datetime  # without a stop time: the last instant listed (inclusive)


@dataclass(frozen=True, slots=True)
class Line:
    """One numbered dose of the schedule: when it is due, its dose, and what became of it."""
    number: int
    course: int
    due: datetime
    interval_h: int
    working: DoseWorking | None  # None: no weight recorded at or before the due time
    given: Administration | None = None
    closure: Closure | None = None
    retimed_after_line: int | None = None  # this line moved because that line's dose was given outside the window
    escalated_after_line: int | None = None  # §5: the first line after an escalation; that line is L
    lowered_from_mg: Decimal | None = None  # §4: planned lower to keep a 24-hour window within the maximum
    fits_from: datetime | None = None  # lowered to nothing: when its full dose fits, before the next line
    status: str = "planned"

    @property
    def mg(self) -> Decimal | None:
        return None if self.working is None else self.working.mg

    @property
    def closed(self) -> bool:
        return self.given is not None or self.closure is not None


class LineProblem(ValueError):
    """An administration or outcome that names a line wrongly: ``field`` names the case field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def current_interval_h(escalated_at: datetime | None, now: datetime, rules: ScheduleRules) -> int:
    """The interval in force at ``now``: every 6 h once escalated at or before now, else 12 h (§5)."""
    escalated = escalated_at is not None and escalated_at <= now
    return rules.escalated_interval_h if escalated else rules.interval_h


def stop_time(resolved_at: datetime | None, infusion_at: datetime, rules: ScheduleRules) -> datetime | None:
    """``max(R + 48 h, infusion + 7 × 24 h)`` in elapsed time; no stop time while not resolved (§6)."""
    if resolved_at is None:
        return None
    return max(instant(resolved_at) + hours(rules.stop_after_resolution_h),
               instant(infusion_at) + timedelta(days=rules.stop_not_before_day))  # days of 24 elapsed hours: on instants


class _Matcher:
    """Pairs lines with administrations in line order, by the four steps of §5a."""

    def __init__(self, administrations: list[Administration], window: timedelta) -> None:
        self.window = window
        self.named = {}
        for a in administrations:
            if a.for_line is not None:
                if a.for_line in self.named:
                    raise LineProblem(f"medications[{a.index}].for_line",
                                      f"line {a.for_line} already has a dose recorded (correct that entry instead)")
                self.named[a.for_line] = a
        self.free = sorted((a for a in administrations if a.for_line is None), key=lambda a: a.at)
        self.taken: set[int] = set()

    def _first(self, lo: datetime, hi: datetime, *, lo_open: bool = False, hi_open: bool = False):
        for a in self.free:
            if a.index in self.taken:
                continue
            after_lo = a.at > lo if lo_open else a.at >= lo
            before_hi = a.at < hi if hi_open else a.at <= hi
            if after_lo and before_hi:
                return a
            if a.at > hi:
                return None
        return None

    def take(self, number: int, due: datetime, interval: timedelta, previous: Line | None) -> Administration | None:
        w = self.window
        found = self.named.pop(number, None)  # 1. the administration that names this line
        if found is None:  # 2. within the window
            found = self._first(due - w, due + w)
        if found is None:  # 3. late: before the window of the next line as it would be on time
            found = self._first(due + w, due + interval - w, lo_open=True, hi_open=True)
        if found is None and previous is not None and previous.closed:  # 4. early
            after = previous.given.at if previous.given is not None else previous.due
            found = self._first(after, due - w, lo_open=True, hi_open=True)
        if found is not None:
            self.taken.add(found.index)
        return found

    def left_over_named(self) -> list[Administration]:
        return list(self.named.values())


def plan_lines(courses: list[CoursePlan], administrations: list[Administration], closures: dict[int, Closure],
               weights: WeightHistory, rules: ScheduleRules, dose_rules: DoseRules | None) -> tuple[list[Line], list[Administration]]:
    """Every course's lines with their administrations, and the administrations no line took (§5, §5a).

    Raises :class:`LineProblem` when an administration or outcome names a line that does not
    exist or is already closed.
    """
    window = timedelta(minutes=rules.administration_window_min)
    slow, fast = hours(rules.interval_h), hours(rules.escalated_interval_h)
    matcher = _Matcher(administrations, window)
    recorded = sorted(administrations, key=lambda a: a.at)
    lines: list[Line] = []
    for course in courses:
        stop = instant(course.stop_at) if course.stop_at is not None else None
        until = instant(course.until)
        escalated = instant(course.escalated_at) if course.escalated_at is not None else None

        def within(t: datetime) -> bool:
            return t < stop if stop is not None else t <= until

        t = instant(course.first_due)
        anchored = escalated is not None and t >= escalated  # escalated at or before the first dose
        retimed_after = escalated_after = None
        while within(t):
            fast_now = escalated is not None and t >= escalated
            interval = fast if fast_now else slow
            number = len(lines) + 1
            previous = lines[-1] if lines else None
            closure = closures.get(number)
            given = None if closure is not None else matcher.take(number, t, interval, previous)
            if closure is not None and number in matcher.named:
                a = matcher.named.pop(number)
                raise LineProblem(f"medications[{a.index}].for_line",
                                  f"line {number} is recorded as {closure.outcome}; a line has a dose or an outcome, not both")
            weight = weights.at(t)
            lines.append(Line(number=number, course=course.number, due=t, interval_h=int(interval / hours(1)),
                              working=calculate_dose(weight, dose_rules) if weight else None, given=given,
                              closure=closure, retimed_after_line=retimed_after,
                              escalated_after_line=escalated_after))
            base, retimed_after, escalated_after = t, None, None
            if given is not None and abs(given.at - t) > window:  # §5a: re-times what follows
                base, retimed_after = given.at, number
            following = base + interval
            if escalated is not None and not anchored and following > escalated:
                # §5: this is L, the last dose due at or before E; the next is due at
                # max(E, L + 6 h, A + 6 h − window), A the last administration at or before E.
                last = [a.at for a in recorded if a.at <= escalated]
                escalated_next = max([escalated, t + fast] + ([last[-1] + fast - window] if last else []))
                # §5a: L's own dose given late after E re-times what follows, by the escalated
                # interval; the later of the two stands (never 2 hours after a dose).
                if retimed_after is not None and base > escalated and base + fast > escalated_next:
                    following, escalated_after = base + fast, number  # re-timed, and by the escalated interval
                else:
                    following, retimed_after, escalated_after = escalated_next, None, number  # moved by the escalation
                anchored = True
            t = following
    for number, closure in closures.items():
        if number > len(lines):
            raise LineProblem(f"dose_outcomes[{closure.index}].line", f"there is no line {number} in the schedule")
    for a in matcher.left_over_named():
        raise LineProblem(f"medications[{a.index}].for_line", f"there is no line {a.for_line} in the schedule")
    unscheduled = [a for a in recorded if a.for_line is None and a.index not in matcher.taken]
    return lines, unscheduled


def windows_over(given: list[tuple[datetime, Decimal]], rules: DoseRules) -> list[tuple[datetime, Decimal]]:
    """The windows ``(t − 24 h, t]`` ending at a recorded administration whose recorded amounts pass
    the maximum (§4 rev 2: an extra dose after a medication error), as (t, the amount in it)."""
    span, most = hours(rules.max_mg_window_h), rules.max_mg_per_24h
    totals = [(end, _in_window(given, end, span)) for end, _ in given]
    return sorted((end, total) for end, total in totals if total > most)


def apply_daily_maximum(lines: list[Line], administrations: list[Administration], now: datetime,
                        rules: DoseRules, stops: dict[int, datetime | None],
                        window: timedelta) -> tuple[list[Line], bool]:
    """Lower the open lines still to be given so that no window ``(t − 24 h, t]`` passes the maximum
    (§4 rev 2). Returns the lines and whether the maximum was reached (a line lowered, or the
    recorded doses alone over it). ``stops``: each course's stop time (None: none yet).

    Windows count the recorded administrations and the open lines still to be given at their due
    times, as §4 says. §4 names only lines due after now; the line due at or before now that is not
    yet missed (due or overdue, §5a) is judged too, in the window ending at now, the earliest it can
    be given: given in full into a window already at the maximum it would pass it, and a line planned
    at no dose went back to its full dose the minute it fell due (README, "Readings of the rules").
    Later lines count it at its due time: counted at now, an overdue line and the next one, due
    within the hour, were both counted and lowered lines a day ahead.

    A line lowered to nothing gets ``fits_from``: the first moment its full dose fits, as older doses
    leave its 24 hours, if that comes before the next line's window opens and before its course's
    stop time (a dose given 40 minutes late yesterday in an ordinary course); else None.
    """
    span, most = hours(rules.max_mg_window_h), rules.max_mg_per_24h
    given = [(a.at, a.mg) for a in administrations if a.mg is not None]
    over = bool(windows_over(given, rules))
    latest_due = max((i for i, line in enumerate(lines) if line.due <= now), default=-1)  # as with_status
    planned: list[tuple[datetime, Decimal]] = []
    out = []
    for i, line in enumerate(lines):
        stop = stops.get(line.course)
        stopped = stop is not None and stop <= now
        to_give = line.due > now or (i == latest_due and not stopped)
        if line.closed or not to_give or line.working is None:
            out.append(line)
            continue
        end = max(line.due, now)
        counted = given + planned
        room = max(most - _in_window(counted, end, span), Decimal(0))
        if line.working.mg > room:
            working = replace(line.working, mg=room, capped=True, volume_ml=volume_ml(room, rules))
            limits = [t for t in (lines[i + 1].due - window if i + 1 < len(lines) else None, stop) if t is not None]
            fits = _fits_from(end, line.working.mg, counted, min(limits, default=None), span, most) if room == 0 else None
            line = replace(line, working=working, lowered_from_mg=line.working.mg, fits_from=fits)
            over = True
        planned.append((line.due, line.working.mg))  # later windows count it when due, as §4 does open lines
        out.append(line)
    return out, over


def _in_window(counted: list[tuple[datetime, Decimal]], end: datetime, span: timedelta) -> Decimal:
    """The amount of ``counted`` in the window ``(end − span, end]``."""
    return sum((mg for at, mg in counted if end - span < at <= end), start=Decimal(0))


def _fits_from(start: datetime, mg: Decimal, counted: list[tuple[datetime, Decimal]], limit: datetime | None,
               span: timedelta, most: Decimal) -> datetime | None:
    """The first moment from ``start``, before ``limit``, at which ``mg`` more stays within ``most`` in
    the ``span`` up to it: ``start`` itself, or one at which a counted dose leaves that span."""
    for t in sorted({start} | {at + span for at, _ in counted if at + span > start}):
        if limit is not None and t >= limit:
            return None
        if _in_window(counted, t, span) + mg <= most:
            return t
    return None


def with_status(lines: list[Line], now: datetime, window: timedelta, stopped: dict[int, bool]) -> list[Line]:
    """Each line's status at now (§5a): given, held, refused, omitted; an open line is missed once a
    later line is due at or before now (or once its course's stop time is reached: no dose is
    caught up after a stop), overdue when due more than the window before now, due within its
    window, planned when later. So at most one line is overdue."""
    out = []
    latest_due = max((i for i, line in enumerate(lines) if line.due <= now), default=-1)
    for i, line in enumerate(lines):
        if line.given is not None:
            status = "given"
        elif line.closure is not None:
            status = line.closure.outcome
        elif i < latest_due or stopped.get(line.course, False):
            status = "missed"
        elif line.due < now - window:
            status = "overdue"
        elif line.due - window <= now:
            status = "due"
        else:
            status = "planned"
        out.append(replace(line, status=status))
    return out


def due_times(start: datetime, escalated_at: datetime | None, until: datetime, inclusive: bool,
              rules: ScheduleRules) -> list[tuple[datetime, int]]:
    """Due instants with their interval label for one course with nothing given yet (§5)."""
    course = CoursePlan(number=1, first_due=start, escalated_at=escalated_at,
                        stop_at=None if inclusive else until, until=until)
    lines, _ = plan_lines([course], [], {}, WeightHistory([]), rules, None)  # no weight: no dose needed
    return [(line.due, line.interval_h) for line in lines]
