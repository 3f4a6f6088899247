"""A workstation clock set back after entries were made with it (rules §2 rev 2: the rules never
act on an entry that has not happened yet). The calculation leaves such an entry out until its time
comes; the header says so, and the ward can go on recording."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.ui.enter import temperature

ZONE = ZoneInfo("America/Chicago")
FAST = datetime(2026, 11, 4, 10, 0, tzinfo=ZONE)  # what a clock two hours fast read


def test_the_header_names_entries_ahead_of_the_clock_and_the_ward_can_still_record(qtbot, make_window, store, nurse):
    pid = store.add_patient(nurse, mrn="K-1", name="Kit Clock", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=FAST - timedelta(days=1),
                            timezone="America/Chicago")
    w = make_window(FAST)
    store.add_weight(nurse, pid, at=FAST - timedelta(days=2), kg=Decimal("23.4"))
    store.add_temperature(nurse, pid, at=FAST - timedelta(minutes=1), value=Decimal("38.2"), unit="C")
    w.open_patient(pid)
    assert w.header.ahead.isHidden()
    w.clock.now = FAST - timedelta(hours=2)  # the clock put right: 08:00
    w._tick()
    assert not w.header.ahead.isHidden()
    assert w.header.ahead.text() == (
        "⚠ 1 entry is later than this workstation's clock (the latest: temperature at 4 Nov 09:59). The"
        " calculation leaves it out until then. Check the clock; an entry made in error is marked with"
        " Entered in error… on the flowsheet.")
    assert not temperature(qtbot, w, FAST - timedelta(hours=2), "37.4")  # saved, no message
    assert [t.value for t in store.case_for(pid).temperatures] == [Decimal("37.4"), Decimal("38.2")]  # in time order
    w.clock.now = FAST + timedelta(minutes=1)  # the reading's time has come
    w._tick()
    assert w.header.ahead.isHidden()
