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
