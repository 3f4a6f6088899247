"""The grade at an instant, and resolution (clinical-rules §6 and §7, rev 2).

"The grade at time t" counts, for CRS, only assessments that assessed CRS, and for ICANS only those
that assessed ICANS; among several at the latest instant, the highest: the order in which entries
are listed never changes a result. Resolution (R) and the stop time are judged on those grades and
on temperatures, in time order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from .protocol import Protocol
from .result import AssessmentResult
from .schedule import stop_time
from .structure import to_json
from .timeutil import instant


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


def assessment_order(a) -> tuple:
    """Time order; at one instant, by content, so the order of listing never decides (§7 rev 2)."""
    return instant(a.at), to_json(a)


def with_current_grades(rows: list[AssessmentResult]) -> list[AssessmentResult]:
    """Each row with "the grade at t" (§7 rev 2): CRS from the latest CRS-assessed instant at or
    before it, ICANS likewise, the highest among assessments at that instant; 0 before any."""
    current, crs, icans = {}, 0, 0
    for g in groups_by_instant(rows):
        crs = crs if g.crs is None else g.crs
        icans = icans if g.icans is None else g.icans
        current[g.at] = crs, icans
    return [replace(r, current_crs_grade=current[instant(r.at)][0], current_icans_grade=current[instant(r.at)][1])
            for r in rows]


def groups_by_instant(rows: list[AssessmentResult]) -> list[GradesAt]:
    """Assessments grouped by instant, with the highest grade of each syndrome assessed there."""
    by_instant: dict[datetime, GradesAt] = {}
    for r in rows:
        g = by_instant.setdefault(instant(r.at), GradesAt(instant(r.at), None, None))
        if r.crs_grade is not None:
            g.crs = max(g.crs if g.crs is not None else 0, r.crs_grade)
        if r.icans_grade is not None:
            g.icans = max(g.icans if g.icans is not None else 0, r.icans_grade)
    return [by_instant[t] for t in sorted(by_instant)]
