"""The daily grading summary for the research record: days 0–30, highest CRS and ICANS grade a day."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from reportlab.platypus import Spacer

from ..core import notation, wording
from ..core.grades import assessed_days
from ..core.timeutil import post_infusion_day
from . import content as c
from .documents import DOCUMENTS
from .pdf import BODY, CELL, HEADING, MARGIN, PAGE_SIZES, SMALL, build, grid, p, patient_grid, register_fonts

TITLE = DOCUMENTS["grading"][0]
#: A day's grade where nobody assessed it: never 0, which says "no CRS".
NOT_ASSESSED = "not assessed"
#: Treatments the research record lists day by day besides anakinra.
OTHER_TREATMENTS = ("tocilizumab", "siltuximab", "dexamethasone", "methylprednisolone", "hydrocortisone",
                    "prednisone")


def grading_summary(job: c.PrintJob) -> bytes:
    r, case = job.result, job.case
    if case.infusion_at is None:
        raise c.NothingToPrint("no grading summary to print: the case has no infusion time")
    register_fonts()
    content_hash = c.content_sha256(job)
    width = PAGE_SIZES[job.paper][0] - 2 * MARGIN
    zone = job.zone
    day0 = case.infusion_at.astimezone(zone).date()

    def day_of(at) -> int:
        return post_infusion_day(at, case.infusion_at, zone)

    graded = {row.day: row for row in r.daily_max}
    crs_days, icans_days = assessed_days(case.assessments, case.infusion_at, zone)
    anakinra: dict[int, list] = defaultdict(list)
    others: dict[int, list[str]] = defaultdict(list)
    for m in sorted(case.medications, key=lambda m: m.at):
        dose = f" {notation.mg(m.dose_mg)}" if m.dose_mg is not None else ""
        if m.drug == job.protocol.dose.drug:
            anakinra[day_of(m.at)].append(m)
        elif m.drug in OTHER_TREATMENTS:
            others[day_of(m.at)].append(f"{m.drug}{dose} at {wording.clock(m.at, zone)}")
    events: dict[int, list[str]] = defaultdict(list)
    marks = [("CAR T-cell infusion", case.infusion_at)]
    for co in r.courses:  # every course's, a restarted one's too
        marks += [("anakinra started" if co.number == 1 else "anakinra restarted", co.started_at),
                  ("escalated", co.escalated_at), ("CRS and ICANS resolved", co.resolved_at),
                  ("anakinra stopped" if c.stop_reached(co.stop_at, r.now) else "anakinra stop time", co.stop_at)]
    for label, at in marks:
        if at is not None:
            events[day_of(at)].append(f"{label} {wording.clock(at, zone)}")

    rows = [["Day", "Date", "CRS", "ICANS", "Anakinra given", "Tocilizumab and steroids", "Events"]]
    for day in range(job.protocol.grading_last_day + 1):
        g = graded.get(day)
        given = anakinra.get(day, [])
        total = sum((m.dose_mg for m in given if m.dose_mg is not None), start=0)
        rows.append([str(day), wording.full_date(day0 + timedelta(days=day)),
                     _grade(g and g.crs_grade, day in crs_days), _grade(g and g.icans_grade, day in icans_days),
                     _given(len(given), total) if given else "",
                     p("; ".join(others.get(day, [])), CELL), p("; ".join(events.get(day, [])), CELL)])

    story = [
        patient_grid(job.patient, job, width, c.age_text(job.patient, job)),
        Spacer(1, 4),
        *[p(line, BODY) for line in _milestones(job)],
        p(f"Days 0–{job.protocol.grading_last_day}", HEADING),
        p("Highest CRS (ASTCT) and ICANS grade of the assessments recorded each day; 0 when none was above 0;"
          f" {NOT_ASSESSED} when none of that kind was recorded that day; — for days after {job.time(r.now)}"
          " (not graded yet). Grade 5 is recorded, never computed.", SMALL),
        Spacer(1, 3),
        grid(rows, [width * f for f in (0.05, 0.13, 0.11, 0.11, 0.16, 0.22, 0.22)],
             extra=[("ALIGN", (2, 1), (3, -1), "CENTER"), ("TOPPADDING", (0, 1), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 1)]),
    ]
    return build(job, TITLE, story, content_hash)


def _grade(grade: int | None, assessed: bool) -> str:
    """A day's grade, "not assessed" on a day with no assessment of it, "—" for a day to come."""
    if grade is None:
        return "—"
    return str(grade) if assessed else NOT_ASSESSED


def _given(count: int, total_mg) -> str:
    return f"{count} {'dose' if count == 1 else 'doses'}, {notation.mg(total_mg)}"


def _milestones(job: c.PrintJob) -> list[str]:
    """The infusion, then each course: its start (or restart, by whom and why), escalation,
    resolution and stop."""
    r, case = job.result, job.case
    lines = [f"CAR T-cell infusion {job.time(case.infusion_at)}."]
    if not r.courses:
        return lines + ["Anakinra not started (persistent fever not met)."]
    for co in r.courses:
        head = "Anakinra started" if len(r.courses) == 1 else f"Course {co.number}: anakinra started"
        if co.restart_by is not None:
            head = f"Course {co.number}: restarted"
        parts = [f"{head} {job.time(co.started_at)}"
                 + (f" by {co.restart_by} ({co.restart_reason})" if co.restart_by is not None else ""),
                 f"escalated {job.time(co.escalated_at)}" if co.escalated_at else "not escalated"]
        if co.resolved_at is None:
            parts.append("not resolved yet: no stop time")
        else:
            parts.append(f"CRS and ICANS resolved {job.time(co.resolved_at)}")
            parts.append(f"stopped {job.time(co.stop_at)}" if c.stop_reached(co.stop_at, r.now) else
                         f"stop time {job.time(co.stop_at)}, unless CRS or ICANS comes back before it")
        lines.append("; ".join(parts) + ".")
    return lines
