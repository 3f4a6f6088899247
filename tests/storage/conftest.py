"""Storage test fixtures: every test gets its own database file under ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest

from pacer_desktop.storage import Store


@pytest.fixture(autouse=True)
def db_path(tmp_path, monkeypatch) -> Path:
    """The database for this test, also set as ``PACER_DB`` so the default path is it."""
    path = tmp_path / "pacer.sqlite3"
    monkeypatch.setenv("PACER_DB", str(path))
    return path


@pytest.fixture
def store(db_path):
    with Store.open(db_path) as s:
        yield s
