"""The eligibility checklist: every criterion with its values, status and reason, and the verdict."""

from __future__ import annotations

from reportlab.platypus import Spacer

from ..core import wording
from ..core.eligibility import CRITERIA
from . import content as c
from .documents import DOCUMENTS
from .pdf import (BODY, BOLD, CELL, HEADING, MARGIN, PAGE_SIZES, SMALL, WARN, build, grid, p, patient_grid,
                  register_fonts)

TITLE = DOCUMENTS["eligibility"][0]
LABELS = {criterion_id: label for criterion_id, label, _ in CRITERIA}
STATUS = {"met": "met", "not_met": "NOT MET", "missing": "missing"}
VERDICT = {"eligible": "ELIGIBLE", "not_eligible": "NOT ELIGIBLE", "incomplete": "INCOMPLETE (data missing)"}


def eligibility_checklist(job: c.PrintJob) -> bytes:
    e = job.result.eligibility
    if e is None or job.case.eligibility is None:
        raise c.NothingToPrint("no eligibility checklist to print: the case has no eligibility data")
    register_fonts()
    content_hash = c.content_sha256(job)
    width = PAGE_SIZES[job.paper][0] - 2 * MARGIN

    rows = [["", "Criterion", "Status", "Values and reason", "Checked"]]
    for number, criterion in enumerate(e.criteria, start=1):
        rows.append([str(number), p(LABELS.get(criterion.id, criterion.id), CELL), STATUS[criterion.status],
                     p(criterion.detail, CELL), ""])
    marks = [("FONT", (2, i), (2, i), BOLD, 8.5) for i, x in enumerate(e.criteria, start=1) if x.status != "met"]
    marks += [("TEXTCOLOR", (2, i), (2, i), WARN) for i, x in enumerate(e.criteria, start=1)
              if x.status == "not_met"]
    behind = ", ".join(LABELS.get(x, x) for x in e.behind_verdict)
    story = [
        patient_grid(job.patient, job, width, c.age_text(job.patient, job)),
        Spacer(1, 4),
        p(f"Assessed on {wording.full_date(job.case.eligibility.assessed_on)} (data as entered in the case).", BODY),
        p(f"Verdict: {VERDICT[e.verdict]}", HEADING),
        p(f"Behind the verdict: {behind}." if behind else "Every criterion is met.", BODY),
        Spacer(1, 4),
        grid(rows, [width * f for f in (0.04, 0.25, 0.1, 0.49, 0.12)], extra=marks),
        p("Age", HEADING),
        p(e.age_note, SMALL),
        p("Investigator sign-off", HEADING),
        *([p(c.signature_sentence(s, job), BODY) for s in job.signatures]
          or [p("No investigator sign-off is recorded in PACER.", BODY)]),
        p("Assessed by", HEADING),
        grid([["", "Name (print)", "Signature", "Date", "Time"], ["Assessed by", "", "", "", ""],
              ["Second check", "", "", "", ""]],
             [width * f for f in (0.18, 0.3, 0.28, 0.13, 0.11)], row_heights=[None, 26, 26]),
    ]
    return build(job, TITLE, story, content_hash)
