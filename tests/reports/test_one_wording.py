"""One wording on screen and paper (issue 16 §4): the dose working and the age read the same on
the order sheet as on the dose screen and the header."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from pacer_desktop.reports import content
from tests.reports.pdfcheck import ESCALATED, STANDARD, make_job

STANDARD_WORKING = "2.5 mg/kg/dose × 23.4 kg = 58.5 mg, rounded to 59 mg; 0.4 mL of 100 mg/0.67 mL"
CAPPED_WORKING = ("2.5 mg/kg/dose × 64 kg = 160 mg, capped at the maximum of 100 mg per dose;"
                  " 0.67 mL of 100 mg/0.67 mL")


@pytest.mark.parametrize("case, working", [(STANDARD, STANDARD_WORKING), (ESCALATED, CAPPED_WORKING)],
                         ids=["rounded", "capped"])
def test_the_working_names_each_step_in_words(case, working):
    """# rules §4: mg/kg per dose × weight, the rounding and the cap in words, then the volume."""
    assert make_job(case, "order").result.dose.working == working


@pytest.mark.parametrize("case", [STANDARD, ESCALATED], ids=["rounded", "capped"])
def test_the_order_sentence_carries_the_screen_s_working(case):
    job = make_job(case, "order")
    interval = content.current_interval_h(job.result, job.protocol)
    assert f"({job.result.dose.working}" in content.order_sentence(job.result.dose, interval, job.protocol)


@pytest.mark.parametrize("born, shown", [(date(2025, 5, 6), "18 months"), (date(2026, 10, 6), "1 month"),
                                         (date(2024, 11, 7), "23 months")])
def test_a_child_under_two_is_aged_in_months_on_paper(born, shown):
    """The calculation date of example 01 is 6 Nov 2026 (America/Chicago)."""
    job = make_job(STANDARD, "order")
    patient = dataclasses.replace(job.patient, date_of_birth=born)
    assert content.age_text(patient, job) == shown


def test_from_two_years_the_paper_ages_in_years():
    job = make_job(STANDARD, "order")
    assert content.age_text(dataclasses.replace(job.patient, date_of_birth=date(2024, 11, 6)), job) == "2 years"
