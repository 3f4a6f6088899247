"""``pacer-desktop self-test``: the installation check (issue: desktop bundle)."""

from __future__ import annotations

import io

import pytest

from pacer_desktop import selftest
from pacer_desktop.resource_files import resource, resource_names
from tests.paths import SHARED_EXAMPLES


@pytest.mark.skipif(not SHARED_EXAMPLES.is_dir(), reason="no ../shared beside this clone")
def test_the_shipped_examples_are_the_shared_ones():
    """resources/examples is a copy of ../shared/examples; a new or changed example must be copied."""
    shared = sorted(p.name for p in SHARED_EXAMPLES.glob("*.json"))
    assert resource_names("examples") == shared
    for name in shared:
        assert resource(f"examples/{name}").read_bytes() == (SHARED_EXAMPLES / name).read_bytes(), name


def test_self_test_passes_with_one_line_per_check(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    out = io.StringIO()
    assert selftest.run(out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["ok"] * 6
    assert [line.split()[1] for line in lines[:-1]] == ["protocol", "engine", "database", "printing", "window",
                                                        "preview"]
    assert lines[-1] == "self-test passed"


def test_a_failing_check_fails_the_self_test(monkeypatch):
    def broken():
        raise AssertionError("01-standard-course.case.json: result.dose.mg: expected 59, got 60")
    monkeypatch.setattr(selftest, "check_examples", broken)
    out = io.StringIO()
    assert selftest.run(out) == 1
    text = out.getvalue()
    assert "FAIL  engine    AssertionError: 01-standard-course" in text
    assert text.rstrip().endswith("self-test FAILED: 1 check(s)")
