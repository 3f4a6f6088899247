"""``pacer-desktop self-test``: the installation check (issue: desktop bundle)."""

from __future__ import annotations

import io
import sys

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
    assert [line.split()[0] for line in lines[:-1]] == ["ok"] * 7
    assert [line.split()[1] for line in lines[:-1]] == ["protocol", "engine", "database", "printing", "window",
                                                        "preview", "long-run"]
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


def test_the_long_run_check_reports_a_binding_that_aborts(monkeypatch):
    """A faulty Qt binding aborts the child ("Fatal Python error: none_dealloc"); the parent says so."""
    code = "import sys; sys.stderr.write('Fatal Python error: none_dealloc\\n'); sys.stderr.flush(); import os; os.abort()"
    monkeypatch.setattr(selftest, "_child_command", lambda: [sys.executable, "-c", code])
    with pytest.raises(AssertionError, match=r"ended the process .*none_dealloc.*faulty"):
        selftest.check_long_run()


def test_the_long_run_check_reports_a_drifting_reference_count(monkeypatch):
    monkeypatch.setattr(selftest, "_child_command", lambda: [sys.executable, "-c", "print('drift 40000')"])
    with pytest.raises(AssertionError, match="moved None's reference count by 40000"):
        selftest.check_long_run()


def test_the_long_run_child_makes_its_calls_with_a_steady_count(capsys, qapp):
    assert selftest.widget_calls_child(2_000) == 0
    drift = int(capsys.readouterr().out.split()[1])
    assert abs(drift) <= 100


def test_the_self_test_fails_when_the_zone_list_is_not_shipped(monkeypatch):
    """Found measuring the bundle: without tzdata's zone list the frozen window opened some 600
    zone files at each start (slower than from source), and Windows has no zone files at all."""
    from pacer_desktop.core import timeutil
    monkeypatch.setattr(timeutil, "tzdata_zone_names", lambda: frozenset())
    with pytest.raises(AssertionError, match="tzdata"):
        selftest.check_examples()
