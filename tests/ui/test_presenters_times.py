"""Times on screen: the month in English letters, 24-hour clock, in the patient's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pacer_desktop.ui import presenters as say

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@pytest.mark.parametrize("month", range(1, 13))
def test_day_time_names_the_month_in_letters(month):
    at = datetime(2026, month, 4, 9, 5, tzinfo=UTC)
    assert say.day_time(at, "UTC") == f"4 {MONTHS[month - 1]} 09:05"


def test_day_time_and_clock_are_in_the_patient_s_zone():
    at = datetime(2026, 11, 1, 3, 30, tzinfo=UTC)  # 22:30 the evening before in Chicago
    assert say.day_time(at, "America/Chicago") == "31 Oct 22:30"
    assert say.clock(at, "America/Chicago") == "22:30"
    assert say.clock(None, "UTC") == say.day_time(None, "UTC") == "—"


def test_a_dose_outside_its_window_across_the_end_of_daylight_saving_needs_its_reason():
    """# rules §5a: line 3 due 1 Nov 01:00 CDT, given at 01:45 CST (the clocks went back at 02:00
    CDT) is 1 h 45 min late, outside the 60 minutes: the wall clock's 45 minutes let it through
    without a reason while the engine re-timed what followed."""
    from zoneinfo import ZoneInfo

    from pacer_desktop import protocols
    zone = ZoneInfo("America/Chicago")
    due = datetime(2026, 11, 1, 1, 0, tzinfo=zone)  # the first 01:00 (CDT)
    given = datetime(2026, 11, 1, 1, 45, fold=1, tzinfo=zone)  # the second 01:45 (CST)
    why = say.outside_window(3, due, given, protocols.load(protocols.CURRENT), "America/Chicago")
    assert why is not None and why.startswith("Given 1 h 45 min late")
