"""Every alert and notice the engine can raise has the screen's words, and every prompt its flag in
the ward task view (a code without words once raised KeyError in the patient list)."""

from __future__ import annotations

import pytest

from pacer_desktop import protocols
from pacer_desktop.ui import presenters as say

ENGINE_CODES = ("dose_capped", "weight_stale", "weight_changed", "consider_escalation", "standard_of_care",
                "recurrence_after_stop", "dose_above_maximum", "dose_above_calculated",  # alerts
                "weight_missing", "daily_maximum", "unscheduled_dose")  # notices


def test_every_code_has_words_of_its_own():
    p = protocols.load()
    for code in ENGINE_CODES:
        assert say.alert_text(code, p) != code.replace("_", " "), code


def test_every_prompt_has_a_flag_in_the_task_view():
    assert set(say.PROMPTS) <= set(say.PROMPT_FLAG)


def test_the_daily_maximum_banner_does_not_say_to_give_nothing_beside_a_line_that_says_when_its_dose_fits():
    """Seen on the dose screen: the schedule's note said "100 mg fits from 5 Nov 11:40", the banner
    above it "give nothing on a line of no dose, and tell the prescriber"."""
    words = say.alert_text("daily_maximum", protocols.load("pacer-1"))
    assert "from when its dose fits" in words
