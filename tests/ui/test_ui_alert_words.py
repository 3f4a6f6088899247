"""Every alert and notice the engine can raise has the screen's words, and every prompt its flag in
the ward task view (a code without words once raised KeyError in the patient list)."""

from __future__ import annotations

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
