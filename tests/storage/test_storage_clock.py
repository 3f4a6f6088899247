"""One clock (issue 16 §5): the store takes its "now" from the clock it is opened with, for the
times it stamps, the bedside check of future entries, and the age of its backups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pacer_desktop.core.errors import CaseError
from pacer_desktop.storage import Store
from tests.storage.storehelp import NURSE

LATER = datetime(2031, 9, 1, 10, 0, tzinfo=UTC)  # years after any machine running these tests


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_the_store_stamps_and_checks_with_its_own_clock(db_path):
    clock = Clock(LATER)
    with Store.open(db_path, keep_backups=0, clock=clock) as s:
        pid = s.add_patient(NURSE, mrn="M1", name="Ada", date_of_birth=date(2025, 4, 12), sex_at_birth="female",
                            developmental_delay=False, infusion_at=LATER - timedelta(hours=30),
                            timezone="UTC")
        s.add_temperature(NURSE, pid, at=LATER - timedelta(hours=1), value=Decimal("38.2"), unit="C")
        with pytest.raises(CaseError):  # later than the store's now + 5 minutes: a typing error
            s.add_temperature(NURSE, pid, at=LATER + timedelta(hours=1), value=Decimal("38.2"), unit="C")
        (entry,) = s.entries(pid, "temperature")
        assert entry.entered_at == LATER
        assert {row["at"] for row in s.audit()} == {LATER.isoformat(timespec="microseconds")}


def test_backups_are_aged_by_the_stores_clock(db_path):
    clock = Clock(LATER)
    with Store.open(db_path, keep_backups=5, clock=clock) as s:
        first = s.backup()
        assert LATER.strftime("%Y%m%dT%H%M%S") in first.name
        assert s.daily_backup() is None  # the newest copy is not a day old by this clock
        clock.now = LATER + timedelta(hours=25)
        assert s.daily_backup() is not None
