"""People in the window (issue 18): the first administrator, sign-in with a PIN, the idle lock,
the administrator's People dialog. Permissions and signatures: test_ui_permissions.py."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from tests.people import WARD
from tests.ui.conftest import AB_PIN
from tests.ui.enter import sign, type_into
from tests.ui.uihelp import TEST_NOW, Clock, wait_saved

NOW = TEST_NOW


def accounts_of(store):
    from pacer_desktop.storage.accounts import Accounts
    return Accounts(store, workstation="test")


def sign_in(qtbot, w, initials: str, pin: str) -> None:
    """Type initials and PIN into the sign-in dialog and press Enter; wait for the check."""
    qtbot.waitUntil(lambda: w.who_dialog is not None and w.who_dialog.isVisible())
    d = w.who_dialog
    type_into(qtbot, d.initials, initials)
    type_into(qtbot, d.pin, pin)
    qtbot.keyClick(d.pin, Qt.Key.Key_Return)
    wait_saved(qtbot, w)


@pytest.fixture
def fresh(qtbot, tmp_path, monkeypatch):
    """A window on a database without users, as at the first start; and how to make it."""
    from pacer_desktop.storage import Store
    from pacer_desktop.ui.main_window import MainWindow
    from tests.people import cheap_scrypt
    cheap_scrypt(monkeypatch)
    opened = []

    def make(setup=None):
        s = Store.open(tmp_path / "fresh.sqlite3", clock=Clock(NOW))
        opened.append(s)
        if setup is not None:
            setup(s)
        w = MainWindow(s, clock=Clock(NOW))
        qtbot.addWidget(w)
        w.show()
        return w, s

    yield make
    for s in opened:
        s.close()


def test_the_first_start_makes_the_first_administrator_and_cannot_be_skipped(qtbot, fresh):
    w, store = fresh()
    qtbot.waitUntil(lambda: w.who_dialog is not None and w.who_dialog.isVisible())
    d = w.who_dialog
    assert d.windowTitle() == "First start: the administrator"
    type_into(qtbot, d.initials, "ad")
    type_into(qtbot, d.name, "Ada Admin")
    type_into(qtbot, d.pin, "12345")
    type_into(qtbot, d.pin_again, "12345")
    d.submit()
    wait_saved(qtbot, w)
    assert "at least 6 digits" in d.message.text() and not accounts_of(store).has_users()
    type_into(qtbot, d.pin, "135790")
    type_into(qtbot, d.pin_again, "135791")
    d.submit()
    wait_saved(qtbot, w)
    assert "not the same" in d.message.text() and not accounts_of(store).has_users()
    type_into(qtbot, d.pin_again, "135790")
    d.submit()
    wait_saved(qtbot, w)
    [admin] = accounts_of(store).users()
    assert (admin.initials, admin.name, admin.role) == ("AD", "Ada Admin", "admin")
    assert (w.state.user.initials, w.state.user.role) == ("AD", "admin")
    assert not d.isVisible() and "AD (admin)" in w.user_label.text()


def test_closing_the_first_administrator_dialog_closes_the_application(qtbot, fresh):
    w, store = fresh()
    qtbot.waitUntil(lambda: w.who_dialog is not None and w.who_dialog.isVisible())
    w.who_dialog.reject()
    qtbot.waitUntil(lambda: not w.isVisible())
    assert not accounts_of(store).has_users() and w.state.user is None


def test_an_old_database_asks_for_an_administrator_and_keeps_its_initials(qtbot, fresh):
    from pacer_desktop.storage import User

    def old_entries(s):
        pid = s.add_patient(User("ZZ", "nurse", "ward-1"), mrn="OLD-1", name="Olga Old", date_of_birth=date(2016, 1, 1),
                            sex_at_birth="female", developmental_delay=False, infusion_at=NOW - timedelta(days=1),
                            timezone="UTC")
        s.add_temperature(User("ZZ", "nurse", "ward-1"), pid, at=NOW - timedelta(hours=1), value=Decimal("38.2"),
                          unit="C")
    w, store = fresh(old_entries)
    qtbot.waitUntil(lambda: w.who_dialog is not None and w.who_dialog.isVisible())
    assert w.who_dialog.windowTitle() == "First start: the administrator"
    [patient] = store.patients()
    [t] = store.entries(patient.id, "temperature")
    assert t.entered_by == "ZZ"


def test_sign_in_takes_the_role_from_the_account(qtbot, make_window):
    from pacer_desktop.ui.widgets import Choice
    w = make_window(NOW, user=None)
    qtbot.waitUntil(lambda: w.who_dialog is not None and w.who_dialog.isVisible())
    assert w.who_dialog.findChildren(Choice) == []  # no role picker
    sign_in(qtbot, w, "ph", WARD["PH"][2])
    assert (w.state.user.initials, w.state.user.role) == ("PH", "pharmacist")
    assert not w.who_dialog.isVisible()


def test_a_wrong_pin_is_refused_and_enough_of_them_lock_the_account(qtbot, make_window, monkeypatch):
    monkeypatch.setenv("PACER_PIN_ATTEMPTS", "3")
    w = make_window(NOW, user=None)
    for _ in range(2):
        sign_in(qtbot, w, "NU", "999999")
        assert "not recognised" in w.who_dialog.message.text() and w.state.user is None
    sign_in(qtbot, w, "NU", "999999")
    assert "locked until" in w.who_dialog.message.text()
    assert "administrator" in w.who_dialog.message.text()
    sign_in(qtbot, w, "NU", WARD["NU"][2])  # the right PIN, too late
    assert "locked until" in w.who_dialog.message.text() and w.state.user is None


def test_a_longer_message_grows_the_sign_in_dialog_rather_than_squeezing_its_fields(qtbot, make_window,
                                                                                  monkeypatch):
    """Seen on the walk: Escape put "Sign in with your initials and PIN to continue." on two lines,
    and the initials and PIN fields shrank to slits; the account-locked message is longer still."""
    from PySide6.QtWidgets import QApplication
    monkeypatch.setenv("PACER_PIN_ATTEMPTS", "1")
    w = make_window(NOW, user=None)
    qtbot.waitUntil(lambda: w.who_dialog is not None and w.who_dialog.isVisible())
    d = w.who_dialog
    d.reject()  # Escape
    sign_in(qtbot, w, "NU", "999999")  # locked: three lines of message
    QApplication.processEvents()
    for field in (d.initials, d.pin):
        assert field.height() >= field.sizeHint().height()
    assert d.message.height() >= d.message.heightForWidth(d.message.width())


def test_a_reset_pin_is_changed_at_sign_in(qtbot, make_window, store):
    accounts = accounts_of(store)
    accounts.reset_pin(accounts.sign_in("AD", WARD["AD"][2]), "NU", "555555")
    w = make_window(NOW, user=None)
    sign_in(qtbot, w, "NU", "555555")
    d = w.who_dialog
    assert d.isVisible() and d.new_pin.isVisible() and w.state.user is None
    assert "change" in d.message.text().lower()
    type_into(qtbot, d.new_pin, "777777")
    type_into(qtbot, d.new_pin_again, "777777")
    d.submit()
    wait_saved(qtbot, w)
    assert (w.state.user.initials, w.state.user.role) == ("NU", "nurse")
    assert not accounts.account("NU").must_change_pin
    accounts.sign_in("NU", "777777")


def _patient(store, w, mrn: str) -> int:
    return store.add_patient(w.state.user, mrn=mrn, name="Ida Idle", date_of_birth=date(2016, 1, 1),
                             sex_at_birth="female", developmental_delay=False, infusion_at=NOW - timedelta(days=1),
                             timezone="UTC")


def test_the_idle_lock_needs_the_pin_and_keeps_half_typed_entries_for_the_same_user(qtbot, make_window, store):
    w = make_window(NOW, user=None, idle_ms=200)
    sign_in(qtbot, w, "AB", AB_PIN)
    pid = _patient(store, w, "I-1")
    w.open_patient(pid)
    qtbot.keyClicks(w.grading.temperature.value, "38.")
    qtbot.waitUntil(lambda: w.state.user is None, timeout=3000)
    d = w.who_dialog
    assert d.isVisible() and d.initials.text() == "AB" and "No activity" in d.intro.text()
    assert not w.centralWidget().isVisible()  # the patient is not on show while locked
    sign_in(qtbot, w, "AB", "000000")
    assert w.state.user is None and "not recognised" in d.message.text()
    sign_in(qtbot, w, "AB", AB_PIN)
    assert w.state.user.initials == "AB" and w.centralWidget().isVisible()
    assert w.grading.temperature.value.text() == "38."


def test_another_user_unlocking_starts_with_blank_forms(qtbot, make_window, store):
    w = make_window(NOW, user=None)
    sign_in(qtbot, w, "AB", AB_PIN)
    pid = _patient(store, w, "I-2")
    w.open_patient(pid)
    qtbot.keyClicks(w.grading.temperature.value, "38.")
    qtbot.keyClicks(w.grading.weight.kg, "23")
    qtbot.keyClicks(w.patients.search, "nobody")
    w.ask_who("No activity for 15 minutes: the window is locked.")
    sign_in(qtbot, w, "PR", WARD["PR"][2])
    assert (w.state.user.initials, w.state.user.role) == ("PR", "prescriber")
    assert w.grading.temperature.value.text() == "" and w.grading.weight.kg.text() == ""
    assert w.patients.search.text() == "" and w.patients.ids == [pid]


def test_the_people_dialog_is_the_administrators(qtbot, make_window):
    from pacer_desktop.storage import User
    w = make_window(NOW)  # the nurse AB
    action = w.findChild(__import__("PySide6.QtGui", fromlist=["QAction"]).QAction, "people")
    assert not action.isEnabled() and "administrator" in action.toolTip()
    w.state.set_user(User("AD", "admin", "ward-3"))
    assert action.isEnabled()


def _people_dialog(qtbot, w):
    from pacer_desktop.storage import User
    w.state.set_user(User("AD", "admin", "ward-3"))
    w.open_people()
    qtbot.waitUntil(lambda: w.people_dialog is not None and w.people_dialog.isVisible())
    return w.people_dialog


def type_olive(qtbot, d) -> None:
    """The new user's initials and name, typed into People."""
    type_into(qtbot, d.new_initials, "ON")
    type_into(qtbot, d.new_name, "Olive Nurse")


def add_olive(qtbot, d, role: str = "nurse") -> None:
    """Olive Nurse as a new user of ``role`` with a first PIN, Add pressed (the PIN is asked next)."""
    type_olive(qtbot, d)
    d.new_role.set_value(role)
    type_into(qtbot, d.new_pin, "424242")
    d.add()


def test_the_administrator_adds_resets_and_deactivates_each_signed(qtbot, make_window, store):
    w = make_window(NOW)
    d = _people_dialog(qtbot, w)
    rows = {d.table.item(r, 0).text(): [d.table.item(r, c).text() for c in range(5)] for r in range(d.table.rowCount())}
    assert rows["NU"] == ["NU", "Nora Nurse", "nurse", "yes", ""]
    add_olive(qtbot, d)
    assert "added user ON (nurse)" in w.gate.dialog.meaning.text()
    sign(qtbot, w, WARD["AD"][2])
    accounts = accounts_of(store)
    assert accounts.account("ON").role == "nurse"
    [sig] = accounts.signatures("users", accounts.account("ON").id)
    assert (sig.initials, sig.meaning) == ("AD", "added user ON (nurse)")
    d.select("ON")
    type_into(qtbot, d.new_pin, "434343")
    d.reset_pin()
    sign(qtbot, w, WARD["AD"][2])
    assert accounts.account("ON").must_change_pin
    d.select("ON")
    d.deactivate()
    sign(qtbot, w, "000000")  # a wrong PIN: nothing changes
    assert accounts.account("ON").active and "not recognised" in w.gate.dialog.message.text()
    w.gate.dialog.reject()
    d.select("ON")
    d.deactivate()
    sign(qtbot, w, WARD["AD"][2])
    assert not accounts.account("ON").active
    assert [r for r in range(d.table.rowCount()) if d.table.item(r, 0).text() == "ON"]  # never deleted


def test_the_sign_in_dialog_shows_its_whole_intro(qtbot, make_window):
    """Found in the window walk under Xvfb: "…under your name and role." lost its last line."""
    w = make_window(NOW, user=None)
    qtbot.waitUntil(lambda: w.who_dialog is not None and w.who_dialog.isVisible())
    intro = w.who_dialog.intro
    assert intro.height() >= intro.heightForWidth(intro.width())


def test_another_user_unlocking_does_not_get_the_last_user_s_new_patient_form(qtbot, make_window, store):
    """Who made an entry must be true: a New patient form half typed by AB, left open when the
    window locked, is closed when PR signs in (PR would otherwise create AB's patient as PR's);
    AB coming back finds it as it was."""
    w = make_window(NOW, user=None)
    sign_in(qtbot, w, "AB", AB_PIN)
    w.new_patient()
    qtbot.keyClicks(w.dialog.mrn, "N-77")
    w.ask_who("No activity for 15 minutes: the window is locked.")
    sign_in(qtbot, w, "AB", AB_PIN)
    assert w.dialog.isVisible() and w.dialog.mrn.text() == "N-77"
    w.ask_who("No activity for 15 minutes: the window is locked.")
    sign_in(qtbot, w, "PR", WARD["PR"][2])
    assert not w.dialog.isVisible()
    assert store.patients() == []


def test_a_people_step_answered_after_the_dialog_closed_is_said_in_the_window(qtbot, make_window, store):
    """Closed while the signed step was being saved, the dialog took "✓ Added user …" with it: the
    administrator saw nothing, and adding the user again was refused as a duplicate."""
    from tests.ui.enter import press_enter
    from tests.ui.uihelp import wait_saved
    w = make_window(NOW)
    d = _people_dialog(qtbot, w)
    add_olive(qtbot, d)
    qtbot.waitUntil(lambda: w.gate.dialog is not None and w.gate.dialog.isVisible())
    type_into(qtbot, w.gate.dialog.pin, WARD["AD"][2])
    press_enter(qtbot, w.gate.dialog.pin)
    d.accept()  # Close, before the worker answers
    wait_saved(qtbot, w)
    wait_saved(qtbot, w)
    qtbot.waitUntil(lambda: accounts_of(store).account("ON") is not None, timeout=5000)
    qtbot.waitUntil(lambda: "Added user ON (nurse)" in w.statusBar().currentMessage(), timeout=5000)


def test_the_people_dialog_says_locked_until_as_every_other_time_is_written(qtbot, make_window, monkeypatch):
    """Issue 16 (one wording): "locked until" was strftime's "%d %b %H:%M": "01 Dec 12:15", and the
    month in the system's language once Qt has set the locale. It is notation.day_time's."""
    from pacer_desktop.core import notation
    monkeypatch.setenv("PACER_PIN_ATTEMPTS", "3")
    w = make_window(NOW, user=None)
    for _ in range(3):
        sign_in(qtbot, w, "NU", "999999")
    w.who_dialog.done(0)
    d = _people_dialog(qtbot, w)
    until = accounts_of(w.store).account("NU").locked_until
    [row] = [r for r in range(d.table.rowCount()) if d.table.item(r, 0).text() == "NU"]
    assert d.table.item(row, 4).text() == notation.day_time(until.astimezone())
    assert not d.table.item(row, 4).text().startswith("0")


def test_another_user_unlocking_does_not_get_the_last_user_s_pin_prompt(qtbot, make_window):
    """A signature half done by the administrator (People → Deactivate, the PIN asked) when the
    window locks is not left open, alone, for the next user: it closes with the People dialog."""
    w = make_window(NOW, user=None)
    sign_in(qtbot, w, "AD", WARD["AD"][2])
    w.open_people()
    qtbot.waitUntil(lambda: w.people_dialog is not None and w.people_dialog.isVisible())
    w.people_dialog.select("NU")
    w.people_dialog.deactivate()
    qtbot.waitUntil(lambda: w.gate.dialog is not None and w.gate.dialog.isVisible())
    w.ask_who("No activity for 15 minutes: the window is locked.")
    sign_in(qtbot, w, "PR", WARD["PR"][2])
    assert not w.people_dialog.isVisible()
    assert not w.gate.dialog.isVisible()
    assert accounts_of(w.store).account("NU").active


@pytest.mark.parametrize("how", ["Escape", "Close"])
def test_people_asks_before_a_typed_new_user_is_lost(qtbot, make_window, store, how):
    """No lost entries: the administrator half way through a new user's details who presses Escape
    (or Close) is asked, as on every other form; Keep editing keeps what was typed."""
    from PySide6.QtWidgets import QMessageBox
    w = make_window(NOW)
    d = _people_dialog(qtbot, w)
    type_olive(qtbot, d)
    if how == "Escape":
        qtbot.keyClick(d.new_name, Qt.Key.Key_Escape)
    else:
        from PySide6.QtWidgets import QPushButton
        next(b for b in d.findChildren(QPushButton) if b.text() == "Close").click()
    assert d.isVisible() and d.discard_box is not None and d.discard_box.isVisible()
    d.discard_box.button(QMessageBox.StandardButton.Cancel).click()  # Keep editing
    assert d.isVisible() and (d.new_initials.text(), d.new_name.text()) == ("ON", "Olive Nurse")
    qtbot.keyClick(d.new_name, Qt.Key.Key_Escape)
    d.discard_box.button(QMessageBox.StandardButton.Discard).click()
    assert not d.isVisible() and "ON" not in [u.initials for u in accounts_of(store).users()]


def test_once_a_user_is_added_the_form_is_empty_and_escape_closes_people(qtbot, make_window, store):
    w = make_window(NOW)
    d = _people_dialog(qtbot, w)
    add_olive(qtbot, d, "pharmacist")
    sign(qtbot, w, WARD["AD"][2])
    qtbot.waitUntil(lambda: "Added user ON" in d.message.text(), timeout=5000)
    assert (d.new_initials.text(), d.new_name.text(), d.new_pin.text()) == ("", "", "")  # ready for the next
    qtbot.keyClick(d.table, Qt.Key.Key_Escape)
    assert not d.isVisible()


def test_a_pin_reset_keeps_a_new_user_half_typed(qtbot, make_window, store):
    """Found in review: the form emptied its new-user initials and name after any step, so a PIN
    reset done half way through typing a new user threw that user away."""
    w = make_window(NOW)
    d = _people_dialog(qtbot, w)
    type_olive(qtbot, d)
    d.select("NU")
    type_into(qtbot, d.new_pin, "434343")
    d.reset_pin()
    sign(qtbot, w, WARD["AD"][2])
    qtbot.waitUntil(lambda: "Reset the PIN of NU" in d.message.text(), timeout=5000)
    assert (d.new_initials.text(), d.new_name.text(), d.new_pin.text()) == ("ON", "Olive Nurse", "")
