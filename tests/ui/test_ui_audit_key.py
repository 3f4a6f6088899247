"""Issue 17, point 8: a database whose audit key is not on this workstation opens, and the status
bar says plainly that edits cannot be checked here until an administrator imports the key."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


NOW = datetime(2026, 11, 4, 12, 0, tzinfo=ZoneInfo("America/Chicago"))


def test_the_status_bar_says_when_edits_cannot_be_checked_here(qtbot, make_window, store, nurse, tmp_path,
                                                                 monkeypatch):
    store.add_patient(nurse, mrn="K-1", name="Kim Key", date_of_birth=date(2016, 4, 12), sex_at_birth="female",
                      developmental_delay=False, infusion_at=NOW - timedelta(days=3), timezone="America/Chicago")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "another-workstation"))  # the key is not here
    w = make_window(NOW)
    w.back_up_daily()
    qtbot.waitUntil(lambda: "cannot be checked here" in w.backup_label.text())
    assert "key import" in w.backup_label.toolTip()


def test_the_status_bar_says_nothing_when_the_key_is_here(qtbot, make_window, store, nurse):
    store.add_patient(nurse, mrn="K-2", name="Kim Here", date_of_birth=date(2016, 4, 12), sex_at_birth="female",
                      developmental_delay=False, infusion_at=NOW - timedelta(days=3), timezone="America/Chicago")
    w = make_window(NOW)
    w.back_up_daily()
    qtbot.waitUntil(lambda: w.statusBar().currentMessage().startswith("✓ Today's backup"))
    assert w.backup_label.text() == ""
