"""The anakinra schedule: start, escalation re-anchoring, the stop rule (clinical-rules §5, §6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from .dose import DoseWorking, WeightHistory, calculate_dose, volume_ml
from .protocol import DoseRules, ScheduleRules
from .structure import Frozen, model
from .timeutil import hours, instant


@model(positional=True)
class DueDose(Frozen):
    due: datetime
    interval_h: int
    working: DoseWorking | None  # None: no weight recorded at or before the due time
    daily_cap_reduced: bool = False

    @property
    def mg(self):
        return None if self.working is None else self.working.mg


def current_interval_h(escalated_at: datetime | None, now: datetime, rules: ScheduleRules) -> int:
    """The interval in force at ``now``: every 6 h once escalated at or before now, else 12 h (§5)."""
    escalated = escalated_at is not None and escalated_at <= now
    return rules.escalated_interval_h if escalated else rules.interval_h


def stop_time(resolved_at: datetime | None, infusion_at: datetime, rules: ScheduleRules) -> datetime | None:
    """``max(R + 48 h, infusion + 7 days)``, in elapsed time whatever zone the times carry; no
    stop time while not resolved (rules §6)."""
    if resolved_at is None:
        return None
    return max(instant(resolved_at) + hours(rules.stop_after_resolution_h),
               instant(infusion_at) + timedelta(days=rules.stop_not_before_day))


def due_times(
    start: datetime, escalated_at: datetime | None, until: datetime, inclusive: bool,
    rules: ScheduleRules,
) -> list[tuple[datetime, int]]:
    """Due instants with their interval label, from ``start`` up to ``until`` (rules §5).

    Every 12 h from the start; after an escalation at E, with L the last dose due at or before E,
    the next dose is due at ``max(E, L + 6 h)`` and every 6 h after. Doses due before E are
    labelled 12, doses at or after E are labelled 6 (case-format). Arithmetic is on instants
    (UTC), whatever zone the times carry.
    """
    start, until = instant(start), instant(until)
    escalated_at = instant(escalated_at) if escalated_at is not None else None

    def within(t: datetime) -> bool:
        return t <= until if inclusive else t < until

    slow, fast = hours(rules.interval_h), hours(rules.escalated_interval_h)
    due: list[tuple[datetime, int]] = []
    t = start
    while within(t) and (escalated_at is None or t <= escalated_at):
        due.append((t, rules.interval_h))
        t += slow
    if escalated_at is None:
        return due
    last = due[-1][0] if due else start  # L: the last dose due at or before E
    t = max(escalated_at, last + fast)
    if due and due[-1][0] == escalated_at:
        due[-1] = (escalated_at, rules.escalated_interval_h)  # the dose at E stands, labelled 6
    while within(t):
        due.append((t, rules.escalated_interval_h))
        t += fast
    return due


def build_schedule(
    start: datetime, escalated_at: datetime | None, until: datetime, inclusive: bool,
    weights: WeightHistory, schedule_rules: ScheduleRules, dose_rules: DoseRules,
) -> list[DueDose]:
    """Each due dose with the dose from the latest weight at or before its due time.

    The rolling 24-hour maximum is checked on the way (rules §4): a dose that would take the
    doses due in the 24 hours up to and including it above the maximum is reduced to what is
    left, and flagged. With pacer-1 numbers (100 mg, every 6 h at most) it never binds.
    """
    window = hours(dose_rules.max_mg_window_h)
    doses: list[DueDose] = []
    for due, interval in due_times(start, escalated_at, until, inclusive, schedule_rules):
        weight = weights.at(due)
        working = calculate_dose(weight, dose_rules) if weight else None
        reduced = False
        if working is not None:
            given = sum((d.mg for d in doses if d.mg is not None and due - d.due < window), start=0)
            room = max(dose_rules.max_mg_per_24h - given, 0)
            if working.mg > room:
                working = _reduce(working, room, dose_rules)
                reduced = True
        doses.append(DueDose(due=due, interval_h=interval, working=working, daily_cap_reduced=reduced))
    return doses


def _reduce(working: DoseWorking, mg, rules: DoseRules) -> DoseWorking:
    return replace(working, mg=mg, capped=True, volume_ml=volume_ml(mg, rules))
