"""The printable documents, by kind, and how a print job is put together from a case.

Imports no reportlab itself: each document's module is imported when it is rendered.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

from ..core.case import Case
from ..core.engine import evaluate
from ..evaluation import prepare, protocol_for
from .content import DocumentKind, Paper, PatientHeader, PrintJob

#: kind → (title, module, function). The titles are what the print record and the CLI show.
DOCUMENTS: dict[str, tuple[str, str, str]] = {
    "order": ("Anakinra order sheet", "order_sheet", "order_sheet"),
    "mar": ("Bedside administration record", "administration_record", "administration_record"),
    "eligibility": ("Eligibility checklist", "eligibility_checklist", "eligibility_checklist"),
    "grading": ("Daily grading summary", "grading_summary", "grading_summary"),
}

#: How far ahead the downtime administration record lists doses (a property of the paper form).
RECORD_HOURS = 72


def make_job(kind: DocumentKind, case: Case, patient: PatientHeader, *, printed_by: str,
             paper: Paper = "letter", printed_at: datetime | None = None, now: datetime | None = None) -> PrintJob:
    """Evaluate ``case`` (defaults filled in as everywhere) and describe the document to print."""
    if kind not in DOCUMENTS:
        raise ValueError(f"unknown document {kind!r}; expected one of {', '.join(DOCUMENTS)}")
    case = prepare(case, now)
    protocol = protocol_for(case)
    # The downtime record needs every dose of the next 72 hours, past the usual now + 24 h.
    result = evaluate(case, protocol, horizon_h=RECORD_HOURS if kind == "mar" else None)
    return PrintJob(kind=kind, case=case, result=result, protocol=protocol, patient=patient,
                    printed_at=printed_at or datetime.now(UTC), printed_by=printed_by, paper=paper)


def render(job: PrintJob) -> bytes:
    """The document's PDF. Raises :class:`NothingToPrint` when the case has nothing for it."""
    _, module_name, function = DOCUMENTS[job.kind]
    module = importlib.import_module(f"{__package__}.{module_name}")
    return getattr(module, function)(job)
