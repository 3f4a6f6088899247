"""Window tests: Qt offscreen, a private database and settings folder, a fixed clock."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

import json  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"


@pytest.fixture(autouse=True)
def _private_db_and_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("PACER_DB", str(tmp_path / "pacer.sqlite3"))
    monkeypatch.setenv("PACER_SETTINGS_DIR", str(tmp_path / "settings"))


@pytest.fixture
def store(tmp_path):
    from pacer_desktop.storage import Store
    s = Store.open(tmp_path / "pacer.sqlite3")
    yield s
    s.close()


@pytest.fixture
def nurse():
    from pacer_desktop.storage import User
    return User(initials="AB", role="nurse", workstation="ward-3")


class Clock:
    """A settable clock for the window (the rules judge 'now')."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def make_window(qtbot, store, nurse):
    from pacer_desktop.ui.main_window import MainWindow
    windows = []

    def make(now: datetime, *, user=nurse, **kwargs):
        clock = Clock(now)
        w = MainWindow(store, user=user, clock=clock, **kwargs)
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


def wait_saved(qtbot, window) -> None:
    """Saving runs off the GUI thread: wait for it to land and be delivered."""
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=10000)


def example(name: str) -> dict:
    return json.loads(next(EXAMPLES.glob(f"{name}*.case.json")).read_text())
