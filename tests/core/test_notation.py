"""Safe dose notation (standards: no trailing zero, leading zero, words, mL), and the wording of
dates and times built on it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pacer_desktop import protocols
from pacer_desktop.core import notation, wording


@pytest.mark.parametrize("value, text", [
    (Decimal("5.0"), "5"), (Decimal("0.40"), "0.4"), (Decimal("100"), "100"), (Decimal("1E+2"), "100"),
    (Decimal(".4"), "0.4"), (Decimal("58.50"), "58.5"), (59, "59"), (0.67, "0.67"), (Decimal("0"), "0"),
    (Decimal("-0.5"), "-0.5"), (Decimal("160.00"), "160"),
])
def test_plain_numbers(value, text):
    assert notation.plain_number(value) == text


def test_units_and_words():
    assert notation.mg(Decimal("59.0")) == "59 mg"
    assert notation.ml(Decimal("0.40")) == "0.4 mL"
    assert notation.kg(Decimal("23.40")) == "23.4 kg"
    assert notation.every_hours(12) == "every 12 hours"
    assert notation.product_strength(protocols.load().dose) == "100 mg/0.67 mL"


def test_dates_and_times_name_the_month_in_letters():
    at = datetime(2026, 3, 4, 7, 5, tzinfo=UTC)
    assert notation.day_month(at.date()) == "4 Mar"
    assert notation.clock(at) == "07:05"
    assert notation.day_time(at) == "4 Mar 07:05"


def test_temperatures_in_their_own_unit():
    assert notation.temperature(Decimal("38.70"), "C") == "38.7 °C"
    assert notation.temperature(Decimal("99"), "F") == "99.0 °F"


def test_wording_of_times_in_a_zone():
    """The screens' ``4 Nov 11:00`` and the paper's ``4 Nov 2026 11:00`` in the case's zone."""
    at = datetime(2026, 11, 1, 3, 30, tzinfo=UTC)  # 22:30 the evening before in Chicago
    assert wording.day_time(at, "America/Chicago") == "31 Oct 22:30"
    assert wording.date_time(at, ZoneInfo("America/Chicago")) == "31 Oct 2026 22:30"
    assert wording.clock(at, "America/Chicago") == "22:30"
    assert wording.full_date(date(2026, 11, 4)) == "4 Nov 2026"
    assert wording.day_time(None, "UTC") == wording.date_time(None, "UTC") == wording.clock(None, "UTC") == "—"
    assert wording.full_date(None) == "not given"


def test_the_repeated_hour_of_a_clock_change_names_which_one():
    """On 1 Nov 2026 Chicago's clocks go back at 02:00: 01:30 happens twice. A time in that hour
    says which (CDT, then CST) on screen and paper; every other time is written as before."""
    first = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)   # 01:30 CDT
    second = datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 01:30 CST, an hour later
    zone = "America/Chicago"
    assert wording.date_time(first, zone) == "1 Nov 2026 01:30 CDT"
    assert wording.date_time(second, zone) == "1 Nov 2026 01:30 CST"
    assert wording.day_time(second, zone) == "1 Nov 01:30 CST"
    assert wording.clock(datetime(2026, 11, 1, 8, 30, tzinfo=UTC), zone) == "02:30"  # once only
    assert wording.clock(datetime(2026, 3, 8, 8, 30, tzinfo=UTC), zone) == "03:30"  # spring: skipped hour gone
