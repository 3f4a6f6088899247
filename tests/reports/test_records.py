"""The administration record, eligibility checklist and grading summary (issue 5)."""

from __future__ import annotations

import pytest

from pacer_desktop.core.caseio import parse_case
from pacer_desktop.reports import content
from pacer_desktop.reports.documents import make_job as make_print_job
from pacer_desktop.reports.documents import render
from tests.reports.pdfcheck import (A4_PT, ELIGIBILITY, ESCALATED, LETTER_PT, PRINTED_AT, STANDARD, make_job,
                                    page_sizes, pdf_text, unsafe_notations)


def flat(text: str) -> str:
    return " ".join(text.split())


def job_for(path, kind, paper="letter"):
    """Through documents.make_job, as the command and the window print."""
    case = parse_case(path.read_bytes())
    header = content.PatientHeader("Ada Example", "MRN0012345", case.patient.date_of_birth, case.patient.sex_at_birth)
    return make_print_job(kind, case, header, printed_by="AB (nurse)", paper=paper, printed_at=PRINTED_AT)


def test_administration_record_lists_every_dose_of_the_next_72_hours():
    """Example 01: every 12 hours from 6 Nov 11:00; the 72 hours end before the stop time (rules §5, §6)."""
    text = flat(pdf_text(render(job_for(STANDARD, "mar"))))
    assert "Doses due 6 Nov 2026 08:00 to 9 Nov 2026 08:00 (72 hours)" in text
    for due in ("6 Nov 2026 11:00", "6 Nov 2026 23:00", "7 Nov 2026 11:00", "7 Nov 2026 23:00",
                "8 Nov 2026 11:00", "8 Nov 2026 23:00"):
        assert f"{due} day" in text
    assert "9 Nov 2026 11:00 day" not in text
    # six lines to come, and the two of the 24 hours before as the application holds them (§5a)
    assert text.count("59 mg 0.4 mL") == 6 + 2
    assert "5 Nov 2026 11:00 day 2 59 mg 0.4 mL missed" in text and "5 Nov 2026 23:00 day 2 59 mg 0.4 mL OVERDUE" in text
    assert "Line Due Day Dose Volume Recorded Given by Witness" in text
    assert "Temperature (°C)" in text and "above 38.5 °C" in text


def test_administration_record_after_escalation_every_6_hours():
    text = flat(pdf_text(render(job_for(ESCALATED, "mar"))))
    assert text.count("100 mg 0.67 mL") == 12 + 4  # 72 h / 6 h, and the 24 hours before as recorded
    assert "13 Nov 2026 09:00 day 3 100 mg 0.67 mL" in text and "16 Nov 2026 03:00 day 6" in text
    assert "Anakinra 100 mg IV every 6 hours" in text


def test_eligibility_checklist_lists_every_criterion_and_the_verdict():
    """Example 03 (rules §10): creatinine 1.45 mg/dL above the 1.4 maximum for a 14-year-old female."""
    job = job_for(ELIGIBILITY, "eligibility")
    text = flat(pdf_text(render(job)))
    assert "Verdict: NOT ELIGIBLE" in text
    assert "creatinine 1.45 mg/dL (maximum 1.4 mg/dL for female, 14 years)" in text
    assert "NOT MET" in text
    for criterion in job.result.eligibility.criteria:
        assert flat(criterion.detail) in text
    assert text.count(" met ") >= 12
    assert "Assessed on 20 Oct 2026" in text and "Assessed by" in text and "Second check" in text
    assert "1 to 25 completed years" in text


def test_grading_summary_days_0_to_30_with_treatments():
    """Example 02: grade 3 CRS on day 1, tocilizumab 512 mg, escalated and stopped (rules §1, §8)."""
    job = job_for(ESCALATED, "grading")
    text = flat(pdf_text(render(job)))
    assert "Days 0–30" in text
    assert "1 11 Nov 2026 3 0 2 doses, 200 mg tocilizumab 512 mg at 14:30" in text
    assert "30 10 Dec 2026 — —" in text
    assert ("Anakinra started 11 Nov 2026 00:30; escalated 11 Nov 2026 09:00; CRS and ICANS resolved 12 Nov 2026"
            " 16:00; stop time 17 Nov 2026 09:00, unless CRS or ICANS comes back before it.") in text  # now: 13 Nov
    for row in job.result.daily_max:
        assert f"{row.day} " in text


def test_grading_summary_says_not_assessed_for_a_day_without_an_assessment(tmp_path):
    """The research record's 0 says "no CRS"; a day with no assessment is not that (found in review:
    day 0 of example 02 read 0 / 0, and so did a day with only an ICANS check for CRS)."""
    import json
    job = job_for(ESCALATED, "grading")
    text = flat(pdf_text(render(job)))
    assert "0 10 Nov 2026 not assessed not assessed" in text  # example 02: the first assessment is on day 1
    assert "1 11 Nov 2026 3 0" in text
    data = json.loads(ESCALATED.read_text())
    data["assessments"][-1]["crs"] = None  # day 3 (13 Nov): ICANS only
    icans_only = tmp_path / "icans-only.json"
    icans_only.write_text(json.dumps(data))
    text = flat(pdf_text(render(job_for(icans_only, "grading"))))
    assert "3 13 Nov 2026 not assessed 0" in text


def test_administration_record_shows_the_dose_working():
    """House standard: doses with the working shown; the record named only "Anakinra 59 mg IV every
    12 hours" (found in review), so a nurse in downtime could not check it against the weight."""
    text = flat(pdf_text(render(job_for(STANDARD, "mar"))))
    assert ("Order: Anakinra 59 mg IV every 12 hours (2.5 mg/kg/dose × 23.4 kg = 58.5 mg, rounded to 59 mg;"
            " 0.4 mL of 100 mg/0.67 mL; maximum 100 mg per dose). Give 0.4 mL of Kineret prefilled syringe"
            " 100 mg/0.67 mL.") in text


def test_the_changed_weight_warning_names_both_weights_and_the_change(tmp_path):
    """Found in review: "the latest weight differs by more than 10 % from the one before it", with
    neither weight: the pharmacist has to look both up to check the dose."""
    import json
    data = json.loads(STANDARD.read_text())
    data["weights"].append({"at": "2026-11-05T09:00:00-06:00", "kg": 26})
    path = tmp_path / "heavier.json"
    path.write_text(json.dumps(data))
    text = flat(pdf_text(render(job_for(path, "order"))))
    assert ("Changed weight: the latest weight differs by more than 10 % from the one before it: 26 kg, weighed"
            " 5 Nov 2026 09:00, against 23.4 kg, weighed 2 Nov 2026 09:00 (+11.2 %). Check the weight before"
            " giving.") in text


def test_the_changed_weight_warning_never_reads_as_within_the_limit(tmp_path):
    """Found in review: 20 kg then 22.1 kg (10.5 %) printed "(+10 %)" under "differs by more than 10 %"."""
    import json
    data = json.loads(STANDARD.read_text())
    data["weights"] = [{"at": "2026-11-02T09:00:00-06:00", "kg": 20}, {"at": "2026-11-05T09:00:00-06:00", "kg": 22.1}]
    path = tmp_path / "heavier.json"
    path.write_text(json.dumps(data))
    text = flat(pdf_text(render(job_for(path, "order"))))
    assert "against 20 kg, weighed 2 Nov 2026 09:00 (+10.5 %)." in text


def _restarted_case() -> dict:
    """Course 1 from 4 Nov 11:00, resolved 5 Nov 13:00, stopped 10 Nov 10:00 (infusion + 7 days);
    restarted 11 Nov 07:30, escalated 11 Nov 20:00."""
    from tests.core.casebuild import assessment, case, crs, icans, temp
    return case(now="2026-11-12T08:00:00-06:00",
                temperatures=[temp("2026-11-04T07:00:00-06:00", 38.7), temp("2026-11-04T11:00:00-06:00", 38.9),
                              temp("2026-11-11T07:00:00-06:00", 38.6)],
                assessments=[assessment("2026-11-05T13:00:00-06:00", crs(), icans())],
                restarts=[{"at": "2026-11-11T07:30:00-06:00", "by": "Dr R", "reason": "fever back after the stop"}],
                escalations=[{"at": "2026-11-11T20:00:00-06:00", "by": "Dr E", "reason": "CRS grade 2"}])


def test_grading_summary_gives_every_course_its_milestones_and_events(tmp_path):
    """Found in review: a restarted course read "Anakinra started 4 Nov; escalated 11 Nov; not stopped
    yet", with course 1's resolution and stop, and the restart, nowhere on the research record."""
    import json
    path = tmp_path / "restarted.json"
    path.write_text(json.dumps(_restarted_case()))
    text = flat(pdf_text(render(job_for(path, "grading"))))
    assert ("Course 1: anakinra started 4 Nov 2026 11:00; not escalated; CRS and ICANS resolved 5 Nov 2026 13:00;"
            " stopped 10 Nov 2026 10:00.") in text
    assert ("Course 2: restarted 11 Nov 2026 07:30 by Dr R (fever back after the stop); escalated 11 Nov 2026 20:00;"
            " not resolved yet: no stop time.") in text
    assert "2 5 Nov 2026 0 0 CRS and ICANS resolved 13:00" in text
    assert "anakinra stopped 10:00" in text and "anakinra restarted 07:30; escalated 20:00" in text


def test_grading_summary_does_not_call_a_stop_time_to_come_stopped(tmp_path):
    """Found in review: printed the day before, "stopped 2 Dec 11:00"; a fever before then undoes it."""
    import json
    from tests.core.casebuild import assessment, case, crs, icans, temp
    c = case(now="2026-11-08T08:00:00-06:00",
             temperatures=[temp("2026-11-04T07:00:00-06:00", 38.7), temp("2026-11-04T11:00:00-06:00", 38.9)],
             assessments=[assessment("2026-11-05T13:00:00-06:00", crs(), icans())])
    path = tmp_path / "resolved.json"
    path.write_text(json.dumps(c))
    text = flat(pdf_text(render(job_for(path, "grading"))))
    assert "stopped" not in text
    assert "stop time 10 Nov 2026 10:00, unless CRS or ICANS comes back before it." in text
    assert "anakinra stop time 10:00" in text


@pytest.mark.parametrize("kind,path,pages", [("mar", STANDARD, 2), ("eligibility", ELIGIBILITY, 1),
                                             ("grading", ESCALATED, 1)])
def test_page_count_and_size(kind, path, pages, paper):
    data = render(job_for(path, kind, paper))
    assert page_sizes(data) == [LETTER_PT if paper == "letter" else A4_PT] * pages
    text = pdf_text(data)
    assert f"page {pages} of {pages}" in text
    assert unsafe_notations(text) == []


@pytest.mark.parametrize("kind", ["mar", "grading"])
@pytest.mark.parametrize("path", [STANDARD, ESCALATED], ids=["01", "02"])
def test_records_name_protocol_and_printer(kind, path):
    job = job_for(path, kind)
    text = flat(pdf_text(render(job)))
    assert f"Protocol {job.protocol.id} · SHA-256 {job.protocol.sha256}" in text
    assert "printed 6 Nov 2026 08:05 by AB (nurse)" in text
    assert "All times: America/Chicago" in text


def test_nothing_to_print():
    with pytest.raises(content.NothingToPrint, match="eligibility"):
        render(make_job(STANDARD, "eligibility"))


def test_administration_record_covers_72_elapsed_hours_across_a_clock_change():
    """Chicago's clocks go back at 02:00 on 1 Nov 2026: 72 hours from 08:00 CDT on 31 Oct end at
    07:00 CST on 3 Nov (a wall-clock 08:00 would be 73 hours and print a dose too many)."""
    import json

    from tests.core.casebuild import case, shift, temp
    start = "2026-10-30T08:30:00-05:00"  # then every 12 elapsed hours: 20:30 CDT, ..., 07:30 and 19:30 CST
    c = case(now="2026-10-31T08:00:00-05:00", infusion_at="2026-10-28T10:00:00-05:00",
             weights=[{"at": "2026-10-27T09:00:00-05:00", "kg": 23.4}],
             temperatures=[temp(shift(start, hours=-4), 38.7), temp(start, 38.9)])
    parsed = parse_case(json.dumps(c).encode())
    header = content.PatientHeader("Ada Example", "MRN0012345", parsed.patient.date_of_birth, parsed.patient.sex_at_birth)
    job = make_print_job("mar", parsed, header, printed_by="AB (nurse)", paper="letter", printed_at=PRINTED_AT)
    text = flat(pdf_text(render(job)))
    assert "Doses due 31 Oct 2026 08:00 to 3 Nov 2026 07:00 (72 hours)" in text
    assert "2 Nov 2026 19:30 day" in text and "3 Nov 2026 07:30 day" not in text  # 07:30 CST is 72.5 h on
    assert text.count("59 mg 0.4 mL") == 6 + 2  # and the two lines of the 24 hours before


def test_administration_record_says_which_lines_keep_an_earlier_weight_s_dose():
    """rules §5 and case-format rev 2: each line uses the weight at or before its due time. Example
    01 weighed again at 30 kg just before now: the order on the record says 75 mg, while the missed
    and the overdue line, due before that weight, say 59 mg. On the screen the header and Record
    dose say why; the downtime record said nothing."""
    import json
    c = json.loads(STANDARD.read_text())
    c["weights"].append({"at": "2026-11-06T07:00:00-06:00", "kg": 30})
    text = _mar_text(c)
    assert "Order: Anakinra 75 mg IV every 12 hours" in text
    assert "5 Nov 2026 23:00 day 2 59 mg 0.4 mL OVERDUE" in text and "6 Nov 2026 11:00 day 3 75 mg" in text
    assert ("Lines 3 and 4 fell due before the latest weight (30 kg, weighed 6 Nov 2026 07:00): they keep the"
            " dose of the weight at their due time, 23.4 kg.") in text


def test_administration_record_says_nothing_of_an_earlier_weight_with_the_same_dose():
    """Both weights above the cap (45 and 50 kg: 100 mg): the lines' dose is the order's; nothing to explain."""
    import json
    c = json.loads(STANDARD.read_text())
    c["weights"] = [{"at": "2026-11-01T09:00:00-05:00", "kg": 45}, {"at": "2026-11-06T07:00:00-06:00", "kg": 50}]
    text = _mar_text(c)
    assert "5 Nov 2026 23:00 day 2 100 mg 0.67 mL OVERDUE" in text
    assert "fell due before" not in text


def test_administration_record_says_why_a_line_moved_after_a_dose_outside_its_window():
    """rules §5a rev 2: line 3 of example 01 (due 5 Nov 11:00) given at 15:00, four hours late, moves
    line 4 to 6 Nov 03:00. The screen's schedule says why; on paper a nurse saw a due time that is
    not on the 12-hour grid and no reason for it."""
    import json
    c = json.loads(STANDARD.read_text())
    c["medications"].append({"at": "2026-11-05T15:00:00-06:00", "drug": "anakinra", "dose_mg": 59, "for_line": 3})
    text = _mar_text(c)
    assert "6 Nov 2026 03:00 day 3" in text
    assert ("Line 4: re-timed from the 5 Nov 2026 11:00 dose, given 4 h 0 min late; the lines after it follow"
            " from it.") in text


def test_the_order_sheet_says_why_a_line_moved_after_a_dose_outside_its_window(tmp_path):
    """Found in review: the bedside record says why a line is due off the 12-hour grid; the order
    sheet listed the same time with no word (rules §5a rev 2)."""
    import json
    c = json.loads(STANDARD.read_text())
    c["medications"].append({"at": "2026-11-05T15:00:00-06:00", "drug": "anakinra", "dose_mg": 59, "for_line": 3})
    path = tmp_path / "late.json"
    path.write_text(json.dumps(c))
    text = flat(pdf_text(render(job_for(path, "order"))))
    assert "6 Nov 2026 03:00" in text
    assert ("Line 4: re-timed from the 5 Nov 2026 11:00 dose, given 4 h 0 min late; the lines after it follow"
            " from it.") in text


def test_administration_record_says_why_the_first_line_after_an_escalation_is_due_then():
    """rules §5: example 01 escalated at 5 Nov 12:00; line 3 was due 11:00, so line 4 is due 17:00,
    not 23:00. The record has no interval column: without the note a nurse saw 17:00 after 11:00."""
    import json
    c = json.loads(STANDARD.read_text())
    c["escalations"] = [{"at": "2026-11-05T12:00:00-06:00", "by": "Dr A", "reason": "CRS progression"}]
    text = _mar_text(c)
    assert "5 Nov 2026 17:00 day 2" in text
    assert ("Line 4: first dose every 6 hours after the escalation at 5 Nov 2026 12:00, due 6 hours after"
            " line 3; the lines after it follow from it.") in text


def test_administration_record_after_the_stop_time_is_not_an_order():
    """Example 02 printed on 21 Nov, after its stop time (17 Nov 09:00, rules §6): the record began
    'Order: Anakinra 100 mg IV every 6 hours', as the order sheet did before issue 14 §4."""
    import dataclasses
    from datetime import datetime
    from zoneinfo import ZoneInfo
    case = parse_case(ESCALATED.read_bytes())
    case = dataclasses.replace(case, now=datetime(2026, 11, 21, 9, 0, tzinfo=ZoneInfo("America/Chicago")))
    header = content.PatientHeader("Ada Example", "MRN0012345", case.patient.date_of_birth, case.patient.sex_at_birth)
    text = flat(pdf_text(render(make_print_job("mar", case, header, printed_by="AB (nurse)", paper="letter",
                                               printed_at=PRINTED_AT))))
    assert "Order: Anakinra" not in text
    assert "Course complete — no doses due." in text and "this is not an order to give anakinra" in text
    assert "No doses are due in these hours" in text


def test_administration_record_says_in_one_sentence_why_a_line_re_timed_after_an_escalation_is_due_then():
    """rules §5a rev 2: example 01's line 3 (5 Nov 11:00) given at 14:00, after an escalation at 12:00:
    line 4 is due 6 hours after that dose, at 20:00. Both reasons, in one sentence for the line."""
    import json
    c = json.loads(STANDARD.read_text())
    c["medications"].append({"at": "2026-11-05T14:00:00-06:00", "drug": "anakinra", "dose_mg": 59, "for_line": 3})
    c["escalations"] = [{"at": "2026-11-05T12:00:00-06:00", "by": "Dr A", "reason": "CRS progression"}]
    text = _mar_text(c)
    assert "5 Nov 2026 20:00 day 2" in text
    assert ("Line 4: re-timed from the 5 Nov 2026 11:00 dose, given 3 h 0 min late; first dose every 6 hours"
            " after the escalation at 5 Nov 2026 12:00; the lines after it follow from it.") in text
    assert text.count("Line 4:") == 1


def _mar_text(c: dict) -> str:
    """The bedside administration record of case ``c`` (a case file's dict), as flat text."""
    import json
    parsed = parse_case(json.dumps(c).encode())
    header = content.PatientHeader("Ada Example", "MRN0012345", parsed.patient.date_of_birth, parsed.patient.sex_at_birth)
    return flat(pdf_text(render(make_print_job("mar", parsed, header, printed_by="AB (nurse)", paper="letter",
                                               printed_at=PRINTED_AT))))
