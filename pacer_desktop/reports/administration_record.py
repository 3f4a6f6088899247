"""The bedside administration record for downtime: every line of the schedule from 24 hours back to
72 hours ahead, with what is recorded for each (clinical-rules §5a), and blank rows to fill in."""

from __future__ import annotations

from datetime import timedelta

from reportlab.platypus import KeepTogether, Spacer

from ..core import notation, wording
from ..core.timeutil import instant
from . import content as c
from .documents import DOCUMENTS, RECORD_HOURS
from .pdf import BODY, CELL, HEADING, MARGIN, PAGE_SIZES, SMALL, WARNING, build, grid, p, patient_grid, register_fonts

TITLE = DOCUMENTS["mar"][0]
#: Blank temperature lines: one every 4 hours over the record's 72 hours (a layout choice).
TEMPERATURE_LINES = RECORD_HOURS // 4
#: Lines already due that the record repeats, so paper and screen show the same recent lines.
LOOK_BACK_HOURS = 24
#: The height of a dose row with one line of text: room to write initials and a time by hand.
WRITE_IN_ROW_PT = 24


def administration_record(job: c.PrintJob) -> bytes:
    """The record's PDF. ``job.result`` should list doses at least 72 hours ahead
    (:func:`pacer_desktop.reports.documents.make_job` evaluates it so)."""
    r = job.result
    if r.persistent_fever_at is None:
        raise c.NothingToPrint("no administration record to print: anakinra has not started"
                               " (persistent fever is not met)")
    register_fonts()
    content_hash = c.content_sha256(job)
    width = PAGE_SIZES[job.paper][0] - 2 * MARGIN
    start, end = r.now, instant(r.now) + timedelta(hours=RECORD_HOURS)  # elapsed hours, across a clock change too
    since = instant(r.now) - timedelta(hours=LOOK_BACK_HOURS)
    due = [d for d in r.doses if since <= d.due < end]

    story = [patient_grid(job.patient, job, width, c.age_text(job.patient, job)), Spacer(1, 4)]
    if c.course_complete(r):  # an ended course must not look like an active order (as the order sheet)
        done, why = c.course_complete_sentences(job)
        story += [p(done, WARNING), p(why, BODY)]
    elif r.dose is not None:
        interval = c.current_interval_h(r, job.protocol)
        story += [p(f"Order: {c.order_sentence(r.dose, interval, job.protocol)}."  # the working shown
                    f" Give {c.volume_sentence(r.dose, job.protocol)}.", BODY),
                  p(f"Dosing weight {notation.kg(r.dose.weight_kg)}, weighed {job.time(r.dose.weight_at)}."
                    f" {c.daily_maximum_sentence(job.protocol)}", BODY)]
    story += [p(t, WARNING) for t in c.warning_sentences(job)]
    story += [
        p(f"Doses due {job.time(start)} to {job.time(end)} ({RECORD_HOURS} hours), with the lines of the"
                  f" {LOOK_BACK_HOURS} hours before as recorded", HEADING),
        _doses_grid(job, due, width),
        Spacer(1, 3),
        *[p(t, SMALL) for t in wording.clock_changes(job.zone, since, end)],
        *[p(t, SMALL) for t in c.why_due_sentences(job, due)],
        *[p(t, SMALL) for t in _earlier_weights(job, due)],
        *[p(t, SMALL) for t in c.stopping_sentences(job)[1:]],
        *_escalation_note(job),
        KeepTogether([  # the heading and its instruction never end a page without the table
            p("Temperatures", HEADING),
            p(f"Record every reading. A protocol fever reading is above"
              f" {notation.celsius(job.protocol.persistent_fever.reading_above_c)}.", SMALL),
            Spacer(1, 2),
            grid([["Date and time", "Temperature (°C)", "Initials", "Notes"]] + [["", "", "", ""]] * TEMPERATURE_LINES,
                 [width * f for f in (0.25, 0.18, 0.12, 0.45)], row_heights=[None] + [20] * TEMPERATURE_LINES)]),
    ]
    return build(job, TITLE, story, content_hash)


def _escalation_note(job: c.PrintJob) -> list:
    if job.result.escalated_at is not None:
        return []
    return [p("If the schedule is escalated during downtime, strike through the remaining rows and write the new"
              f" due times. {c.escalation_sentences(job)[-1]}", SMALL)]


def _doses_grid(job: c.PrintJob, due: list, width: float):
    if not due:
        return p("No doses are due in these hours (the stop time comes first).", BODY)
    rows = [["Line", "Due", "Day", "Dose", "Volume", "Recorded", "Given by", "Witness", "Notes"]]
    for d in due:  # the due time and what is recorded wrap in their cells (a reason can be long)
        rows.append([str(d.line), p(job.time(d.due), CELL), f"day {d.day}", *wording.line_dose(d.mg, d.volume_ml),
                     p(_recorded(job, d), CELL), "", "", ""])
    # rows grow with their text; a one-line row keeps room to write in by hand (WRITE_IN_ROW_PT)
    room = (WRITE_IN_ROW_PT - CELL.leading) / 2
    return grid(rows, [width * f for f in (0.05, 0.17, 0.07, 0.08, 0.08, 0.24, 0.1, 0.1, 0.11)],
                extra=[("TOPPADDING", (0, 1), (-1, -1), room), ("BOTTOMPADDING", (0, 1), (-1, -1), room)])


def _earlier_weights(job: c.PrintJob, due: list) -> list[str]:
    """For open lines listed that fell due before the latest weight: they keep the dose of the weight
    at their due time (rules §5; case-format rev 2), which the order above does not show. Said only
    where that dose differs (two weights above the cap give the same 100 mg), as on the screen."""
    r = job.result
    if r.dose is None:
        return []
    latest = f"the latest weight ({notation.kg(r.dose.weight_kg)}, weighed {job.time(r.dose.weight_at)})"
    by_weight: dict = {}
    for d in due:
        if d.status in ("missed", "overdue", "due") and d.weight_kg != r.dose.weight_kg and d.mg != r.dose.mg:
            by_weight.setdefault(d.weight_kg, []).append(str(d.line))
    sentences = []
    for kg, lines in by_weight.items():
        which = f"Line {lines[0]}" if len(lines) == 1 else f"Lines {', '.join(lines[:-1])} and {lines[-1]}"
        if kg is None:
            sentences.append(f"{which} fell due before any weight was recorded: no dose was calculated for"
                             f" {'it' if len(lines) == 1 else 'them'}.")
        else:
            sentences.append(f"{which} fell due before {latest}: {'it keeps' if len(lines) == 1 else 'they keep'}"
                             f" the dose of the weight at {'its' if len(lines) == 1 else 'their'} due time,"
                             f" {notation.kg(kg)}.")
    return sentences


def _recorded(job: c.PrintJob, d) -> str:
    """What the application holds for the line (as its schedule shows it); blank for a line to come."""
    if d.status == "given":
        by = job.recorder(d.given_at)
        return f"given {job.time(d.given_at)}" + (f", recorded by {by}" if by else "")
    if d.status in ("held", "refused", "omitted"):
        head = f"{d.status} {job.time(d.outcome_at)} by {d.outcome_by}" if d.outcome_at and d.outcome_by else d.status
        return f"{head}: {d.outcome_reason}" if d.outcome_reason else head
    if d.status in ("missed", "overdue"):
        return d.status.upper() if d.status == "overdue" else "missed"
    if d.lowered_from_mg is not None:  # rules §4 rev 2: the warnings say from what, and which window
        return "lowered: daily maximum"
    return ""
