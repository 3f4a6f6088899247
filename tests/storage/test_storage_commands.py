"""The storage commands: import-case / export-case round trip, evaluate --mrn, help, errors."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from pacer_desktop.cli import main
from pacer_desktop.core.caseio import parse_case
from pacer_desktop.core.result import output_data
from pacer_desktop.evaluation import evaluate_text
from pacer_desktop.storage import Store
from tests.paths import EXAMPLES

CASES = sorted(EXAMPLES.glob("*.case.json"))

#: The commands import worked examples: their clock is after the examples' times (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("examples_clock")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_examples_are_found():
    assert len(CASES) >= 5


@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.name)
def test_export_after_import_evaluates_like_the_case_file(case_file, capsys, people):
    mrn = case_file.name.split(".")[0]
    code, out, err = _run(capsys, "import-case", str(case_file), "--mrn", mrn, "--name", "Test Patient",
                          *people.of("prescriber"), "--workstation", "pc-1")
    assert code == 0, err
    now = json.loads(case_file.read_text()).get("now")
    argv = ["export-case", "--mrn", mrn] + (["--now", now] if now else [])
    code, exported, err = _run(capsys, *argv)
    assert code == 0, err
    assert output_data(evaluate_text(exported)) == output_data(evaluate_text(case_file.read_bytes()))
    with Store.open() as s:
        assert s.verify() == []
        # every row the command wrote (the ward's accounts were made beforehand, elsewhere)
        assert {a["workstation"] for a in s.audit() if a["entered_by"] == "PR"} == {"pc-1"}


def test_evaluate_mrn_evaluates_the_stored_patient(capsys, people):
    case_file = CASES[0]
    assert _run(capsys, "import-case", str(case_file), "--mrn", "X1", "--name", "A", *people.of("prescriber"))[0] == 0
    code, out, err = _run(capsys, "evaluate", "--mrn", "X1")
    assert code == 0, err
    stored = json.loads(out)
    exported = json.loads(_run(capsys, "export-case", "--mrn", "X1", "--now", stored["now"])[1])
    again = output_data(evaluate_text(json.dumps(exported)))
    assert stored == again


def test_evaluate_mrn_at_a_given_time_matches_the_case_file(capsys, people):
    """``evaluate --mrn X --now T`` answers as the case file with ``now`` T does: a pharmacist can
    check what the rules said at a past moment (every example, at its own ``now``)."""
    for case_file in CASES:
        data = json.loads(case_file.read_text())
        if not data.get("now"):
            continue
        mrn = case_file.name.split(".")[0]
        assert _run(capsys, "import-case", str(case_file), "--mrn", mrn, "--name", "A", *people.of("prescriber"))[0] == 0
        code, out, err = _run(capsys, "evaluate", "--mrn", mrn, "--now", data["now"])
        assert code == 0, err
        assert json.loads(out) == output_data(evaluate_text(case_file.read_bytes()))
    code, out, err = _run(capsys, "evaluate", "--mrn", mrn, "--now", "2026-11-04 07:00")
    assert code == 2 and "--now" in err and "UTC offset" in err and "Traceback" not in err
    code, out, err = _run(capsys, "evaluate", str(CASES[0]), "--now", "2026-11-04T07:00:00Z")
    assert code == 2 and "--now goes with --mrn" in err


def test_an_invalid_case_is_not_imported(capsys, db_path, people):
    text = json.loads(CASES[0].read_text())
    text["temperatures"][0]["value"] = 55
    bad = db_path.with_name("bad.case.json")
    bad.write_text(json.dumps(text))
    code, out, err = _run(capsys, "import-case", str(bad), "--mrn", "X1", "--name", "A", *people.of("prescriber"))
    assert code == 2 and "temperatures[0].value" in err and "Traceback" not in err
    with Store.open() as s:
        # nothing but the sign-in (issue 18: every sign-in is audited)
        assert s.patients() == [] and [a["action"] for a in s.audit() if a["entered_by"] == "PR"] == ["sign in"]


def test_a_duplicate_mrn_or_unknown_patient_is_a_clear_error(capsys, people):
    assert _run(capsys, "import-case", str(CASES[0]), "--mrn", "X1", "--name", "A", *people.of("prescriber"))[0] == 0
    code, _, err = _run(capsys, "import-case", str(CASES[0]), "--mrn", "X1", "--name", "B", *people.of("prescriber"))
    assert code == 2 and "already belongs" in err  # what was asked, not a failure: exit 2
    code, _, err = _run(capsys, "export-case", "--mrn", "nobody")
    assert code == 2 and "no patient" in err
    code, _, err = _run(capsys, "import-case", str(CASES[0]), "--mrn", "X2", "--name", "B", *people.signed("AB"))
    assert code == 2 and "not recognised" in err  # bad input: exit 2 (issue 17, point 10)


def test_db_option_chooses_the_file(tmp_path, capsys, people):
    other = tmp_path / "elsewhere" / "other.sqlite3"
    other.parent.mkdir()
    people.create(other)
    assert _run(capsys, "--db", str(other), "import-case", str(CASES[0]), "--mrn", "X1", "--name", "A",
                *people.of("prescriber"))[0] == 0
    assert other.exists()


@pytest.mark.parametrize("command", ["import-case", "export-case", "verify-db", "backup", "restore", "evaluate"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_export_now_must_have_an_offset(capsys, people):
    _run(capsys, "import-case", str(CASES[0]), "--mrn", "X1", "--name", "A", *people.of("prescriber"))
    code, _, err = _run(capsys, "export-case", "--mrn", "X1", "--now", "2026-11-06T08:00:00")
    assert code == 2 and "--now" in err


def test_export_all_writes_each_patient_as_the_engine_sees_it(capsys, people):
    for n, case_file in enumerate(CASES):
        assert _run(capsys, "import-case", str(case_file), "--mrn", f"M{n}", "--name", f"P{n}",
                    *people.of("prescriber"))[0] == 0
    code, out, err = _run(capsys, "export-case", "--all")
    assert code == 0, err
    exported = [parse_case(line) for line in out.splitlines()]
    with Store.open() as s:
        assert exported == [s.case_for(p.id) for p in s.patients()]


# --- the patient as known at a moment --------------------------------------------------------

def test_evaluate_and_export_at_a_past_moment_leave_out_what_came_later(capsys, people):
    """``--mrn X --now T`` is the stored patient as known at T: entries later than T + 5 minutes
    (the protocol's temperature.future_tolerance_min, rules §2) are left out, not refused; an
    entry at T + 5 minutes still counts as taken at T."""
    case_file = CASES[0]  # entries from 3 to 5 November
    data = json.loads(case_file.read_text())
    assert _run(capsys, "import-case", str(case_file), "--mrn", "X1", "--name", "A", *people.of("prescriber"))[0] == 0
    moment = "2026-11-04T10:55:00-06:00"  # the 11:00 reading and assessment are 5 minutes later
    latest = datetime.fromisoformat(moment) + timedelta(minutes=5)
    known = dict(data, now=moment)
    for kind in ("weights", "temperatures", "assessments", "medications", "escalations"):
        known[kind] = [e for e in data[kind] if datetime.fromisoformat(e["at"]) <= latest]
    assert len(known["temperatures"]) == 3 and len(known["assessments"]) == 2 and known["medications"] == []
    expected = output_data(evaluate_text(json.dumps(known)))

    code, out, err = _run(capsys, "evaluate", "--mrn", "X1", "--now", moment)
    assert code == 0, err
    assert json.loads(out) == expected

    code, exported, err = _run(capsys, "export-case", "--mrn", "X1", "--now", moment)
    assert code == 0, err
    assert output_data(evaluate_text(exported)) == expected
    assert [t["at"] for t in json.loads(exported)["temperatures"]] == [t["at"] for t in known["temperatures"]]

    code, out, err = _run(capsys, "export-case", "--all", "--now", moment)
    assert code == 0, err
    assert output_data(evaluate_text(out)) == expected
    with Store.open() as s:  # the stored patient is untouched
        assert len(s.case_for(s.patient_by_mrn("X1").id).temperatures) == len(data["temperatures"])


def test_now_outside_the_years_1900_to_2199_is_refused(capsys, people):
    assert _run(capsys, "import-case", str(CASES[0]), "--mrn", "X1", "--name", "A", *people.of("prescriber"))[0] == 0
    for argv in (["evaluate", "--mrn", "X1"], ["export-case", "--mrn", "X1"]):
        code, out, err = _run(capsys, *argv, "--now", "9999-12-31T23:00:00-06:00")
        assert code == 2 and err.startswith("--now: ") and "1900–2199" in err and "Traceback" not in err


def test_a_time_written_as_digits_is_not_imported(capsys, db_path, people):
    """case-format: a string of digits is not an ISO 8601 time; import-case stores nothing."""
    text = json.loads(CASES[0].read_text())
    text["infusion_at"] = "1795870800"
    bad = db_path.with_name("digits.case.json")
    bad.write_text(json.dumps(text))
    code, out, err = _run(capsys, "import-case", str(bad), "--mrn", "X1", "--name", "A", *people.of("prescriber"))
    assert code == 2 and "infusion_at: '1795870800' is not an ISO 8601" in err and "Traceback" not in err
    with Store.open() as s:
        assert s.patients() == []


def test_text_over_its_limit_is_named_by_its_place_in_the_case(capsys, db_path, people):
    """issue 17 §10: sensible limits on every text field, the message naming the field; a case
    has many ``by`` and ``reason`` fields, so the message names which (case-format)."""
    text = json.loads((EXAMPLES / "02-escalation-capped-dose.case.json").read_text())
    text["escalations"][0]["by"] = "x" * 201
    bad = db_path.with_name("long.case.json")
    bad.write_text(json.dumps(text))
    code, out, err = _run(capsys, "import-case", str(bad), "--mrn", "X1", "--name", "A", *people.of("prescriber"))
    assert code == 2 and "escalations[0].by: at most 200 characters (this one has 201)" in err
    with Store.open() as s:
        assert s.patients() == []


@pytest.mark.parametrize("argv", [["evaluate", "--mrn", "X1"], ["export-case", "--mrn", "X1"],
                                  ["export", "redcap", "--out", "{tmp}/study", "--mrn", "X1"],
                                  ["export", "fhir", "--mrn", "X1", "-o", "{tmp}/bundle.json"]])
def test_a_now_later_than_the_clock_is_refused_naming_it(argv, capsys, people, tmp_path):
    """rules §2 rev 2: the rules never act on an entry that has not happened yet; a --now a year
    ahead showed lines missed and days graded 0 that had not come (found in review)."""
    assert _run(capsys, "import-case", str(CASES[0]), "--mrn", "X1", "--name", "A", "--study-id", "PACER-001",
                *people.of("prescriber"))[0] == 0
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--now", "2100-01-01T00:00:00+00:00"]
    code, out, err = _run(capsys, *args, *(people.of("research") if argv[0] == "export" else []))
    assert code == 2 and out == ""
    assert err.startswith("--now:") and "later than this workstation's clock" in err, err
    assert not (tmp_path / "study").exists() and not (tmp_path / "bundle.json").exists()
