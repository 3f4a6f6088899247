"""Fixtures for the printed-document tests."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["letter", "a4"])
def paper(request) -> str:
    """Every paper size a document is printed on."""
    return request.param
