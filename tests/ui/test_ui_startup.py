"""Start-up builds only what it shows: the screen in front, not the dose and eligibility screens,
which are built on first show and then follow every change like the others."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.ui.uihelp import TEST_NOW


ZONE = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=ZONE)


def _patient(store, nurse) -> int:
    pid = store.add_patient(nurse, mrn="S-1", name="Sam Start", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False,
                            infusion_at=NOW - timedelta(days=3), timezone="America/Chicago")
    store.add_weight(nurse, pid, at=NOW - timedelta(days=3, hours=1), kg=Decimal("23.4"))
    return pid


def test_the_window_opens_on_the_first_screen_and_builds_the_others_when_shown(qtbot, make_window, store, nurse):
    from pacer_desktop.ui.dose import DoseScreen
    from pacer_desktop.ui.eligibility import EligibilityScreen
    pid = _patient(store, nurse)
    w = make_window(NOW)
    w.open_patient(pid)
    assert "Sam Start" in w.header.title.text()
    assert w.stack.currentWidget() is w.grading
    assert not w.findChildren(DoseScreen) and not w.findChildren(EligibilityScreen)

    w.show_screen(1)
    assert w.stack.currentIndex() == 1 and w.stack.currentWidget() is w.dose
    assert isinstance(w.dose, DoseScreen) and w.dose.isVisible()
    assert w.dose.dose_label.text() == "Anakinra not started: persistent fever not met"
    assert not w.findChildren(EligibilityScreen)

    w.show_screen(2)
    assert w.stack.currentWidget() is w.eligibility and w.eligibility.isVisible()
    assert w.stack.count() == 3 and w.stack.widget(1) is w.dose and w.stack.widget(2) is w.eligibility
    w.show_screen(0)
    assert w.stack.currentWidget() is w.grading


def test_a_screen_built_late_shows_the_current_patient_and_follows_changes(qtbot, make_window, store, nurse):
    pid = _patient(store, nurse)
    w = make_window(NOW)
    w.open_patient(pid)
    w.open_patient(None)
    w.open_patient(pid)
    w.show_screen(1)
    assert w.dose.dose_label.text() == "Anakinra not started: persistent fever not met"
    assert "hours apart" in w.dose.working.text()
    before = w.dose.stop.text()
    w.open_patient(None)
    assert w.dose.dose_label.text() == "No patient selected"
    w.open_patient(pid)
    assert w.dose.stop.text() == before


def test_the_last_patient_is_remembered_and_reopening_it_writes_no_settings(qtbot, make_window, store, nurse,
                                                                            tmp_path):
    first = _patient(store, nurse)
    second = store.add_patient(nurse, mrn="S-2", name="Sue Second", date_of_birth=date(2015, 1, 2),
                               sex_at_birth="female", developmental_delay=False,
                               infusion_at=NOW - timedelta(days=1), timezone="America/Chicago")
    w = make_window(NOW)
    for pid in (first, second, first):
        w.open_patient(pid)
    w.close()
    ini = tmp_path / "settings" / "pacer-desktop.ini"
    written = ini.stat().st_mtime_ns
    again = make_window(NOW)
    assert again.state.patient_id == first and "Sam Start" in again.header.title.text()
    assert ini.stat().st_mtime_ns == written
    again.open_patient(second)
    assert ini.stat().st_mtime_ns != written
    assert make_window(NOW).state.patient_id == second


def test_exit_after_shown_reports_the_patient_on_screen(qtbot, store, nurse, monkeypatch, capsys):
    """PACER_EXIT_AFTER_SHOWN (the bundle benchmark) quits once shown, printing what the header showed."""
    from pacer_desktop.ui.app import run
    from pacer_desktop.ui.main_window import settings
    pid = _patient(store, nurse)
    s = settings()
    s.setValue(f"last_patient/{store.path}", pid)
    s.sync()
    monkeypatch.setenv("PACER_EXIT_AFTER_SHOWN", "1")
    assert run(store.path) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("shown: Sam Start   ·   MRN S-1 | ") and "Anakinra" in shown


def test_closing_the_window_twice_stops_the_idle_watcher_once(qtbot, make_window):
    import warnings
    w = make_window(NOW)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PySide reports a failed disconnect as a warning
        w.close()
        w.close()
        w.idle.stop()
    assert not w.idle.timer.isActive()


def test_a_closed_window_stops_reading_the_store(qtbot, make_window, store):
    """A window closed kept its half-minute reload and its hourly backup running: after the store
    closed, the next tick read it ("Cannot operate on a closed database", seen in a later test)."""
    w = make_window(NOW)
    w.close()
    assert not w.minute.isActive() and not w.hourly.isActive()


def _fresh_start(tmp_path, db, pid: int, then: str = "") -> dict:
    """Start the window on patient ``pid`` in a new process, as users do (open the store, build,
    reopen, show, paint), run the statements ``then``, and report what start-up loaded and built."""
    import json
    import os
    import subprocess
    import sys
    code = (
        "import json, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from pacer_desktop.storage import Store\n"
        "from pacer_desktop.ui.main_window import MainWindow\n"
        f"store = Store.open({str(db)!r}, keep_backups=0)\n"
        "w = MainWindow(store, ask_who=False)\n"
        f"w.open_patient({pid})\n"
        "w.resize(1366, 768)\n"
        "w.show()\n"
        "app.processEvents()\n"
        "assert w.state.result is not None, w.state.error\n"
        f"{then}\n"
        "print(json.dumps({'title': w.header.title.text(),\n"
        "                  'heavy_modules': sorted(m for m in sys.modules\n"
        "                                          if m.split('.')[0] == 'reportlab'),\n"
        "                  'pydantic_loaded': 'pydantic' in sys.modules}))\n"
        "store.close()\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PACER_SETTINGS_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_start_path_does_not_import_reportlab(tmp_path):
    """Opening the store, reloading a stored patient, evaluating and showing the window, in a fresh
    process: reportlab (printing only) stays unloaded."""
    from pacer_desktop.storage import Store, User
    db = tmp_path / "start.sqlite3"
    with Store.open(db, keep_backups=0, clock=lambda: TEST_NOW) as store:
        pid = _patient(store, User("AB", "nurse", "ws"))
    started = _fresh_start(tmp_path, db, pid)
    assert "Sam Start" in started["title"]
    assert started["heavy_modules"] == []


def test_the_start_path_does_not_import_pydantic(tmp_path):
    """pydantic checks what comes in (a form, a case file); the start only reads back the shipped
    protocol and rows that were checked on the way in, so it is loaded on first use (issue 16 §3)."""
    from pacer_desktop.core.case import EligibilityInputs
    from pacer_desktop.storage import Store, User
    db = tmp_path / "start.sqlite3"
    with Store.open(db, keep_backups=0, clock=lambda: TEST_NOW) as store:
        pid = _patient(store, User("AB", "nurse", "ws"))
        store.add_assessment(User("AB", "nurse", "ws"), pid, at=NOW - timedelta(days=2),
                             crs={"hypotension": "none", "oxygen_device": "nasal_cannula",
                                  "oxygen_flow_l_min": Decimal("1.5")},
                             icans={"capd_score": 2})
        store.add_eligibility(User("AB", "nurse", "ws"), pid,
                              EligibilityInputs(assessed_on=date(2026, 10, 20), alt_u_l=Decimal("600"),
                                                disease_categories=("refractory",), dlco_pct="not_done"))
    started = _fresh_start(tmp_path, db, pid)
    assert "Sam Start" in started["title"]
    assert started["pydantic_loaded"] is False


def test_the_command_opens_the_window_and_ends_at_once_when_closed(tmp_path):
    """``pacer-desktop`` as users start it: it shows the reopened patient, then the process ends
    with exit code 0 after the window closes (fast exit: queued writes land, the database closes)."""
    import os
    import subprocess
    import sys

    from pacer_desktop.storage import Store, User
    db = tmp_path / "start.sqlite3"
    with Store.open(db, keep_backups=0, clock=lambda: TEST_NOW) as store:
        pid = _patient(store, User("AB", "nurse", "ws"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PACER_SETTINGS_DIR": str(tmp_path),
           "PACER_EXIT_AFTER_SHOWN": "1"}
    from PySide6.QtCore import QSettings
    ini = QSettings(f"{tmp_path}/pacer-desktop.ini", QSettings.Format.IniFormat)
    ini.setValue(f"last_patient/{db}", pid)
    ini.sync()
    done = subprocess.run([sys.executable, "-m", "pacer_desktop.cli", "--db", str(db)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("shown: Sam Start") and lines[1].startswith("at: ")
    assert "Traceback" not in done.stderr
    # the daily copy, made on a background thread after the window was shown, was finished first
    assert [f.suffix for f in (tmp_path / "backups").iterdir()] == [".sqlite3"]


def test_the_daily_backup_runs_off_the_gui_thread_and_a_failure_stays_on_screen(qtbot, make_window, store,
                                                                                 monkeypatch):
    """The copy is made on the background thread; if it fails, the status bar says so until a
    copy succeeds (entries are unaffected), with the reason in the tooltip."""
    import threading
    threads = []
    copy = store.daily_backup
    monkeypatch.setattr(store, "daily_backup", lambda: (threads.append(threading.get_ident()), copy())[1])
    w = make_window(NOW)
    blocker = store.backups_dir
    blocker.write_text("not a folder")  # the copy cannot be made
    w.back_up_daily()
    qtbot.waitUntil(lambda: "backup failed" in w.backup_label.text())
    assert "tell IT" in w.backup_label.text() and str(blocker) in w.backup_label.toolTip()
    blocker.unlink()
    w.back_up_daily()
    qtbot.waitUntil(lambda: w.statusBar().currentMessage().startswith("✓ Today's backup"))
    assert w.backup_label.text() == ""
    assert len(list(blocker.glob("*.sqlite3"))) == 1
    assert len(threads) == 2 and threading.get_ident() not in threads


def test_tab_skips_the_now_button_of_a_time(qtbot):
    """The Now button beside a time takes the focus only when clicked: Tab goes on to the next field."""
    from PySide6.QtCore import Qt

    from pacer_desktop.ui.date_time_fields import TimeField
    field = TimeField(lambda: "UTC", lambda: NOW)
    qtbot.addWidget(field)
    assert field.now_button.focusPolicy() == Qt.FocusPolicy.ClickFocus
