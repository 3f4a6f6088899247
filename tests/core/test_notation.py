"""Safe dose notation (standards: no trailing zero, leading zero, words, mL)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pacer_desktop import protocols
from pacer_desktop.core import notation


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
