"""Every worked case in shared/examples gives every field of its expected file (case-format)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pacer_desktop.cli import main
from pacer_desktop.selftest import differences
from tests.paths import EXAMPLES

CASES = sorted(EXAMPLES.glob("*.case.json"))


def test_examples_folder_is_found():
    assert len(CASES) >= 5, f"no example cases under {EXAMPLES}"


@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.name.removesuffix(".case.json"))
def test_evaluate_gives_every_expected_field(case_file, capsys):
    expected = json.loads(case_file.with_name(case_file.name.replace(".case.json", ".expected.json")).read_text())
    assert main(["evaluate", str(case_file)]) == 0
    got = json.loads(capsys.readouterr().out)
    assert differences(expected, got) == []
    assert got["protocol"] == "pacer-1" and len(got["protocol_sha256"]) == 64


def test_evaluate_as_a_process_reads_stdin():
    """The console entry point works end to end, with ``-`` for standard input."""
    case_file = CASES[0]
    done = subprocess.run([sys.executable, "-m", "pacer_desktop.cli", "evaluate", "-"],
                          input=case_file.read_bytes(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    expected = json.loads(case_file.with_name(case_file.name.replace(".case.json", ".expected.json")).read_text())
    assert differences(expected, json.loads(done.stdout)) == []


def test_differences_catches_a_wrong_field():
    """The comparison used above can fail (a guard against a vacuous test)."""
    assert differences({"doses": [{"mg": 59}]}, {"doses": [{"mg": 60}]})
    assert differences({"capped": False}, {"capped": 0})
    assert differences({"a": 1}, {"a": 1, "b": 2}) == []
