"""The anakinra order sheet: one page the prescriber signs and the pharmacist verifies."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Paragraph, Spacer, Table, TableStyle

from ..core import notation, wording
from . import content as c
from .documents import DOCUMENTS
from .pdf import (BODY, BOLD, CELL, FONT, FOOTER_H, HEADER_H, HEADING, INK, LABEL, MARGIN, ORDER, PAGE_SIZES, RULE, SMALL,
                  WARN, WARNING, QrCode, build, grid, markup, p, patient_grid, register_fonts)

TITLE = DOCUMENTS["order"][0]
#: How many of the coming doses the sheet lists (a layout choice; the full list is on the record).
NEXT_DOSES = 4
QR_SIZE = 30 * mm


def order_sheet(job: c.PrintJob) -> bytes:
    """The order sheet's PDF. Raises :class:`NothingToPrint` when anakinra has not started."""
    r = job.result
    if r.dose is None or r.persistent_fever_at is None:
        raise c.NothingToPrint("no anakinra order to print: persistent fever is not met"
                               if r.persistent_fever_at is None else
                               "no anakinra order to print: no dosing weight is recorded")
    register_fonts()
    content_hash = c.content_sha256(job)
    order = c.order_id(job)
    page_w, page_h = PAGE_SIZES[job.paper]
    width = page_w - 2 * MARGIN
    story = _story(job, width, order, content_hash)
    # The order must never run onto a second page: shrink a very long one to fit.
    frame_h = page_h - 2 * MARGIN - HEADER_H - FOOTER_H
    return build(job, TITLE, [KeepInFrame(width, frame_h, story, mode="shrink")], content_hash)


def _story(job: c.PrintJob, width: float, order: str, content_hash: str) -> list:
    r, proto = job.result, job.protocol
    dose = r.dose
    interval = c.current_interval_h(r, proto)

    qr = [QrCode(c.qr_payload(order, content_hash, job.chain_anchor), QR_SIZE),
          p(f"Order {order}", LABEL)]
    top = Table([[patient_grid(job.patient, job, width - QR_SIZE - 8, c.age_text(job.patient, job)), qr]],
                colWidths=[width - QR_SIZE, QR_SIZE], hAlign="LEFT")
    top.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("ALIGN", (0, 0), (-1, -1), "LEFT")]))

    complete = c.course_complete(r)
    if complete:  # an ended course must not look like an active order (issue 14 §4)
        done, why = c.course_complete_sentences(job)
        order_box = Table([[Paragraph(f"<font name='{BOLD}'>{markup(done)}</font>", ORDER)], [p(why, BODY)]],
                          colWidths=[width], hAlign="LEFT")
    else:
        head = c.order_head(dose, interval, proto)
        sentence = c.order_sentence(dose, interval, proto)
        order_text = f"<font name='{BOLD}'>{markup(head)}</font>{markup(sentence[len(head):])}"
        order_box = Table([[Paragraph(order_text, ORDER)],
                           [p(f"Volume: {c.volume_sentence(dose, proto)}.", BODY)],
                           [p(f"Route: {proto.dose.route_note}. {c.daily_maximum_sentence(proto)}", BODY)]],
                          colWidths=[width], hAlign="LEFT")
    order_box.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5), ("BOX", (0, 0), (-1, -1), 1.5, INK),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                                   ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5)]))

    story = [
        top,
        Spacer(1, 4),
        p(f"Dosing weight: {notation.kg(dose.weight_kg)}, weighed {job.time(dose.weight_at)}."
          f" Calculated at {job.time(r.now)}.", BODY),
        p("Order", HEADING), order_box,
        p("Schedule", HEADING),
        *[p(t, BODY) for t in c.start_sentences(job)],
        Spacer(1, 3), *_next_doses(job, width),
        *([] if complete else [p("Escalation", HEADING), *[p(t) for t in c.escalation_sentences(job)]]),
        p("Stopping", HEADING), *[p(t) for t in c.stopping_sentences(job)],
        p("Warnings", HEADING),
        *([p(t, WARNING) for t in c.warning_sentences(job)] or [p("None.")]),
        p("Indication", HEADING),
        p(f"{proto.indication}. Trial: {proto.title} (protocol {proto.id}).", BODY),
        p("Verification", HEADING), _verification(job, width),
    ]
    return story


#: Lines still to give (rules §5a), marked as the screen marks them; given, held, refused,
#: omitted and missed lines are not among the next doses.
TO_GIVE = {"overdue": " (OVERDUE)", "due": " (DUE NOW)", "planned": ""}


def _next_doses(job: c.PrintJob, width: float) -> list:
    r = job.result
    to_give = [d for d in r.doses if d.status in TO_GIVE]
    coming = to_give[:NEXT_DOSES]
    if not coming:
        return [p("No further doses are due before the stop time.", BODY)]
    rows = [["Line", "Due", "Day", "Dose", "Volume", "Interval", "Dosing weight"]]
    for d in coming:
        mg, volume = wording.line_dose(d.mg, d.volume_ml)
        rows.append([str(d.line), job.time(d.due) + TO_GIVE[d.status], f"day {d.day}",
                     mg + (" (lowered)" if d.lowered_from_mg is not None else ""), volume,
                     notation.every_hours(d.interval_h),
                     notation.kg(d.weight_kg) if d.weight_kg is not None else "—"])
    later = to_give[NEXT_DOSES:]
    # room for "5 Nov 2026 23:00 (OVERDUE)" and "no dose (lowered)"
    table = grid(rows, [width * f for f in (0.06, 0.28, 0.08, 0.19, 0.1, 0.14, 0.15)])
    why = [p(t, SMALL) for t in c.why_due_sentences(job, coming)]  # a due time off the grid, explained
    if not later:
        return [table, *why]
    return [table, p(f"…and {len(later)} more due up to {job.time(later[-1].due)}.", SMALL), *why]


def _verification(job: c.PrintJob, width: float) -> Table:
    """The prescriber's handwritten row; the pharmacist's independent double check (issue 18) as
    recorded: who and when, or NOT VERIFIED in red with why (never, or stale after a new weight, a
    changed dose or an escalation); then every other signature of the order (an escalation's)."""
    sentence = c.verification_sentence(job)
    if job.verification is None:
        head, why = sentence.split(" — ", 1)
        verified = Paragraph(f"<font name='{BOLD}' size='12' color='{WARN.hexval()}'>{markup(head)}</font>"
                             f" — {markup(why)}: do not give from this sheet until a pharmacist has verified"
                             " the current dose.", CELL)
    else:
        verified = Paragraph(f"<font name='{BOLD}'>{markup(sentence)}</font> (signed electronically"
                             f" “{markup(job.verification.meaning)}”)", CELL)
    rows = [["", "Name (print)", "Signature", "Date", "Time"], ["Prescriber", "", "", "", ""],
            ["Pharmacist verification", verified, "", "", ""]]
    rows += [["Signed", p(c.signature_sentence(s, job), CELL), "", "", ""] for s in job.signatures]
    spans = [("SPAN", (1, i), (-1, i)) for i in range(2, len(rows))]
    return grid(rows, [width * f for f in (0.22, 0.28, 0.26, 0.13, 0.11)], row_heights=[None, 26, 26]
                + [None] * len(job.signatures), extra=[("FONT", (0, 1), (0, -1), BOLD, 8.5), *spans])
