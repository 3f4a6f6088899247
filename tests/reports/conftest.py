"""Fixtures for the printed-document tests."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["letter", "a4"])
def paper(request) -> str:
    """Every paper size a document is printed on."""
    return request.param


@pytest.fixture(autouse=True)
def _the_tests_clock(the_tests_clock):
    """Printed documents do not depend on the workstation's date (tests/conftest.py)."""
