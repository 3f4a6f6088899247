"""Helpers for the printed-document tests: jobs built from the shared examples, PDF text."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from pacer_desktop.core.caseio import parse_case
from pacer_desktop.evaluation import evaluate_case, prepare, protocol_for
from pacer_desktop.reports.content import PatientHeader, PrintJob
from tests.paths import EXAMPLES

STANDARD = EXAMPLES / "01-standard-course.case.json"
ESCALATED = EXAMPLES / "02-escalation-capped-dose.case.json"
ELIGIBILITY = EXAMPLES / "03-eligibility-creatinine.case.json"
PRINTED_AT = datetime(2026, 11, 6, 14, 5, tzinfo=UTC)

#: Unsafe ways of writing a dose (ISMP): trailing zero, naked decimal point, Latin intervals,
#: "cc" for mL, "U" for units.
UNSAFE = {
    "trailing zero": re.compile(r"\d\.\d*0\s*(mg|mL|kg)\b"),
    "no leading zero": re.compile(r"(?<![\w.])\.\d"),
    "Latin interval": re.compile(r"\bq\s*\d+\s*h\b", re.IGNORECASE),
    "cc": re.compile(r"\bcc\b", re.IGNORECASE),
    "U for units": re.compile(r" U "),
}


def unsafe_notations(text: str) -> list[str]:
    return [f"{name}: {m.group(0)!r}" for name, rx in UNSAFE.items() for m in rx.finditer(text)]


def make_job(path: Path, kind: str, paper: str = "letter", **patient) -> PrintJob:
    case = prepare(parse_case(path.read_bytes()))
    header = PatientHeader(name=patient.get("name", "Ada Example"), mrn=patient.get("mrn", "MRN0012345"),
                           date_of_birth=case.patient.date_of_birth, sex_at_birth=case.patient.sex_at_birth,
                           allergies=patient.get("allergies", ""))
    return PrintJob(kind=kind, case=case, result=evaluate_case(case), protocol=protocol_for(case),
                    patient=header, printed_at=PRINTED_AT, printed_by="AB (pharmacist)", paper=paper)


def pdf_reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All pages' text, whitespace runs folded to one space (lines wrap differently per paper)."""
    text = "\n".join(page.extract_text() for page in pdf_reader(data).pages)
    return re.sub(r"[ \t\u00a0]+", " ", text)  # a number is kept with its unit by a no-break space


def page_sizes(data: bytes) -> list[tuple[int, int]]:
    return [(round(float(page.mediabox.width)), round(float(page.mediabox.height)))
            for page in pdf_reader(data).pages]


LETTER_PT, A4_PT = (612, 792), (595, 842)

