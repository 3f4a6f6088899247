"""Safe dose notation shared by screens and paper.

No trailing zeros (``5 mg``, never ``5.0 mg``), always a leading zero (``0.4 mL``), units and
intervals in words (``every 12 hours``, never ``q12h``), ``mL`` never ``cc``, weight in kg only.
Dates name their month in English letters (``4 Nov``), so 4/11 and 11/4 cannot be confused.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from .protocol import DoseRules

#: Month names for dates on screen and paper. Not ``strftime("%b")``: that follows the
#: workstation's locale (Qt sets it from the environment), which would mix languages.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def plain_number(value: Decimal | int | float) -> str:
    """``Decimal('59.0')`` → ``59``; ``Decimal('0.40')`` → ``0.4``; never exponent notation."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("."):
        text = "0" + text
    elif text.startswith("-."):
        text = "-0" + text[1:]
    return "0" if text in ("-0", "") else text


def mg(value: Decimal | int | float) -> str:
    return f"{plain_number(value)} mg"


def ml(value: Decimal | int | float) -> str:
    return f"{plain_number(value)} mL"


def kg(value: Decimal | int | float) -> str:
    return f"{plain_number(value)} kg"


def mg_per_kg(value: Decimal | int | float) -> str:
    return f"{plain_number(value)} mg/kg"


def every_hours(hours: int) -> str:
    return "every hour" if hours == 1 else f"every {hours} hours"


def celsius(value: Decimal | int | float) -> str:
    return f"{plain_number(value)} °C"


def percent(fraction: Decimal | int | float) -> str:
    """``Decimal('0.10')`` → ``10 %``."""
    number = fraction if isinstance(fraction, Decimal) else Decimal(str(fraction))
    return f"{plain_number(number * 100)} %"


def fahrenheit(value: Decimal | int | float) -> str:
    """``99.0 °F``: °F always to one decimal, as thermometers show and nurses write it
    (``99 °F`` read as a rounded or a different reading; issue 14 §4)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f} °F"


def temperature(value: Decimal | int | float, unit: str) -> str:
    """A reading in its own unit: ``38.7 °C``, ``101.5 °F``, ``99.0 °F``."""
    return fahrenheit(value) if unit == "F" else celsius(value)


def product_strength(rules: DoseRules) -> str:
    """``100 mg/0.67 mL``."""
    return f"{mg(rules.product_mg)}/{ml(rules.product_ml)}"


def day_month(day: date) -> str:
    """``30 Nov``: the day and the month in letters."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def clock(at: datetime) -> str:
    """``22:00``: the 24-hour time of ``at`` as given; in the hour a clock change repeats, with
    the zone's name for which one it is (``01:30 CDT``, then ``01:30 CST``)."""
    time = f"{at.hour:02d}:{at.minute:02d}"
    repeated = at.tzinfo is not None and at.replace(fold=1 - at.fold).utcoffset() != at.utcoffset()
    return f"{time} {at.tzname()}" if repeated else time


def day_time(at: datetime) -> str:
    """``30 Nov 22:00``: the day, the month in letters and the 24-hour time of ``at`` as given
    (convert it to the ward's zone first, :mod:`.wording` does); no ISO text, no offset."""
    return f"{day_month(at)} {clock(at)}"
