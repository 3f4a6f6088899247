"""The bedside administration record: what is printed in a cell stays in its cell, and a clock
change in the record's hours is said (found in review: a held line's reason ran over the Given by,
Witness and Notes boxes and off the page; "1 Nov 2026 01:30 EDT" ran into the Day column)."""

from __future__ import annotations

import json

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from pacer_desktop.reports import administration_record as mar
from pacer_desktop.reports.pdf import FONT, MARGIN, PAGE_SIZES, register_fonts
from tests.paths import EXAMPLES
from tests.reports.pdfcheck import make_job, pdf_text

PADDING = 6  # the grid's left and right padding together


def _case(tmp_path, **changes):
    data = json.loads((EXAMPLES / "01-standard-course.case.json").read_text())
    data.update(changes)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    return path


def _autumn_change_case(tmp_path):
    """Anakinra every 12 hours in New York from 30 Oct 13:30, the record printed on 31 Oct 20:00: its
    72 hours take in the night the clocks go back (02:00 on 1 Nov 2026), when 01:30 happens twice."""
    return _case(tmp_path, timezone="America/New_York", infusion_at="2026-10-29T14:30:00-04:00",
                 now="2026-10-31T20:00:00-04:00", weights=[{"at": "2026-10-27T09:00:00-04:00", "kg": 33.3}],
                 temperatures=[{"at": "2026-10-30T07:30:00-04:00", "value": 38.9, "unit": "C"},
                               {"at": "2026-10-30T13:30:00-04:00", "value": 39.0, "unit": "C"}],
                 medications=[], assessments=[])


def _overflowing_cells(job) -> list[str]:
    register_fonts()
    r = job.result
    due = [d for d in r.doses]
    table = mar._doses_grid(job, due, PAGE_SIZES["letter"][0] - 2 * MARGIN)
    found = []
    for row in table._cellvalues:
        for value, width in zip(row, table._colWidths):
            room = width - PADDING
            if isinstance(value, str) and stringWidth(value, FONT, 8.5) > room:
                found.append(value)
            elif isinstance(value, Paragraph):
                value.wrap(room, 10_000)
                if any(line[0] > room + 0.01 for line in value.blPara.lines if isinstance(line, tuple)):
                    found.append(value.text)
    return found


def test_a_long_held_reason_wraps_inside_its_cell(tmp_path):
    reason = "blood pressure 72/40 mmHg after a fluid bolus, the team asked to wait for the next review"
    path = _case(tmp_path, dose_outcomes=[{"line": 3, "outcome": "held", "at": "2026-11-05T11:05:00-06:00",
                                          "by": "NU", "reason": reason}])
    job = make_job(path, "mar")
    assert _overflowing_cells(job) == []
    assert "the team asked to wait for the next review" in " ".join(pdf_text(mar.administration_record(job)).split())


def test_a_time_in_the_repeated_hour_stays_in_its_column(tmp_path):
    # the clocks go back at 02:00 on 1 Nov 2026 in New York: 01:30 happens twice and is written with its zone
    path = _autumn_change_case(tmp_path)
    job = make_job(path, "mar")
    assert any("EDT" in job.time(d.due) for d in job.result.doses)
    assert _overflowing_cells(job) == []


def test_a_clock_change_in_the_record_s_hours_is_said(tmp_path):
    path = _autumn_change_case(tmp_path)
    text = " ".join(pdf_text(mar.administration_record(make_job(path, "mar"))).split())
    assert ("The clocks go back 1 hour at 02:00 EDT on 1 Nov 2026 (it becomes 01:00 EST): the times from"
            " 01:00 to 02:00 come twice, and due times count elapsed hours.") in text


def test_the_temperatures_heading_stays_with_its_table(tmp_path):
    """Found in review: "Temperatures" and its instruction at the foot of page 1, the table on page 2."""
    from tests.reports.pdfcheck import pdf_reader
    reason = "blood pressure low after a fluid bolus; the team asked to wait for the next review and to recheck " * 5
    path = _case(tmp_path, dose_outcomes=[{"line": 3, "outcome": "held", "at": "2026-11-05T11:05:00-06:00",
                                          "by": "NU", "reason": reason}])
    pages = [page.extract_text() for page in pdf_reader(mar.administration_record(make_job(path, "mar"))).pages]
    [with_heading] = [text for text in pages if "Temperatures" in text]
    assert "Date and time" in with_heading
