"""The grade at an instant, and resolution (clinical-rules §6 and §7, rev 2).

"The grade at time t" counts, for CRS, only assessments that assessed CRS, and for ICANS only those
that assessed ICANS; among several at the latest instant, the highest: the order in which entries
are listed never changes a result. Resolution (R) and the stop time are judged on those grades and
on temperatures, in time order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from .protocol import Protocol
from .schedule import stop_time
from .timeutil import instant, post_infusion_day
from .validation import dump


@dataclass
class GradesAt:
    """The assessments at one instant: the highest CRS and ICANS grade among those that assessed
    each (None: not assessed at that instant) — "the grade at t" of rules §7 rev 2."""

    at: datetime
    crs: int | None
    icans: int | None


def resolution(begin: datetime, groups: list[GradesAt], febrile: list[datetime], infusion_at: datetime,
           protocol: Protocol) -> tuple[datetime | None, datetime | None]:
    """R and the stop time of a course beginning at ``begin`` (§6, §6 rev 2).

    Entries are judged in time order from the start: the CRS and ICANS grades at R must come
    from assessments at or after the start that assessed each; a later assessment above 0, or
    a temperature >= 38.0 °C (taken as CRS grade 1 at that time), undoes R; entries at or after
    the stop time never move R or the stop."""
    infusion = infusion_at
    events: dict[datetime, list] = {}
    for g in groups:
        if g.at >= begin:
            events.setdefault(g.at, [None, False])[0] = g
    for t in febrile:
        if t >= begin:
            events.setdefault(t, [None, False])[1] = True
    resolved = crs = icans = None
    for t in sorted(events):
        group, fever = events[t]
        if resolved is not None and t >= stop_time(resolved, infusion, protocol.schedule):
            break
        if group is not None and group.crs is not None:
            crs = group.crs
        if group is not None and group.icans is not None:
            icans = group.icans
        if fever:
            crs = max(crs or 0, protocol.crs.fever_only_grade)
        if fever or (group is not None and ((group.crs or 0) > 0 or (group.icans or 0) > 0)):
            resolved = None
        elif group is not None and resolved is None and crs == 0 and icans == 0:
            resolved = t
    return resolved, stop_time(resolved, infusion, protocol.schedule)


def in_time_order(assessments) -> list[tuple[int, object]]:
    """``(index, assessment)`` in time order; at one instant, by content, so that the order of
    listing never decides (§7 rev 2). Content is compared only where instants tie."""
    by_time = sorted(enumerate(assessments), key=lambda ia: instant(ia[1].at))
    out: list[tuple[int, object]] = []
    i = 0
    while i < len(by_time):
        j = i + 1
        while j < len(by_time) and instant(by_time[j][1].at) == instant(by_time[i][1].at):
            j += 1
        tie = by_time[i:j]
        out.extend(tie if len(tie) == 1 else sorted(tie, key=lambda ia: dump(ia[1])))
        i = j
    return out


def current_grades(rows: list[tuple[datetime, int | None, int | None]]) -> list[tuple[int, int]]:
    """For each ``(at, crs_grade, icans_grade)`` row, "the grade at t" (§7 rev 2): CRS from the
    latest CRS-assessed instant at or before it, ICANS likewise, the highest among assessments at
    that instant; 0 before any."""
    current, crs, icans = {}, 0, 0
    for g in groups_by_instant(rows):
        crs = crs if g.crs is None else g.crs
        icans = icans if g.icans is None else g.icans
        current[g.at] = crs, icans
    return [current[instant(at)] for at, _, _ in rows]


def groups_by_instant(rows: list[tuple[datetime, int | None, int | None]]) -> list[GradesAt]:
    """``(at, crs_grade, icans_grade)`` rows grouped by instant, with the highest grade of each
    syndrome assessed there (None: not assessed at that instant)."""
    by_instant: dict[datetime, GradesAt] = {}
    for at, crs, icans in rows:
        g = by_instant.setdefault(instant(at), GradesAt(instant(at), None, None))
        if crs is not None:
            g.crs = max(g.crs if g.crs is not None else 0, crs)
        if icans is not None:
            g.icans = max(g.icans if g.icans is not None else 0, icans)
    return [by_instant[t] for t in sorted(by_instant)]


def assessed_days(assessments, infusion_at: datetime, tz: ZoneInfo) -> tuple[set[int], set[int]]:
    """The post-infusion days (rules §1) on which CRS was assessed, and those on which ICANS was. A
    day's highest grade (``daily_max``: 0 when there is none, case-format) is a grade only on such a
    day: the research record and the study export say "not assessed" on the others, never 0."""
    crs = {post_infusion_day(a.at, infusion_at, tz) for a in assessments if a.crs is not None}
    icans = {post_infusion_day(a.at, infusion_at, tz) for a in assessments if a.icans is not None}
    return crs, icans
