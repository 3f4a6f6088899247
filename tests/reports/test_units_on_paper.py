"""A number and its unit are never split across two lines on paper: "21" at the end of a line and
"kg" at the start of the next can be read as 21 of something else (house standard: safe notation)."""

from __future__ import annotations

import pytest

from pacer_desktop.reports import pdf


@pytest.fixture(autouse=True)
def _fonts():
    pdf.register_fonts()


def _lines(paragraph, width: float) -> list[str]:
    paragraph.wrap(width, 10_000)
    return [" ".join(words) for _width, words in paragraph.blPara.lines]


@pytest.mark.parametrize("unit", ["kg", "mg", "mL", "mg/kg", "hours", "minutes", "°C", "%"])
def test_a_number_stays_with_its_unit_at_every_width(unit):
    text = f"Dosing weight and dose as weighed 21 {unit} at the time of the dose"
    for width in range(40, 260, 3):
        for line in _lines(pdf.p(text), width):
            assert not line.endswith("21"), f"{width} pt: {line!r} ends a line before its unit {unit!r}"


def test_the_kept_unit_still_reads_as_typed_and_markup_is_still_escaped():
    assert pdf.markup("Give 59 mg <b> & 2.5 mg/kg on 1 Dec") == "Give 59\u00a0mg &lt;b&gt; &amp; 2.5\u00a0mg/kg on 1\u00a0Dec"
    assert pdf.markup("Line 4 of 12 kept") == "Line 4 of 12 kept"  # a number with no unit after it wraps as before
