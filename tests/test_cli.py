"""The command line's own behaviour: version, schema, help for every command."""

from __future__ import annotations

import json

import pytest

from pacer_desktop import __version__
from pacer_desktop.cli import build_parser, main


def test_version_names_application_and_protocol(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert f"pacer-desktop {__version__}" in out and "protocol pacer-1 (sha256 " in out


def test_schema_is_the_case_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["type"] == "object"
    assert {"temperatures", "assessments", "weights", "eligibility", "now", "timezone"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def _commands():
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert "usage: pacer-desktop" in capsys.readouterr().out


@pytest.mark.parametrize("argv, expected", [
    ([], (True, None)),
    (["--db", "ward.sqlite3"], (True, "ward.sqlite3")),
    (["--db=ward.sqlite3"], (True, "ward.sqlite3")),
    (["--db"], (False, None)),             # the full parser says what is missing
    (["--db", "--version"], (False, None)),
    (["--version"], (False, None)),
    (["evaluate", "case.json"], (False, None)),
    (["--db", "x.sqlite3", "list-patients"], (False, None)),
])
def test_only_a_bare_start_or_db_skips_the_full_parser(argv, expected):
    """The window opens without building every command's parser; anything else is parsed in full."""
    from pacer_desktop.cli import window_request
    assert window_request(argv) == expected


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_schema_describes_the_rev_2_fields(capsys):
    """case-format rev 2: restarts, dose outcomes, a dose's line; who and why required."""
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    defs = schema["$defs"]
    assert {"restarts", "dose_outcomes"} <= set(schema["properties"])
    assert defs["DoseOutcome"]["properties"]["outcome"]["enum"] == ["held", "refused", "omitted"]
    assert set(defs["DoseOutcome"]["required"]) == {"line", "outcome", "at", "by", "reason"}
    assert {"by", "reason"} <= set(defs["Restart"]["required"]) and {"by", "reason"} <= set(defs["Escalation"]["required"])
    assert defs["Medication"]["properties"]["for_line"]["anyOf"][0] == {"minimum": 1, "type": "integer"}


def test_schema_numbers_are_json_numbers_only(capsys):
    """case-format rev 2: a number written as a string is refused, so the schema must not offer it."""
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    offers_text = [n for n in _walk(schema) if n.get("anyOf") and {"type": "number"} in n["anyOf"]
                   and {"type": "string"} in n["anyOf"]]
    assert offers_text == []
