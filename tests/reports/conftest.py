"""Fixtures for the printed-document tests."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["letter", "a4"])
def paper(request) -> str:
    """Every paper size a document is printed on."""
    return request.param


@pytest.fixture(autouse=True)
def _the_tests_clock(monkeypatch):
    """The database's clock (the one clock of issue 16, which the print command reads through the
    store) is the test's: the examples stored here are then never in the future, and what is
    printed does not depend on the workstation's date."""
    from pacer_desktop.storage import store
    from tests.ui.uihelp import TEST_NOW
    monkeypatch.setattr(store, "real_clock", lambda: TEST_NOW)
