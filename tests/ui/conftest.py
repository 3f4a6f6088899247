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


@pytest.fixture
def store(tmp_path, clock):
    from pacer_desktop.storage import Store
    s = Store.open(tmp_path / "pacer.sqlite3", clock=clock)
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
