"""Eligibility checklist verdicts; who is working; the screenshot command."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.uihelp import EXAMPLES, wait_saved
from pacer_desktop.storage import User
from tests.people import WARD
from tests.ui.conftest import AB_PIN
from tests.ui.enter import type_into
from tests.ui.test_ui_people import sign_in

ZONE = ZoneInfo("America/Chicago")
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=ZONE)


@pytest.fixture
def checklist(make_window, store, nurse):
    pid = store.add_patient(nurse, mrn="E-1", name="Eli Gible", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=None,
                            timezone="America/Chicago")
    w = make_window(NOW, user=User("RS", "research", "ward-3"))  # eligibility is entered by research or a prescriber
    w.open_patient(pid)
    w.show_screen(2)
    return w, pid


def fill_eligible(qtbot, screen) -> None:
    i = screen.inputs
    screen.assessed_on.set_value(date(2026, 10, 20))
    i["consent_signed_on"].set_value(date(2026, 10, 18))
    i["disease_assessed_on"].set_value(date(2026, 10, 10))
    i["lymphodepletion_start_on"].set_value(date(2026, 10, 22))
    i["relapsed_or_refractory_b_all"].set_value(True)
    screen.categories["second_marrow_relapse"].setChecked(True)
    i["cd19_documented"].set_value(True)
    for name, text in (("alt_u_l", "45"), ("bilirubin_mg_dl", "0.8"), ("creatinine_mg_dl", "0.5"),
                       ("spo2_room_air_pct", "98"), ("dlco_pct", "55"), ("lv_shortening_fraction_pct", "34"),
                       ("marrow_blasts_pct", "12")):
        type_into(qtbot, i[name], text)
    i["dyspnea_grade"].set_value(0)
    i["product"].set_value("tisagenlecleucel")
    i["childbearing_potential"].set_value(True)
    i["pregnancy_test"].set_value("negative")
    i["reproductive_potential"].set_value(True)
    i["contraception_agreed"].set_value(True)


def test_each_verdict_reached_by_typing_and_saved(qtbot, checklist, store):
    w, pid = checklist
    s = w.eligibility
    assert s.verdict.text().startswith("INCOMPLETE")
    assert s.status["age"].text() == "✓ met" and s.detail["age"].text() == "10 years"
    assert "1 to 25 completed years" in s.age_note.text()
    fill_eligible(qtbot, s)
    assert s.verdict.text() == "ELIGIBLE: every criterion is met"
    assert all(label.text() == "✓ met" for label in s.status.values())
    type_into(qtbot, s.inputs["creatinine_mg_dl"], "1.3")
    assert s.verdict.text() == "NOT ELIGIBLE — not met: Serum creatinine for age and sex"
    assert "maximum 1.2 mg/dL for female, 10 years" in s.detail["creatinine"].text()
    assert s.status["creatinine"].text() == "✗ not met"
    type_into(qtbot, s.inputs["creatinine_mg_dl"], "0.5")
    s.inputs["pregnancy_test"].set_value(None)
    assert s.verdict.text() == "INCOMPLETE: data missing — missing: Pregnancy"
    s.inputs["pregnancy_test"].set_value("negative")
    qtbot.keyClick(s.inputs["alt_u_l"], Qt.Key.Key_Return)
    wait_saved(qtbot, w)
    [row] = store.entries(pid, "eligibility")
    assert row.values["inputs"].creatinine_mg_dl == __import__("decimal").Decimal("0.5")
    assert row.entered_by == "RS"


def test_bad_eligibility_input_shows_message_and_stores_nothing(qtbot, checklist, store):
    w, pid = checklist
    s = w.eligibility
    fill_eligible(qtbot, s)
    type_into(qtbot, s.inputs["spo2_room_air_pct"], "140")
    s.submit()
    wait_saved(qtbot, w)
    assert "140 % is outside 0–100 %" in s.messages.text()
    s.submit()
    wait_saved(qtbot, w)
    assert store.entries(pid, "eligibility") == []


def test_who_is_working_at_start_and_after_idle(qtbot, make_window, store):
    """Issue 18: initials and PIN, the role from the account; idle, the window locks."""
    w = make_window(NOW, user=None, idle_ms=200)
    sign_in(qtbot, w, "PH", "000000")
    d = w.who_dialog
    assert "not recognised" in d.message.text() and w.state.user is None
    d.reject()  # Escape does not leave an unattributed session
    assert d.isVisible()
    sign_in(qtbot, w, "ph", WARD["PH"][2])
    assert (w.state.user.initials, w.state.user.role) == ("PH", "pharmacist")
    assert "PH (pharmacist)" in w.user_label.text()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.patients.search)  # no patient open: the search
    qtbot.waitUntil(lambda: w.state.user is None, timeout=3000)  # 15 minutes idle, here 0.2 s
    assert w.who_dialog.isVisible() and "No activity" in w.who_dialog.intro.text()
    assert "Nobody signed in" in w.user_label.text()


def test_after_signing_in_the_keyboard_goes_on_where_it_was(qtbot, make_window, store, nurse):
    """At start the cursor is in the temperature of the patient on screen; after the idle lock
    it returns to the field the nurse was in, so typing goes on without a click."""
    pid = store.add_patient(nurse, mrn="F-1", name="Fay Focus", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False,
                            infusion_at=NOW - timedelta(days=2), timezone="America/Chicago")
    from pacer_desktop.ui.main_window import settings
    s = settings()
    s.setValue(f"last_patient/{store.path}", pid)
    s.sync()
    w = make_window(NOW, user=None)
    sign_in(qtbot, w, "ab", AB_PIN)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.grading.temperature.value)
    w.grading.weight.kg.setFocus()
    w.ask_who("No activity for 15 minutes: the window is locked.")
    qtbot.waitUntil(lambda: w.who_dialog.isVisible())
    assert w.who_dialog.initials.text() == "AB"
    type_into(qtbot, w.who_dialog.pin, AB_PIN)
    qtbot.keyClick(w.who_dialog.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.state.user is not None)
    assert w.state.user.initials == "AB"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.grading.weight.kg)


def test_typing_or_clicking_in_any_window_keeps_the_user_signed_in(qtbot, make_window):
    """Input through the windows (the path a real key press or click takes: window, then widget)
    restarts the idle countdown, in the main window and in a dialog opened later."""
    from PySide6.QtTest import QTest
    w = make_window(NOW, idle_ms=60_000)
    w.idle.timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer reports its time ±5 %
    w.idle.timer.start()
    qtbot.waitUntil(lambda: w.windowHandle() is not None)
    qtbot.wait(300)
    assert w.idle.timer.remainingTime() <= 59_800
    QTest.keyClick(w.windowHandle(), Qt.Key.Key_A)
    assert w.idle.timer.remainingTime() > 59_800
    w.ask_who("Who is working now?")
    d = w.who_dialog
    qtbot.waitUntil(lambda: d.isVisible() and d.windowHandle() is not None)
    qtbot.wait(300)
    assert w.idle.timer.remainingTime() <= 59_800
    QTest.mouseClick(d.windowHandle(), Qt.MouseButton.LeftButton)
    assert w.idle.timer.remainingTime() > 59_800
    qtbot.wait(300)
    QTest.keyClick(d.windowHandle(), Qt.Key.Key_B)
    assert w.idle.timer.remainingTime() > 59_800
    d.done(0)

def test_nothing_saved_without_someone_signed_in(qtbot, make_window, store):
    w = make_window(NOW, user=None, ask_who=False)
    w.new_patient()
    d = w.dialog
    qtbot.keyClicks(d.mrn, "9")
    qtbot.keyClicks(d.name, "No One")
    d.dob.set_value(date(2016, 1, 1))
    d.sex.set_value("male")
    d.submit()
    assert "Nobody is signed in" in d.messages.text()
    assert store.patients() == []


def test_screenshot_command_renders_every_screen(tmp_path):
    import subprocess
    import sys
    out = tmp_path / "shots"
    case = next(EXAMPLES.glob("01*.case.json"))
    run = subprocess.run([sys.executable, "-m", "pacer_desktop.cli", "screenshot", "--case", str(case),
                          "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == ["1-temperature-and-grading.png", "2-temperature-chart.png", "3-dose-and-schedule.png",
                     "4-eligibility.png"]
    from PySide6.QtGui import QImage
    assert all(QImage(str(p)).width() == 1366 for p in out.glob("*.png"))
