"""Instants and local dates. All arithmetic is on instants (clinical-rules, notation)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


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


def iso_local(at: datetime, tz: ZoneInfo) -> str:
    """``2026-11-04T21:00:00-06:00``: the case's time zone, to the second (case-format)."""
    return at.astimezone(tz).isoformat(timespec="seconds")
