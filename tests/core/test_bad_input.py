"""Bad case files exit 2 with one line per problem naming the field, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacer_desktop.cli import main
from pacer_desktop.core.errors import CaseError
from pacer_desktop.evaluation import evaluate_text
from tests.core.casebuild import assessment, case, crs, icans, temp
from tests.paths import EXAMPLES

BAD = {
    "temperature out of range": (
        case(temperatures=[temp("2026-11-04T07:00:00-06:00", 37), temp("2026-11-04T08:00:00-06:00", 37),
                           temp("2026-11-04T09:00:00-06:00", 37), temp("2026-11-04T10:00:00-06:00", 50)]),
        "temperatures[3].value: 50 °C is outside 30–44 °C"),
    "time without UTC offset": (
        case(temperatures=[temp("2026-11-04T07:00:00", 37)]),
        "temperatures[0].at: '2026-11-04T07:00:00' has no UTC offset"),
    "unknown category": (
        case(assessments=[assessment("2026-11-04T07:00:00-06:00", crs(hypotension="low"), None)]),
        "assessments[0].crs.hypotension: 'low' is not a known value"),
    "unknown drug": (
        case(medications=[{"at": "2026-11-04T07:00:00-06:00", "drug": "aspirin", "dose_mg": 81}]),
        "medications[0].drug: 'aspirin' is not a known value"),
    "missing ICE score": (
        case(assessments=[assessment("2026-11-04T07:00:00-06:00", None, icans(ice_score=None))]),
        "assessments[0].icans.ice_score: required for the ICE tool"),
    "nasal cannula without flow": (
        case(assessments=[assessment("2026-11-04T07:00:00-06:00", crs(device="nasal_cannula"), None)]),
        "assessments[0].crs.oxygen_flow_l_min: required for nasal cannula"),
    "weight 0 kg": (case(weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 0}]),
                    "weights[0].kg: 0 kg is outside 3–200 kg"),
    "weight 500 kg": (case(weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 500}]),
                      "weights[0].kg: 500 kg is outside 3–200 kg"),
    "two weights at one instant": (  # rules §4: "the most recent weight" would be whichever is listed last
        case(weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 20}, {"at": "2026-11-02T15:00:00Z", "kg": 30}]),
        "weights[1].at: 20 kg is already recorded at 2026-11-02T09:00-06:00"),
    "reading after now + 5 min": (
        case(now="2026-11-06T08:00:00-06:00", temperatures=[temp("2026-11-06T08:06:00-06:00", 37)]),
        "temperatures[0].at: 6 Nov 08:06 is in the future; the latest allowed is 5 minutes from now (6 Nov 08:05)"),
    "misspelt field": (case(patient={"date_of_birth": "2010-01-01", "sex": "female"}),
                       "patient.sex: unknown field"),
    "unknown time zone": (case(timezone="Mars/Olympus"), "timezone: 'Mars/Olympus' is not a known time zone"),
    "unknown protocol": (case(protocol="pacer-9"), "protocol: 'pacer-9' is not a known protocol"),
    "number as text": (case(weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": True}]), "weights[0].kg:"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_case_exits_2_naming_the_field(name, tmp_path, capsys):
    data, message = BAD[name]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    assert main(["evaluate", str(path)]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert message in out.err
    assert "Traceback" not in out.err


@pytest.mark.parametrize("text, message", [
    ("{not json", "case: not valid JSON"),
    ("", "case: not valid JSON"),
    ("[1, 2]", "case: must be a JSON object"),
    ('{"now": "2026-11-06T08:00:00-06:00", "temperatures": [{"at": "x", "value": 37, "unit": "K"}]}',
     "temperatures[0].unit: 'K' is not a known value"),
])
def test_not_a_case_exits_2(text, message, tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(text)
    assert main(["evaluate", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_every_problem_gets_its_own_line(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case(weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 0}],
                                    temperatures=[temp("2026-11-04T07:00:00-06:00", 45)])))
    assert main(["evaluate", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("temperatures[0].value") and lines[1].startswith("weights[0].kg")


def test_a_missing_file_exits_2(capsys):
    assert main(["evaluate", "/nonexistent/case.json"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_bad_file_as_a_real_process_prints_no_traceback(tmp_path):
    path = tmp_path / "case.json"
    path.write_bytes(b"\x00\xff garbage")
    done = subprocess.run([sys.executable, "-m", "pacer_desktop.cli", "evaluate", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.startswith("case: not valid JSON")


# --- property: arbitrary JSON either evaluates or gives a CaseError -------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(["2026-11-04T07:00:00-06:00", "2026-11-04", "C", "F", "ice", "none"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
EXAMPLE = json.loads((EXAMPLES / "01-standard-course.case.json").read_text())


def mutate(draw_value, key_path):
    """The example case with one value somewhere replaced by arbitrary JSON."""
    data = json.loads(json.dumps(EXAMPLE))
    node = data
    for key in key_path[:-1]:
        node = node[key]
    node[key_path[-1]] = draw_value
    return data


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


PATHS = list(_paths(EXAMPLE))


def _evaluates_or_refuses(text: str) -> None:
    try:
        evaluate_text(text)
    except CaseError as exc:
        assert exc.problems and all(p.message for p in exc.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_json_never_raises_anything_else(value):
    _evaluates_or_refuses(json.dumps(value))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), json_values)
def test_a_case_with_any_value_replaced_never_raises_anything_else(path, value):
    _evaluates_or_refuses(json.dumps(mutate(value, path)))
