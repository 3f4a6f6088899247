"""Test configuration for the whole suite.

Qt runs offscreen (set here, before anything imports Qt), and the database and settings point
at a temporary folder so no test touches a real workstation's data.
"""

from __future__ import annotations

import os
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path_factory, monkeypatch):
    """Every test gets its own database path and settings folder."""
    home = tmp_path_factory.mktemp("pacer-home")
    monkeypatch.setenv("PACER_DB", str(home / "pacer.sqlite3"))
    monkeypatch.setenv("PACER_SETTINGS_DIR", str(home / "settings"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture
def people(monkeypatch):
    """An administrator AD and one user per role in the test's database, PINs known, scrypt cheap
    (tests/people.py); ``people.signed("NU")`` gives ``--user NU --pin-stdin`` with NU's PIN."""
    from tests.people import Ward, cheap_scrypt
    cheap_scrypt(monkeypatch)
    return Ward(monkeypatch).create()


@pytest.fixture
def no_people(monkeypatch):
    """:func:`people` without creating anyone: cheap scrypt and the stdin helpers only."""
    from tests.people import Ward, cheap_scrypt
    cheap_scrypt(monkeypatch)
    return Ward(monkeypatch)


@pytest.fixture
def the_tests_clock(monkeypatch):
    """The database's clock, which a command reads through its store (issue 16: one clock), is the
    test's: examples stored then are never in the future, whatever the workstation's date."""
    from pacer_desktop.storage import store
    from tests.ui.uihelp import TEST_NOW
    monkeypatch.setattr(store, "real_clock", lambda: TEST_NOW)
    return TEST_NOW


@pytest.fixture
def examples_clock(monkeypatch):
    """The commands' clock a day after the latest worked example (tests/paths.py): any example
    imports, as it would on the ward once its times have passed, at any date of the workstation."""
    from pacer_desktop.storage import store
    from tests.paths import AFTER_THE_EXAMPLES
    monkeypatch.setattr(store, "real_clock", lambda: AFTER_THE_EXAMPLES)
    return AFTER_THE_EXAMPLES
