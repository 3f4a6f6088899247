"""Export tests: the shared worked examples imported into a private store, each with a study ID."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from pacer_desktop.core.caseio import parse_case
from pacer_desktop.storage import Store, User
from tests.paths import AFTER_THE_EXAMPLES, EXAMPLES

CASES = sorted(EXAMPLES.glob("*.case.json"))
RESEARCH = User("RS", "research", "research-office")
NURSE = User("AB", "nurse", "ward-3")


def expected_of(case_file: Path) -> dict:
    return json.loads(case_file.with_name(case_file.name.replace(".case.json", ".expected.json")).read_text())


def example_now(case_file: Path) -> datetime:
    """The example's own ``now``: the moment its expected file describes."""
    return datetime.fromisoformat(json.loads(case_file.read_text())["now"])


def identity(n: int) -> dict:
    """Name, MRN and study ID of the n-th example's patient; the name and MRN must never leave."""
    return {"mrn": f"MRN{7700 + n}", "name": f"Zelda Quixote{n}", "study_id": f"PACER-{n:03d}"}


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "pacer.sqlite3"
    monkeypatch.setenv("PACER_DB", str(path))
    with Store.open(path, keep_backups=0, clock=lambda: AFTER_THE_EXAMPLES) as s:  # every example has happened
        yield s


@pytest.fixture
def examples(store):
    """Every example stored as one patient: ``[(case_file, patient_id, identity)]``."""
    stored = []
    for n, case_file in enumerate(CASES, start=1):
        who = identity(n)
        pid = store.import_case(NURSE, parse_case(case_file.read_bytes()), **who)
        stored.append((case_file, pid, who))
    return stored
