"""The anakinra order sheet (issue 5): right numbers, safe notation, one page, a readable QR code."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from datetime import datetime

import pytest
from PIL import Image
from reportlab.graphics.barcode.qr import QrCodeWidget

from pacer_desktop.reports import content
from pacer_desktop.reports.order_sheet import QR_SIZE, order_sheet
from pacer_desktop.reports.pdf import HEADER_H, MARGIN, PAGE_SIZES

from tests.reports.pdfcheck import (A4_PT, ESCALATED, LETTER_PT, STANDARD, make_job, page_sizes, pdf_text,
                       unsafe_notations)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_standard_course_order_is_written_out_safely():
    """Example 01 (rules §4, §5): 23.4 kg → 58.5 → 59 mg, 0.4 mL, every 12 hours from 4 Nov 11:00."""
    text = flat(pdf_text(order_sheet(make_job(STANDARD, "order"))))
    assert ("Anakinra 59 mg IV every 12 hours (2.5 mg/kg/dose × 23.4 kg = 58.5 mg, rounded to 59 mg;"
            " 0.4 mL of 100 mg/0.67 mL; maximum 100 mg per dose)") in text
    assert "0.4 mL of Kineret prefilled syringe 100 mg/0.67 mL" in text
    assert "Dosing weight: 23.4 kg, weighed 2 Nov 2026 09:00" in text
    assert "Start (persistent fever met): 4 Nov 2026 11:00" in text
    assert "5 Nov 2026 23:00 (OVERDUE) day 2 59 mg 0.4 mL every 12 hours" in text  # rules §5a: give it now
    assert "6 Nov 2026 11:00 day 3 59 mg 0.4 mL every 12 hours" in text  # the next dose after now
    assert "…and 5 more due up to 9 Nov 2026 23:00" in text
    assert "stop time 10 Nov 2026 10:00" in text and "Last dose due 9 Nov 2026 23:00" in text
    assert "All times: America/Chicago" in text
    assert "Protocol pacer-1" in text
    assert "Warnings None." in text


def test_escalated_capped_order_names_the_cap_and_the_escalation():
    """Example 02 (rules §4 cap, §5 escalation): 64 kg → 160 mg capped at 100 mg, every 6 hours."""
    text = flat(pdf_text(order_sheet(make_job(ESCALATED, "order"))))
    assert ("Anakinra 100 mg IV every 6 hours (2.5 mg/kg/dose × 64 kg = 160 mg, capped at the maximum"
            " of 100 mg per dose; 0.67 mL of 100 mg/0.67 mL)") in text
    assert "0.67 mL of Kineret prefilled syringe 100 mg/0.67 mL" in text
    assert "Dosing weight: 64 kg, weighed 9 Nov 2026 08:00" in text
    assert "Start (persistent fever met): 11 Nov 2026 00:30" in text
    assert ("Escalated to every 6 hours at 11 Nov 2026 09:00 by attending physician:"
            " CRS progression to grade 2.") in text
    assert "13 Nov 2026 09:00 (DUE NOW) day 3 100 mg 0.67 mL every 6 hours" in text
    assert "Dose capped" in text


@pytest.mark.parametrize("case", [STANDARD, ESCALATED], ids=["01", "02"])
def test_no_unsafe_notation(case, paper):
    text = pdf_text(order_sheet(make_job(case, "order", paper)))
    assert unsafe_notations(text) == []
    assert "59.0 mg" not in text and "q12h" not in text.lower()


def test_protocol_application_and_printing_are_named():
    job = make_job(STANDARD, "order")
    text = flat(pdf_text(order_sheet(job)))
    assert f"SHA-256 {job.protocol.sha256}" in text
    assert job.result.application in text
    assert "printed 6 Nov 2026 08:05 by AB (pharmacist)" in text
    assert f"content SHA-256 {content.content_sha256(job)[:16]}" in text
    assert "page 1 of 1" in text
    assert "Prescriber" in text and "Pharmacist verification" in text
    assert "Trial: PACER" in text


def test_patient_header_and_allergies():
    text = flat(pdf_text(order_sheet(make_job(STANDARD, "order", allergies="penicillin (rash)"))))
    assert "Ada Example" in text and "MRN0012345" in text
    assert "12 Apr 2016" in text and "10 years" in text and "female" in text
    assert "penicillin (rash)" in text
    blank = flat(pdf_text(order_sheet(make_job(STANDARD, "order", name="", mrn=""))))
    assert "Allergies (not recorded" in blank
    assert "MRN not given" in blank


@pytest.mark.parametrize("case", [STANDARD, ESCALATED], ids=["01", "02"])
def test_one_page_of_the_chosen_paper(case, paper):
    sizes = page_sizes(order_sheet(make_job(case, "order", paper)))
    assert sizes == [LETTER_PT if paper == "letter" else A4_PT]


def test_same_job_same_bytes():
    job = make_job(STANDARD, "order")
    assert order_sheet(job) == order_sheet(job)


def test_nothing_to_print_before_anakinra_starts():
    job = make_job(STANDARD, "order")
    not_started = dataclasses.replace(job.result, persistent_fever_at=None, dose=None, doses=())
    with pytest.raises(content.NothingToPrint, match="persistent fever is not met"):
        order_sheet(content.PrintJob(**{**job.__dict__, "result": not_started}))


def test_qr_code_on_the_page_carries_order_id_and_content_hash(tmp_path):
    """Render the page, read the QR modules off the pixels and compare with the payload's QR."""
    job = make_job(ESCALATED, "order")
    payload = content.qr_payload(content.order_id(job), content.content_sha256(job))
    assert content.order_id(job) in payload and content.content_sha256(job) in payload
    pdf = tmp_path / "order.pdf"
    pdf.write_bytes(order_sheet(job))
    dpi = 300
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(dpi), "-singlefile", str(pdf), str(tmp_path / "page")],
                   check=True)
    image = Image.open(tmp_path / "page.png").convert("L")
    scale = dpi / 72
    page_w, _ = PAGE_SIZES[job.paper]
    box = (int((page_w - MARGIN - QR_SIZE - 3) * scale), int((MARGIN + HEADER_H - 2) * scale),
           int((page_w - MARGIN + 2) * scale), int((MARGIN + HEADER_H + QR_SIZE + 2) * scale))
    region = image.crop(box).point(lambda v: 255 if v < 128 else 0)
    left, top, right, bottom = region.getbbox()  # the symbol's dark extent: finder patterns in 3 corners

    expected = QrCodeWidget(payload, barLevel="M").qr
    expected.make()
    n = expected.getModuleCount()
    module = (right - left) / n
    assert abs((bottom - top) / n - module) < 0.5
    assert abs(module - QR_SIZE * scale / (n + 8)) < 0.5  # full size: the page was not shrunk to fit
    read = [[region.getpixel((int(left + (col + 0.5) * module), int(top + (row + 0.5) * module))) > 0
             for col in range(n)] for row in range(n)]
    assert read == [[expected.isDark(row, col) for col in range(n)] for row in range(n)]


def test_a_restart_and_the_escalation_of_the_new_course_are_printed():
    """# rules §6 rev 2: the restart is printed with who and why; the escalation shown is the new course's."""
    import json

    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.reports.documents import make_job as make_print_job
    from tests.core.casebuild import assessment, case, crs, icans, temp
    c = case(now="2026-11-12T08:00:00-06:00",
             temperatures=[temp("2026-11-04T07:00:00-06:00", 38.7), temp("2026-11-04T11:00:00-06:00", 38.9),
                           temp("2026-11-11T07:00:00-06:00", 38.6)],
             assessments=[assessment("2026-11-05T13:00:00-06:00", crs(), icans())],
             restarts=[{"at": "2026-11-11T07:30:00-06:00", "by": "Dr R", "reason": "fever back after the stop"}],
             escalations=[{"at": "2026-11-11T20:00:00-06:00", "by": "Dr E", "reason": "CRS grade 2"}])
    parsed = parse_case(json.dumps(c))
    header = content.PatientHeader("Ada Example", "MRN0012345", parsed.patient.date_of_birth, parsed.patient.sex_at_birth)
    text = flat(pdf_text(order_sheet(make_print_job("order", parsed, header, printed_by="AB (nurse)"))))
    assert "Anakinra restarted at 11 Nov 2026 07:30 by Dr R: fever back after the stop" in text
    assert "Escalated to every 6 hours at 11 Nov 2026 20:00 by Dr E: CRS grade 2" in text


def test_the_restart_is_under_schedule_where_the_course_s_start_is():
    """Found in review: the Schedule section gave only the first course's start; the restart that
    began the course on the sheet was under "Escalation"."""
    from tests.core.casebuild import assessment, case, crs, icans, temp
    c = case(now="2026-11-12T08:00:00-06:00",
             temperatures=[temp("2026-11-04T07:00:00-06:00", 38.7), temp("2026-11-04T11:00:00-06:00", 38.9),
                           temp("2026-11-11T07:00:00-06:00", 38.6)],
             assessments=[assessment("2026-11-05T13:00:00-06:00", crs(), icans())],
             restarts=[{"at": "2026-11-11T07:30:00-06:00", "by": "Dr R", "reason": "fever back after the stop"}])
    text = _printed(c)
    schedule, escalation = text.index("Schedule "), text.index("Escalation ")
    restart = text.index("Anakinra restarted at 11 Nov 2026 07:30 by Dr R")
    assert schedule < text.index("Start (persistent fever met): 4 Nov 2026 11:00") < restart < escalation


def _printed(c: dict, kind: str = "order") -> str:
    import json

    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.reports.documents import make_job as make_print_job, render
    parsed = parse_case(json.dumps(c))
    header = content.PatientHeader("Ada Example", "MRN0012345", parsed.patient.date_of_birth, parsed.patient.sex_at_birth)
    return flat(pdf_text(render(make_print_job(kind, parsed, header, printed_by="AB (nurse)"))))


@pytest.mark.parametrize("kind", ["order", "mar"])
def test_paper_names_the_lowered_line_its_window_and_every_rev_2_problem(kind):
    """# rules §4 rev 2: the screen and the printed sheets say which line was lowered and which
    window is over; unscheduled doses and doses above the maximum are worded, never printed as codes."""
    from tests.core.casebuild import fever_case
    t = "2026-11-04T{}:00-06:00".format
    dose = lambda at, mg: {"at": at, "drug": "anakinra", "dose_mg": mg}  # noqa: E731
    c = fever_case(now=t("23:30"), weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 52}],
                   medications=[dose(t("11:00"), 100), dose(t("14:00"), 100), dose(t("17:00"), 100),
                                dose(t("23:00"), 120)],
                   escalations=[{"at": t("12:00"), "by": "Dr E", "reason": "progression"}])
    text = _printed(c, kind)
    assert ("Line 4, due 5 Nov 2026 05:00, is lowered from 100 mg to no dose: the 24 hours from"
            " 4 Nov 2026 05:00 to 5 Nov 2026 05:00 would pass 400 mg") in text
    assert "fits no line of the schedule" in text  # the 14:00 dose
    assert "above the maximum of 100 mg per dose" in text  # 120 mg recorded
    for code in ("daily_maximum", "unscheduled dose", "dose above maximum", "dose_above"):
        assert code not in text


def _hundreds(now: str, given: list[str], escalated: str) -> dict:
    """52 kg (100 mg), escalated at ``escalated``, 100 mg given at each of ``given`` (times "5 05:00")."""
    from tests.core.casebuild import fever_case
    t = "2026-11-0{}T{}:00-06:00".format
    return fever_case(now=t(*now.split()), weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 52}],
                      medications=[{"at": t(*at.split()), "drug": "anakinra", "dose_mg": 100} for at in given],
                      escalations=[{"at": t(*escalated.split()), "by": "Dr E", "reason": "progression"}])


def test_paper_names_the_window_up_to_now_for_a_lowered_line_that_is_due():
    """# rules §4 rev 2, read the safe way: line 4 (5 Nov 05:00) is due at 05:10 and judged at now,
    so the sheet names the 24 hours up to 05:10, and no dose fits before line 5 (README, readings
    of the rules)."""
    c = _hundreds("5 05:10", ["4 11:00", "4 14:00", "4 17:00", "4 23:00"], "4 12:00")
    assert ("Line 4, due 5 Nov 2026 05:00, is lowered from 100 mg to no dose: the 24 hours from 4 Nov 2026 05:10"
            " to 5 Nov 2026 05:10 would pass 400 mg with any dose. Give nothing on this line and tell the"
            " prescriber.") in _printed(c)


def test_paper_says_from_when_a_lowered_line_s_full_dose_fits():
    """# rules §4 rev 2: every 6 hours at 100 mg, line 1 given 40 minutes late; at 11:20 line 5's 24
    hours still hold 400 mg, and its 100 mg fits from 11:40 (when the late dose leaves them)."""
    c = _hundreds("5 11:20", ["4 11:40", "4 17:00", "4 23:00", "5 05:00"], "4 11:00")
    assert ("Line 5, due 5 Nov 2026 11:00, is lowered from 100 mg to no dose: the 24 hours from 4 Nov 2026 11:20 to"
            " 5 Nov 2026 11:20 would pass 400 mg with any dose. 100 mg fits from 5 Nov 2026 11:40.") in _printed(c)


def test_a_lowered_line_never_says_its_dose_fits_after_the_stop_or_in_the_next_line_s_window():
    """# rules §4 rev 2, found in review: "100 mg fits from 7 Nov 23:40" was printed for the last
    line before a stop at 23:30 (no dose is due after it), and "fits from 5 Nov 10:30" for line 4, 30
    minutes before line 5 is due (two 100 mg doses half an hour apart). Only a moment before the next
    line's window opens and before the stop is offered; else give nothing and tell the prescriber."""
    from tests.core.casebuild import assessment, crs, icans, fever_case
    t = "2026-11-0{}T{}:00-06:00".format
    dose = lambda at, **kw: {"at": at, "drug": "anakinra", "dose_mg": 100, **kw}  # noqa: E731
    given = [dose(t(4, "11:00"), for_line=1), dose(t(4, "23:00"), for_line=2), dose(t(5, "11:00"), for_line=3),
             dose(t(5, "23:00"), for_line=4), dose(t(6, "11:00"), for_line=5), dose(t(6, "23:40"), for_line=6),
             dose(t(7, "02:00")), dose(t(7, "05:00")), dose(t(7, "11:00"), for_line=7)]
    stop = fever_case(now=t(7, "20:00"), weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 52}],
                      medications=given, infusion_at="2026-10-28T10:00:00-05:00",
                      assessments=[assessment(t(5, "23:30"), crs(), icans())])
    assert ("Line 8, due 7 Nov 2026 23:00, is lowered from 100 mg to no dose: the 24 hours from 6 Nov 2026 23:00 to"
            " 7 Nov 2026 23:00 would pass 400 mg with any dose. Give nothing on this line and tell the"
            " prescriber.") in _printed(stop)
    early = _hundreds("5 04:00", ["4 10:30", "4 11:00", "4 17:00", "4 23:00"], "4 11:00")
    assert ("Line 4, due 5 Nov 2026 05:00, is lowered from 100 mg to no dose: the 24 hours from 4 Nov 2026 05:00 to"
            " 5 Nov 2026 05:00 would pass 400 mg with any dose. Give nothing on this line and tell the"
            " prescriber.") in _printed(early)


def test_markup_characters_in_entered_text_print_as_typed():
    """Names and allergies are text, never reportlab markup: & < > " ' print as typed."""
    name, allergies = "Ann & <b>Lee</b>", "\"nuts\" & 'eggs' <severe>"
    text = flat(pdf_text(order_sheet(make_job(STANDARD, "order", name=name, allergies=allergies))))
    assert name in text and allergies in text


@pytest.mark.parametrize("now, mark", [("2026-11-04T11:20:00-06:00", "DUE NOW"),
                                       ("2026-11-04T13:00:00-06:00", "OVERDUE")])
def test_the_dose_to_give_now_heads_the_next_doses(now, mark, tmp_path):
    """rules §5a: an open line due now (within the window) or overdue is the dose to give; the
    sheet lists it first, marked as the screen marks it, never starting 12 hours later."""
    data = json.loads(STANDARD.read_text())
    data.update(now=now, medications=[])  # the first dose (4 Nov 11:00) not given yet
    for name in ("weights", "temperatures", "assessments"):  # the case as known at now
        data[name] = [e for e in data[name] if datetime.fromisoformat(e["at"]) <= datetime.fromisoformat(now)]
    path = tmp_path / "first.case.json"
    path.write_text(json.dumps(data))
    text = flat(pdf_text(order_sheet(make_job(path, "order"))))
    assert f"4 Nov 2026 11:00 ({mark}) day 1 59 mg 0.4 mL every 12 hours" in text
    assert text.index("4 Nov 2026 11:00 (") < text.index("4 Nov 2026 23:00 day 1")


def test_a_dose_already_given_is_not_among_the_next_doses(tmp_path):
    """The first dose given at 11:10: the next doses start with the next line, nothing is due now."""
    data = json.loads(STANDARD.read_text())
    now = "2026-11-04T11:20:00-06:00"
    for name in ("weights", "temperatures", "assessments", "medications"):
        data[name] = [e for e in data[name] if datetime.fromisoformat(e["at"]) <= datetime.fromisoformat(now)]
    data["now"] = now
    path = tmp_path / "given.case.json"
    path.write_text(json.dumps(data))
    text = flat(pdf_text(order_sheet(make_job(path, "order"))))
    assert "Line Due Day Dose Volume Interval Dosing weight 2 4 Nov 2026 23:00 day 1 59 mg" in text
    assert "(DUE NOW)" not in text and "(OVERDUE)" not in text
