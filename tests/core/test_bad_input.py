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
from tests.core.casebuild import assessment, case, crs, icans, paths_in, temp
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
        "weights[1].at: 20 kg is already recorded at 2 Nov 09:00"),
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




PATHS = list(paths_in(EXAMPLE))


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


# --- what a valid file is (case-format rev 2, "What a valid file is") -----------------------

EXAMPLE_TEXT = (EXAMPLES / "01-standard-course.case.json").read_text()


def _run_text(text: str, tmp_path, capsys) -> tuple[int, str, str]:
    path = tmp_path / "case.json"
    path.write_text(text)
    code = main(["evaluate", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def _edited(old: str, new: str) -> str:
    assert old in EXAMPLE_TEXT
    return EXAMPLE_TEXT.replace(old, new, 1)


REFUSED_TEXT = {
    # an object with the same key twice must not quietly become its last value (23.4 kg → 64 kg)
    "duplicate kg": (_edited('"kg": 23.4', '"kg": 23.4, "kg": 64'), "weights[0].kg: "),
    "duplicate top-level key": (_edited('"protocol": "pacer-1",', '"protocol": "pacer-1", "protocol": "pacer-1",'),
                                "protocol: "),
    "duplicate nested key": (_edited('"hypotension": "none"', '"hypotension": "none", "hypotension": "none"'),
                             "assessments[0].crs.hypotension: "),
    # a number written as text
    "temperature as text": (_edited('"value": 38.7', '"value": "38.7"'), "temperatures[0].value: "),
    "weight as text": (_edited('"kg": 23.4', '"kg": "23.4"'), "weights[0].kg: "),
    "dose as text": (_edited('"dose_mg": 59', '"dose_mg": "59"'), "medications[0].dose_mg: "),
    # NaN and Infinity are not JSON numbers, wherever they are written
    "NaN temperature": (_edited('"value": 38.7', '"value": NaN'), "temperatures[0].value: "),
    "Infinity weight": (_edited('"kg": 23.4', '"kg": Infinity'), "weights[0].kg: "),
    "-Infinity temperature": (_edited('"value": 38.7', '"value": -Infinity'), "temperatures[0].value: "),
    "NaN score": (_edited('"capd_score": 0', '"capd_score": NaN'), "assessments[0].icans.capd_score: "),
    # time zones: only names zoneinfo.available_timezones() lists, less Factory, localtime, posixrules
    "empty time zone": (_edited('"America/Chicago"', '""'), "timezone: "),
    "localtime": (_edited('"America/Chicago"', '"localtime"'), "timezone: "),
    "a folder of zones": (_edited('"America/Chicago"', '"America"'), "timezone: "),
    "a 300-character zone": (_edited('"America/Chicago"', '"' + "a" * 300 + '"'), "timezone: "),
    "Factory": (_edited('"America/Chicago"', '"Factory"'), "timezone: "),
    "posixrules": (_edited('"America/Chicago"', '"posixrules"'), "timezone: "),
    # °F far outside the plausible range: the normal range message (rules §2)
    "1e30 °F": (_edited('"value": 101.5', '"value": 1e30'), "temperatures[2].value: "),
    "1e-30 °F": (_edited('"value": 101.5', '"value": 1e-30'), "temperatures[2].value: "),
    # dates and times outside the years 1900–2199
    "year 9999": (_edited('"2026-11-04T07:00:00-06:00"', '"9999-12-31T23:00:00-06:00"'), "temperatures[0].at: "),
    "year 1": (_edited('"2026-11-04T07:00:00-06:00"', '"0001-01-01T00:00:00+06:00"'), "temperatures[0].at: "),
    "year 2200": (_edited('"now": "2026-11-06T08:00:00-06:00"', '"now": "2200-01-01T00:00:00+00:00"'), "now: "),
    "born in 1899": (_edited('"2016-04-12"', '"1899-12-31"'), "patient.date_of_birth: "),
    # escalations and restarts say who decided and why (rules §5, §6 rev 2)
    "escalation without by": (_edited('"escalations": []', '"escalations": [{"at": "2026-11-05T03:00:00-06:00",'
                                                           ' "reason": "CRS progression"}]'), "escalations[0].by: "),
    "escalation without reason": (_edited('"escalations": []', '"escalations": [{"at": "2026-11-05T03:00:00-06:00",'
                                                               ' "by": "Dr A"}]'), "escalations[0].reason: "),
    "escalation by spaces": (_edited('"escalations": []', '"escalations": [{"at": "2026-11-05T03:00:00-06:00",'
                                                          ' "by": "   ", "reason": "CRS progression"}]'),
                             "escalations[0].by: "),
    "restart without by": (_edited('"escalations": []', '"escalations": [], "restarts": [{"at":'
                                                        ' "2026-11-05T03:00:00-06:00", "reason": "fever"}]'),
                           "restarts[0].by: "),
    "restart with empty reason": (_edited('"escalations": []', '"escalations": [], "restarts": [{"at":'
                                                               ' "2026-11-05T03:00:00-06:00", "by": "Dr A",'
                                                               ' "reason": ""}]'),
                                  "restarts[0].reason: "),
}

@pytest.mark.parametrize("name", REFUSED_TEXT)
def test_a_file_that_is_not_valid_is_refused_naming_the_field(name, tmp_path, capsys):
    """case-format rev 2 "What a valid file is": exit 2, every line names a field, no traceback."""
    text, start = REFUSED_TEXT[name]
    code, out, err = _run_text(text, tmp_path, capsys)
    assert code == 2, err
    assert out == "" and "Traceback" not in err
    assert any(line.startswith(start) and len(line) > len(start) for line in err.splitlines()), err


def test_a_weight_is_read_exactly_as_written(tmp_path, capsys):
    """rules §4: 2.5 × 23.39999999999999999 kg = 58.49999… mg, half up to 58 mg (through a float
    it would be 23.4 kg and 59 mg)."""
    code, out, err = _run_text(_edited('"kg": 23.4', '"kg": 23.39999999999999999'), tmp_path, capsys)
    assert code == 0, err
    dose = json.loads(out)["dose"]
    assert dose["mg"] == 58 and dose["weight_kg"] == 23.39999999999999999


def test_a_fahrenheit_reading_with_twenty_digits_converts_exactly(tmp_path, capsys):
    """rules §2, §3: 101.30899999999999999 °F is 38.50499… °C, kept as 38.50 °C (not a protocol
    fever); read through a float it is 101.309 °F = 38.505 → 38.51 °C, a protocol fever."""
    readings = [temp("2026-11-04T07:00:00-06:00", 38.7), temp("2026-11-04T11:00:00-06:00", "F20", "F")]
    text = json.dumps(case(temperatures=readings)).replace('"F20"', "101.30899999999999999")
    code, out, err = _run_text(text, tmp_path, capsys)
    assert code == 0, err
    assert json.loads(out)["persistent_fever_at"] is None


@pytest.mark.parametrize("key, start", [
    ("", 'temperatures[2][""]: unknown field'),
    ("a\nb", 'temperatures[2]["a\\nb"]: unknown field'),
    ("x.y", 'temperatures[2]["x.y"]: unknown field'),
    ("[0]", 'temperatures[2]["[0]"]: unknown field'),
])
def test_a_key_that_is_not_a_name_is_quoted_in_the_path(key, start, tmp_path, capsys):
    """case-format: every line starts with the field's path; a key such as "" or one with a line
    break in it is written in quotes, so the path stays one line and says which key it was."""
    data = json.loads(EXAMPLE_TEXT)
    data["temperatures"][2][key] = None
    code, out, err = _run_text(json.dumps(data), tmp_path, capsys)
    assert code == 2
    assert err.startswith(start), err


@pytest.mark.parametrize("text, lines", [
    ("[NaN]", ["case[0]: NaN is not a number; write a finite number", "case: must be a JSON object"]),
    ('{"": 1}', ['case[""]: unknown field (check the spelling against `pacer-desktop schema`)']),
])
def test_a_path_from_the_top_of_the_file_starts_with_case(text, lines, tmp_path, capsys):
    """Found by the case-file fuzz test: ``[NaN]`` printed ``[0]: …``, a line naming no field."""
    code, out, err = _run_text(text, tmp_path, capsys)
    assert code == 2
    assert err.splitlines() == lines


@pytest.mark.parametrize("text, line", [
    (_edited('"capd_score": 0', '"capd_score": ' + "9" * 5000), "assessments[0].icans.capd_score: 999999999"),
    ("[" * 100000 + "]" * 100000, "case: not valid JSON (nested too deeply)"),
])
def test_json_beyond_what_python_reads_is_refused_in_plain_words(text, line, tmp_path, capsys):
    """A 5000-digit number named its field's path and not sys.set_int_max_str_digits(); a file
    nested 100000 deep says so, not 'maximum recursion depth exceeded'."""
    code, out, err = _run_text(text, tmp_path, capsys)
    assert code == 2
    assert err.startswith(line) and "sys." not in err and "recursion" not in err, err


def test_the_same_mistake_reads_the_same_from_a_file_and_at_the_bedside():
    """One validator, one wording (issue 16): ``"value": true`` in a case file and ``True`` from a
    form are the same mistake, told in the same words."""
    from pacer_desktop.core.case import Temperature
    from pacer_desktop.core.caseio import checked
    from pacer_desktop.core.errors import CaseError
    when = "2026-11-04T07:00:00-06:00"
    with pytest.raises(CaseError) as at_bedside:
        checked(Temperature, {"at": when, "value": True, "unit": "C"})
    with pytest.raises(CaseError) as from_file:
        evaluate_text(json.dumps(case(temperatures=[{"at": when, "value": True, "unit": "C"}])))
    bedside = {p.field: p.message for p in at_bedside.value.problems}["value"]
    file = {p.field: p.message for p in from_file.value.problems}["temperatures[0].value"]
    assert bedside == file == "must be a number (got True)"


def test_a_date_of_birth_after_today_is_named_and_worded_as_the_field_shows_it():
    """The New patient dialog shows this message under a field that reads "7 Nov 2026"."""
    patient = {"date_of_birth": "2026-11-07", "sex_at_birth": "female", "developmental_delay": False}
    with pytest.raises(CaseError) as caught:
        evaluate_text(json.dumps(case(now="2026-11-06T08:00:00-06:00", patient=patient)))
    assert [str(p) for p in caught.value.problems] == [
        "patient.date_of_birth: the date of birth 7 Nov 2026 is in the future"]


@pytest.mark.parametrize("where, value, message", [
    (("weights", 0, "at"), "1795870800", "weights[0].at: '1795870800' is not an ISO 8601 date and time with a UTC offset"),
    (("weights", 0, "at"), "20261102", "weights[0].at: '20261102' is not an ISO 8601 date and time"),
    (("infusion_at",), "1795870800.5", "infusion_at: '1795870800.5' is not an ISO 8601 date and time"),
    (("now",), "-100", "now: '-100' is not an ISO 8601 date and time"),
    (("patient", "date_of_birth"), "0", "patient.date_of_birth: '0' is not a date like 2026-10-20"),
    (("patient", "date_of_birth"), "1564617600", "patient.date_of_birth: '1564617600' is not a date like 2026-10-20"),
])
def test_a_string_of_digits_is_not_a_time_or_a_date(where, value, message, tmp_path, capsys):
    """case-format: times are ISO 8601 with a UTC offset, dates YYYY-MM-DD. A typing or export
    error ("20261102", a Unix timestamp) must not become another time or a 56-year-old."""
    data = json.loads((EXAMPLES / "01-standard-course.case.json").read_text())
    place = data
    for key in where[:-1]:
        place = place[key]
    place[where[-1]] = value
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    assert main(["evaluate", str(path)]) == 2
    out = capsys.readouterr()
    assert out.out == "" and message in out.err and "Traceback" not in out.err


@pytest.mark.parametrize("change, field", [
    (lambda c: c["weights"][0].update({"k" * 100_000: 1}), "weights[0].kkkk"),
    (lambda c: c.update(timezone="A" * 10_000), "timezone: 'AAAA"),
    (lambda c: c["weights"][0].update(kg=int("9" * 1000)), "weights[0].kg: 9999"),
    (lambda c: c["temperatures"][0].update(value=int("9" * 1000)), "temperatures[0].value: 9999"),
], ids=["unknown key", "time zone", "weight", "temperature"])
def test_a_pasted_value_is_quoted_short_in_its_message(change, field, tmp_path, capsys):
    """Bad input gets a clear message naming the field: a 100,000-character paste is quoted by its
    start, as the other messages quote a value (validation.SHOWN_CHARS), not repeated whole."""
    data = json.loads((EXAMPLES / "01-standard-course.case.json").read_text())
    change(data)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    assert main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(field) and "…" in err
    assert max(len(line) for line in err.splitlines()) < 400


@pytest.mark.parametrize("data, words", [
    (b'\xef\xbb\xbf{"now": "2026-11-06T08:00:00-06:00"}', "byte-order mark"),  # as Notepad saves UTF-8
    (b'\xff\xfe{\x00}\x00', "byte-order mark"),  # UTF-16
    (b'{"now": "\xff"}', "not text in UTF-8 (byte 10 cannot be read)"),
], ids=["utf-8 with a mark", "utf-16", "latin-1 byte"])
def test_a_file_in_another_encoding_is_named_in_plain_words(data, words, tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_bytes(data)
    assert main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("case: ") and words in err and "codec" not in err


@pytest.mark.parametrize("value", ["2016-04-12T00:00:00Z", "2016-04-12T00:00:00+02:00", "2016-04-12 00:00"])
def test_a_date_field_takes_a_date_only(value, tmp_path, capsys):
    """case-format: a date is written 2016-04-12; a date and time in its place is refused (its
    offset would decide which day it is)."""
    data = json.loads((EXAMPLES / "01-standard-course.case.json").read_text())
    data["patient"]["date_of_birth"] = value
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    assert main(["evaluate", str(path)]) == 2
    assert f"patient.date_of_birth: {value!r} is not a date like 2026-10-20" in capsys.readouterr().err


@pytest.mark.parametrize("data, message", [
    (case(weights=[{"at": "2026-11-02T09:00:00-06:00", "kg": 20}, {"at": "2026-11-02T15:00:00Z", "kg": 30}]),
     "weights[1].at: 20 kg is already recorded at 2 Nov 09:00;"),
    (case(medications=[{"at": "2026-11-05T08:00:00-06:00", "drug": "anakinra", "dose_mg": 59},
                       {"at": "2026-11-05T14:00:00Z", "drug": "anakinra", "dose_mg": 59}]),
     "medications[1].at: medications[0] records anakinra at the same time (5 Nov 08:00): one is a duplicate"),
    (case(escalations=[{"at": "2026-11-03T12:00:00-06:00", "by": "Dr A", "reason": "CRS"}],
          temperatures=[temp("2026-11-04T07:00:00-06:00", 38.7), temp("2026-11-04T11:00:00-06:00", 38.9)]),
     "escalations[0].at: escalation at 3 Nov 2026 12:00 is before the anakinra start 4 Nov 2026 11:00"),
])
def test_a_problem_names_its_times_in_the_ward_s_words(data, message, tmp_path, capsys):
    """Issue 16 (one wording), issue 14 §3: "6 Nov 08:06 is in the future" was already in the
    ward's words; a duplicate weight or dose, or an escalation before the start, said
    "2026-11-02T09:00-06:00". Every time in a problem is written as the screens write it."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    assert main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err, err


def test_a_year_slip_at_new_year_is_named_with_the_years(tmp_path, capsys):
    """Review of issue 16's wording change: "escalation at 2 Jan 09:00 is before the anakinra
    start 30 Dec 11:00" reads as false and hides the mistake (2026 typed for 2027). Times in a
    problem carry their year."""
    data = case(now="2027-01-03T08:00:00-06:00", infusion_at="2026-12-28T10:00:00-06:00",
                weights=[{"at": "2026-12-27T09:00:00-06:00", "kg": 23.4}],
                temperatures=[temp("2026-12-30T07:00:00-06:00", 38.7), temp("2026-12-30T11:00:00-06:00", 38.9)],
                escalations=[{"at": "2026-01-02T09:00:00-06:00", "by": "Dr A", "reason": "CRS"}])
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    assert main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "escalation at 2 Jan 2026 09:00 is before the anakinra start 30 Dec 2026 11:00" in err, err


def _problems(c: dict) -> list[str]:
    with pytest.raises(CaseError) as err:
        evaluate_text(json.dumps(c))
    return [str(p) for p in err.value.problems]


def test_a_file_s_time_zone_and_year_problems_are_listed_beside_a_schema_problem():
    """case-format rev 2: one line per problem. With an unknown field, the bad time zone and the
    date in 1800 went unsaid until the first was fixed (found in review)."""
    c = case(temperatures=[temp("1800-11-04T07:00:00-06:00", 37)])
    c["timezone"] = "Mars/Olympus"
    c["mood"] = "fine"
    said = _problems(c)
    assert any(p.startswith("mood:") for p in said)
    assert any(p.startswith("timezone: 'Mars/Olympus' is not a known time zone") for p in said)
    assert any(p.startswith("temperatures[0].at: ") and "outside the years 1900–2199" in p for p in said)


def test_free_text_that_looks_like_a_date_is_not_judged_as_one():
    """Found in review: with an unknown field, a reason "1850-01-01" was called outside 1900–2199."""
    c = case(medications=[{"at": "2026-11-04T07:00:00-06:00", "drug": "acetaminophen", "dose_mg": 200,
                           "reason": "1850-01-01"}])
    c["mood"] = "fine"
    assert [p.split(":")[0] for p in _problems(c)] == ["mood"]
