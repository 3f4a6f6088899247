"""Issue 14 §4: an ended course's order sheet is no active order; every printed font is embedded."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pacer_desktop.core.caseio import parse_case
from pacer_desktop.reports import content
from pacer_desktop.reports.documents import make_job as make_print_job
from pacer_desktop.reports.documents import render
from pacer_desktop.reports.order_sheet import order_sheet
from tests.reports.pdfcheck import ELIGIBILITY, ESCALATED, PRINTED_AT, STANDARD, pdf_reader, pdf_text


def flat(text: str) -> str:
    return " ".join(text.split())


def job_for(path, kind, paper="letter", now=None):
    case = parse_case(path.read_bytes())
    if now is not None:  # the case files carry their own "now"
        case = dataclasses.replace(case, now=now)
    header = content.PatientHeader("Ada Example", "MRN0012345", case.patient.date_of_birth, case.patient.sex_at_birth)
    return make_print_job(kind, case, header, printed_by="AB (pharmacist)", paper=paper, printed_at=PRINTED_AT)


def test_an_order_sheet_after_the_stop_time_says_the_course_is_complete(paper):
    """Example 01 stops 10 Nov 2026 10:00 (rules §6); printed on 11 Nov it orders nothing."""
    later = datetime(2026, 11, 11, 9, 0, tzinfo=ZoneInfo("America/Chicago"))
    job = job_for(STANDARD, "order", paper, now=later)
    assert job.result.stop_at is not None and job.result.stop_at <= later
    text = flat(pdf_text(order_sheet(job)))
    assert "Course complete — no doses due" in text
    assert "every 12 hours (2.5 mg/kg/dose" not in text  # the order sentence is not printed as an order
    assert "0.4 mL of Kineret" not in text
    assert "stop time 10 Nov 2026 10:00" in text
    assert "Escalate to every 6 hours" not in text


def test_an_order_sheet_before_the_stop_time_is_an_order():
    text = flat(pdf_text(order_sheet(job_for(STANDARD, "order"))))
    assert "Course complete" not in text
    assert "Anakinra 59 mg IV every 12 hours (2.5 mg/kg/dose" in text


def _unembedded(data: bytes) -> list[str]:
    missing = []
    for number, page in enumerate(pdf_reader(data).pages, start=1):
        fonts = page["/Resources"].get_object().get("/Font", {})
        for name, ref in fonts.items():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(f"page {number} {name} {font.get('/BaseFont')}")
    return missing


@pytest.mark.parametrize("kind, path", [("order", STANDARD), ("order", ESCALATED), ("mar", STANDARD),
                                        ("eligibility", ELIGIBILITY), ("grading", STANDARD)])
def test_every_font_of_a_printed_document_is_embedded(kind, path):
    data = render(job_for(path, kind))
    assert _unembedded(data) == []


@pytest.mark.parametrize("name", ["Maria de los Angeles Fernandez-Gutierrez de la Santisima Trinidad",
                                  "Ana " + "Long-Family-Name " * 12])
@pytest.mark.parametrize("paper_size", ["letter", "a4"])
def test_the_name_in_the_page_header_keeps_clear_of_the_title(name, paper_size):
    """Every page names the patient (issue 5); a 65-character name, realistic on a ward, fits
    beside the longest title in a smaller size; a longer one is cut with "…" (the MRN and the date
    of birth under it, and the identity box, still name the patient)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from pacer_desktop.reports.pdf import BOLD, MARGIN, PAGE_SIZES, header_name
    page_w = PAGE_SIZES[paper_size][0]
    title = "Bedside administration record"
    text, size = header_name(name, title, page_w)
    room = page_w - 2 * MARGIN - stringWidth(title, BOLD, 12)
    assert stringWidth(text, BOLD, size) < room - 10  # a gap between title and name
    assert size >= 7
    assert text == name or (text.endswith("…") and name.startswith(text[:-1]))
    if len(name) <= 70:
        assert text == name


ALLERGIES = ("Penicillin (anaphylaxis); sulfonamides (rash); latex; peanuts; tree nuts; shellfish; egg; soy;"
             " vancomycin (red man syndrome); morphine (itching); ondansetron (QT); cefazolin (hives);"
             " carboplatin (anaphylaxis); contrast media (hives); chlorhexidine (rash); adhesive tape")


@pytest.mark.parametrize("allergies", ["Penicillin (rash)", ALLERGIES])
def test_recorded_allergies_fit_inside_their_box(allergies):
    """Allergies are printed whole inside the identity box however many there are (a fixed row
    height let four lines run through the box's border and out of it)."""
    from pacer_desktop.reports.pdf import patient_grid, register_fonts
    register_fonts()
    from tests.reports.pdfcheck import STANDARD, make_job
    job = make_job(STANDARD, "order", allergies=allergies)
    width = 400
    table = patient_grid(job.patient, job, width, "10 years")
    table.wrap(width, 10_000)
    cell = table._cellvalues[1][0]  # the allergies row spans the table: label, then the list
    needed = sum(flowable.wrap(width - 6, 10_000)[1] for flowable in cell) + 4  # paddings 2 + 2
    assert table._rowHeights[1] >= needed


def _over_400_case(tmp_path, now: str):
    """52 kg, escalated at 12:00: 100 mg given at 11:00, 17:00, 20:00 (an extra dose), 23:00 and
    05:00 — 500 mg in the 24 hours to 5 Nov 05:00 (rules §4 rev 2: an extra dose after an error)."""
    from tests.core.casebuild import fever_case
    given = ["2026-11-04T11:00:00-06:00", "2026-11-04T17:00:00-06:00", "2026-11-04T20:00:00-06:00",
             "2026-11-04T23:00:00-06:00", "2026-11-05T05:00:00-06:00"]
    data = fever_case(now=now, weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 52}],
                      medications=[{"at": at, "drug": "anakinra", "dose_mg": 100} for at in given],
                      escalations=[{"at": "2026-11-04T12:00:00-06:00", "by": "Dr A", "reason": "CRS progression"}])
    path = tmp_path / "over.case.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("now, lowered", [("2026-11-05T08:00:00-06:00", True), ("2026-11-05T18:00:00-06:00", False)])
def test_paper_names_the_window_the_recorded_doses_pass_400_mg_in(tmp_path, now, lowered):
    """rules §4 rev 2: the printed sheets say which line was lowered and which window is over; the
    doses already given passing 400 mg are said whether or not a line is also lowered."""
    from tests.reports.pdfcheck import make_job
    text = flat(pdf_text(order_sheet(make_job(_over_400_case(tmp_path, now), "order"))))
    assert ("Doses recorded as given pass 400 mg in the 24 hours from 4 Nov 2026 05:00 to 5 Nov 2026 05:00"
            " (500 mg): check the record and tell the prescriber.") in text
    assert ("is lowered from 100 mg to" in text) is lowered


def test_a_lowered_line_says_so_on_its_row(tmp_path):
    """rules §4 rev 2: a line planned lower to keep 24 hours within 400 mg says so where it is
    printed, not only under Warnings: "0 mg" alone reads like an ordinary dose. A line lowered to
    nothing says "no dose", and the warning what to do (found in review: a pharmacist would not sign
    "0 mg (lowered) / 0 mL")."""
    from pacer_desktop.reports.administration_record import administration_record
    from tests.reports.pdfcheck import make_job
    path = _over_400_case(tmp_path, "2026-11-05T08:00:00-06:00")
    order = flat(pdf_text(order_sheet(make_job(path, "order"))))
    assert "5 Nov 2026 11:00 day 2 no dose (lowered) —" in order
    assert ("Line 5, due 5 Nov 2026 11:00, is lowered from 100 mg to no dose: the 24 hours from 4 Nov 2026 11:00"
            " to 5 Nov 2026 11:00 would pass 400 mg with any dose. Give nothing on this line and tell the"
            " prescriber.") in order
    record = flat(pdf_text(administration_record(make_job(path, "mar"))))
    assert "no dose — lowered: daily maximum" in record


LONG_NAME = "Anastasia-Maximiliana Wolfeschlegelsteinhausenbergerdorff-Oyelaran"


@pytest.mark.parametrize("name, mrn", [(LONG_NAME, "MRN0012345"), ("Ada Example", "MRN-0000-1234-5678-9012-3456")])
def test_a_long_name_or_mrn_is_printed_whole_words_inside_its_box(name, mrn):
    """The right patient always: the box read "Anastasia-Maximiliana W / olfeschlegelsteinhausenb /
    ergerdorff-Oyelaran". Lines break only between words or after a hyphen, and each fits the box
    (the order sheet's box, beside its QR code, is the narrowest)."""
    from xml.sax.saxutils import unescape

    from reportlab.pdfbase.pdfmetrics import stringWidth

    from pacer_desktop.reports.pdf import patient_grid, register_fonts
    register_fonts()
    from tests.reports.pdfcheck import STANDARD, make_job
    job = make_job(STANDARD, "order", name=name, mrn=mrn)
    width = 420
    table = patient_grid(job.patient, job, width, "10 years")
    table.wrap(width, 10_000)
    for column, value in ((0, name), (1, mrn)):
        box = table._colWidths[column] - 6  # paddings 3 + 3
        paragraph = table._cellvalues[0][column][1]
        lines = unescape(paragraph.text).split("<br/>")
        assert " ".join(lines).replace("- ", "-") == value
        assert all(line.endswith("-") or value.split(line, 1)[1][:1] in ("", " ") for line in lines[:-1])
        style = paragraph.style
        assert all(stringWidth(line, style.fontName, style.fontSize) <= box for line in lines)
        assert paragraph.wrap(box, 10_000)[1] <= len(lines) * style.leading + 0.01  # no further break
