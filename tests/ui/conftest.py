"""Window tests: Qt offscreen, a private database and settings folder, a fixed clock."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.ui.uihelp import TEST_NOW, Clock  # noqa: E402


@pytest.fixture(autouse=True)
def _no_quit_when_windows_close(qapp):
    """A test's windows closing (or a window of ``app.run`` being deleted) must not post a quit
    to the one application every test shares: it would end the next test's event loops at once."""
    qapp.setQuitOnLastWindowClosed(False)


@pytest.fixture(autouse=True)
def _private_db_and_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("PACER_DB", str(tmp_path / "pacer.sqlite3"))
    monkeypatch.setenv("PACER_SETTINGS_DIR", str(tmp_path / "settings"))


@pytest.fixture
def clock():
    """The one clock of a test's store and window (issue 16): the workstation's date never matters."""
    return Clock(TEST_NOW)


#: The window tests' own nurse (the ``nurse`` fixture) beside the ward of tests/people.py: AB's PIN.
AB_PIN = "112233"


@pytest.fixture
def people_pins(tmp_path, monkeypatch, clock):
    """The people of tests/people.py and the nurse AB in the test's database, scrypt cheap (issue 18):
    a window test's user has an account, so the PIN a signature asks for is known. Initials → PIN."""
    from pacer_desktop.storage import Store
    from pacer_desktop.storage.accounts import Accounts
    from tests.people import WARD, cheap_scrypt
    cheap_scrypt(monkeypatch)
    people = {**WARD, "AB": ("Alex Bedside", "nurse", AB_PIN)}
    with Store.open(tmp_path / "pacer.sqlite3", keep_backups=0, daily_backup=False, clock=clock) as s:
        accounts = Accounts(s, workstation="ward-3")
        accounts.create_first_admin("AD", name=WARD["AD"][0], pin=WARD["AD"][2])
        admin = accounts.sign_in("AD", WARD["AD"][2])
        for initials, (name, role, pin) in people.items():
            if role != "admin":
                accounts.add_user(admin, initials, name=name, role=role, pin=pin)
    return {initials: pin for initials, (_, _, pin) in people.items()}


@pytest.fixture
def store(tmp_path, clock, people_pins):
    from pacer_desktop.storage import Store
    # the people made the file: opening it is no longer its creation, which skipped the daily copy
    s = Store.open(tmp_path / "pacer.sqlite3", clock=clock, daily_backup=False)
    yield s
    s.close()


@pytest.fixture
def nurse():
    from pacer_desktop.storage import User
    return User(initials="AB", role="nurse", workstation="ward-3")


@pytest.fixture
def make_window(qtbot, store, nurse, clock):
    from pacer_desktop.ui.main_window import MainWindow
    windows = []

    def make(now: datetime, *, user=nurse, **kwargs):
        clock.now = now  # the store's clock too: an entry at the window's "now" is not in the future
        w = MainWindow(store, user=user, **kwargs)
        w.clock = clock
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        windows.append(w)
        return w

    yield make
    from PySide6.QtWidgets import QApplication
    for w in windows:
        w.ops.wait()
    for top in QApplication.topLevelWidgets():  # no dialog outlives its test
        top.close()
        top.deleteLater()
    QApplication.processEvents()
