"""The screens' wording of an age (issue 16 §4): the same rule as the paper's."""

from __future__ import annotations

from datetime import date

import pytest

from pacer_desktop.ui import presenters as say

ON = date(2026, 11, 6)


@pytest.mark.xfail(strict=True, reason="the screen writes '1 months'")
def test_one_month_is_singular():
    assert say.age_text(date(2025, 10, 6), ON) == "1 month"


@pytest.mark.parametrize("born, shown", [(date(2025, 5, 6), "18 months"), (date(2024, 11, 7), "23 months"),
                                         (date(2024, 11, 6), "2 years"), (None, "age unknown")])
def test_ages_below_two_years_are_in_months(born, shown):
    assert say.age_text(born, ON) == shown
