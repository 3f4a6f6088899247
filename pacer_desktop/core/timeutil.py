"""Instants and local dates. All arithmetic is on instants (clinical-rules, notation)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from .validation import shown

#: Names the tz database ships that are not places: ``Factory`` (a placeholder), and ``localtime``
#: and ``posixrules`` (links to whatever the machine has). A case must name its zone (case-format).
NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})

#: The first and last day a date or time in a case may lie on: the years 1900–2199 (case-format
#: rev 2). Not a clinical limit: it keeps every instant, and every instant plus the protocol's
#: intervals, within Python's calendar (year 9999 overflowed in the engine's arithmetic).
FIRST_DAY, LAST_DAY = date.fromisoformat("1900-01-01"), date.fromisoformat("2199-12-31")


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) - NOT_ZONES


@cache
def tzdata_zone_names() -> frozenset[str]:
    """The names the tzdata package lists in its ``zones`` file: a quick first look (one small
    file), which :func:`zoneinfo.available_timezones` also reads; walking every zone folder as it
    does took some 20 ms of the window's start. Empty when tzdata cannot be read."""
    try:
        import tzdata  # its files beside its modules, as for our own resources (resource_files)
        zones = Path(tzdata.__path__[0], "zones").read_text(encoding="utf-8")
        return frozenset(zones.split()) - NOT_ZONES
    except (ImportError, OSError, ValueError, AttributeError, IndexError):
        return frozenset()


def check_zone_name(name: str | None) -> str | None:
    """Why ``name`` cannot be a case's time zone, or None when it can (case-format rev 2).

    Only the names :func:`zoneinfo.available_timezones` lists, less :data:`NOT_ZONES`. Asking
    :class:`ZoneInfo` directly is not enough: ``""`` and ``"localtime"`` open the machine's zone,
    ``"America"`` is a folder (``IsADirectoryError``), a 300-character name is too long for a file.
    """
    if isinstance(name, str) and (name in tzdata_zone_names() or name in _zone_names()):
        return None
    return f"{shown(name)} is not a known time zone (e.g. America/Chicago)"


def check_year(at: date) -> str | None:
    """Why a date or time cannot be in a case (outside the years 1900–2199), or None.

    A time is judged as written and as the instant in UTC (``2199-12-31T23:00:00-06:00`` is in
    2200); the written day is checked first, so the UTC conversion cannot overflow."""
    def day(d: date) -> date:
        return d.date() if isinstance(d, datetime) else d
    inside = FIRST_DAY <= day(at) <= LAST_DAY
    if inside and isinstance(at, datetime) and at.utcoffset() is not None:
        inside = FIRST_DAY <= day(at.astimezone(UTC)) <= LAST_DAY
    if inside:
        return None
    return f"{at.isoformat()!r} is outside the years {FIRST_DAY.year}–{LAST_DAY.year}"


def local_date(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def post_infusion_day(at: datetime, infusion_at: datetime, tz: ZoneInfo) -> int:
    """Day N after infusion: local calendar dates in the case's time zone (rules §1)."""
    return (local_date(at, tz) - local_date(infusion_at, tz)).days


def completed_years(born: date, on: date) -> int:
    """Age in completed years on a date (rules §10)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def hours(n: int | float) -> timedelta:
    return timedelta(hours=n)


def instant(at: datetime) -> datetime:
    """``at`` in UTC, for arithmetic on instants (rules, notation). Python adds a timedelta to a
    datetime in a named zone (``ZoneInfo``) on its wall clock: 48 hours after noon on the day before
    a daylight-saving change is noon two days later, 47 or 49 elapsed hours. In UTC it is 48."""
    return at.astimezone(UTC)
