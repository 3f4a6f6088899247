"""Any case file at all: ``pacer-desktop evaluate`` exits 0 or 2, never 1, never a traceback.

case-format: a file that is not valid prints one line per problem on stderr, each starting with
the field's path (``temperatures[3].value:``, or ``case:`` for the whole file), and exits 2.
The files here are the valid example 01 with one value anywhere replaced by arbitrary JSON
(numbers of any size and any number of digits, NaN and Infinity, numbers written as text, times
in any year and offset, zone names, keys given twice), and arbitrary JSON documents. They go
through the real entry point, ``pacer_desktop.cli.main``, on standard input.

A catch-all that turned every failure into exit 2 would not pass: the lines must name fields.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
from datetime import timedelta, timezone
from decimal import Decimal
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacer_desktop.cli import main
from tests.core.casebuild import paths_in
from tests.paths import EXAMPLES

EXAMPLE = json.loads((EXAMPLES / "01-standard-course.case.json").read_text(), parse_float=Decimal)
# every field a case can have: an escalation, and the eligibility inputs of example 03
EXAMPLE["escalations"] = [{"at": "2026-11-05T03:00:00-06:00", "by": "Dr A", "reason": "CRS progression"}]
EXAMPLE["eligibility"] = json.loads((EXAMPLES / "03-eligibility-creatinine.case.json").read_text(),
                                    parse_float=Decimal)["eligibility"]

#: A field path as case-format writes it: a name (``case`` for the whole file), then ``.name``,
#: ``[n]`` or ``["any key"]`` (a key that is not a name, in JSON quotes).
FIELD_LINE = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*: \S')


# ---- writing JSON that json.dumps cannot: exact decimals, NaN, keys given twice --------------

class Pairs(list):
    """A JSON object as (key, value) pairs, so that a key may be given twice."""


def dump(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if value.is_nan():
            return "NaN"
        if value.is_infinite():
            return "-Infinity" if value < 0 else "Infinity"
        return str(value)
    if isinstance(value, float):
        return json.dumps(value)  # NaN, Infinity, -Infinity as Python's json writes them
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Pairs):
        return "{" + ", ".join(f"{json.dumps(k)}: {dump(v)}" for k, v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {dump(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(dump(v) for v in value) + "]"


class Raw:
    """JSON text written as it is (a number with more digits than any Python type keeps)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text!r})"


# ---- values ------------------------------------------------------------------------------------

offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
times = st.datetimes(timezones=offsets | st.none()).map(lambda d: d.isoformat())
days = st.dates().map(lambda d: d.isoformat())
zone_names = st.sampled_from(["America/Chicago", "UTC", "Europe/London", "", "America", "localtime",
                              "Factory", "posixrules", "a" * 300, "Mars/Olympus", "../etc/passwd", "US/Central",
                              "America/", "/UTC", "America//Chicago", "\x00", "Etc/GMT+12"])
digits = st.from_regex(r"-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][-+]?[0-9]{1,25})?", fullmatch=True)
numbers = (st.integers() | st.integers(-10**80, 10**80) | st.floats()
           | st.decimals(allow_nan=True, allow_infinity=True) | digits.map(Raw))
words = st.sampled_from(["C", "F", "ice", "capd", "none", "nasal_cannula", "anakinra", "female", "pacer-1",
                         "38.6", "23.4", "NaN", "Infinity", "1e400", " ", "true", "null", "-0"])
scalars = (st.none() | st.booleans() | numbers | st.text(max_size=20) | words | times | days | zone_names
           | numbers.map(dump))  # a number written as text
json_values = st.recursive(
    scalars,
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.text(max_size=8) | words, children, max_size=4)
                      | st.lists(st.tuples(st.text(max_size=3) | words, children), max_size=4).map(Pairs)),
    max_leaves=12,
)




PATHS = list(paths_in(EXAMPLE))


def _at(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


OBJECTS = [()] + [p for p in PATHS if isinstance(_at(EXAMPLE, p), dict)]
LISTS = [p for p in PATHS if isinstance(_at(EXAMPLE, p), list)] + [("restarts",), ("dose_outcomes",)]
LISTS = [p for p in LISTS if len(p) == 1]  # the case's lists of entries


def replaced(path: tuple, value: Any) -> Any:
    data = json.loads(dump(EXAMPLE), parse_float=Decimal)
    _at(data, path[:-1])[path[-1]] = value
    return data


def with_key_twice(path: tuple, key_index: int, value: Any) -> Pairs:
    """The example with one key of the object at ``path`` given again, with ``value``."""
    data = json.loads(dump(EXAMPLE), parse_float=Decimal)
    obj = _at(data, path)
    keys = list(obj)
    key = keys[key_index % len(keys)]
    pairs = Pairs(obj.items())
    pairs.insert(key_index % (len(pairs) + 1), (key, value))
    if not path:
        return pairs
    _at(data, path[:-1])[path[-1]] = pairs
    return data


# ---- the property --------------------------------------------------------------------------------

def run_cli(text: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8", "surrogatepass")), encoding="utf-8")
    with mock.patch.object(sys, "stdin", stdin), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["evaluate", "-"])
    return code, out.getvalue(), err.getvalue()


def assert_exit_0_or_2_naming_fields(text: str) -> None:
    code, out, err = run_cli(text)
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 0:
        json.loads(out)
        return
    assert out == ""
    lines = err.splitlines()
    assert lines, "exit 2 without a message"
    for line in lines:
        assert FIELD_LINE.match(line), f"does not start with a field path: {line!r}"


#: FUZZ_EXAMPLES=5000 for a longer search than the suite's.
SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def test_the_example_itself_evaluates():
    code, out, err = run_cli(dump(EXAMPLE))
    assert code == 0, err
    assert json.loads(out)["escalated_at"] and json.loads(out)["eligibility"]["verdict"]


@SETTINGS
@given(st.sampled_from(PATHS), json_values)
def test_any_value_in_any_field_exits_0_or_2_naming_the_field(path, value):
    assert_exit_0_or_2_naming_fields(dump(replaced(path, value)))


@SETTINGS
@given(st.sampled_from(OBJECTS), st.sampled_from(["", "x", "kg"]) | st.text(max_size=6), json_values)
def test_any_unknown_field_exits_0_or_2_naming_the_field(path, key, value):
    data = json.loads(dump(EXAMPLE), parse_float=Decimal)
    _at(data, path)[key] = value
    assert_exit_0_or_2_naming_fields(dump(data))


@SETTINGS
@given(st.sampled_from(OBJECTS), st.integers(0, 20), json_values)
def test_a_key_given_twice_is_refused_naming_it(path, index, value):
    code, _, err = run_cli(dump(with_key_twice(path, index, value)))
    assert code == 2 and "Traceback" not in err
    assert all(FIELD_LINE.match(line) for line in err.splitlines()), err
    assert "given more than once" in err


@SETTINGS
@given(st.sampled_from(LISTS), st.lists(json_values, max_size=3))
def test_any_entries_in_any_list_exit_0_or_2_naming_the_field(path, items):
    data = json.loads(dump(EXAMPLE), parse_float=Decimal)
    parent = _at(data, path[:-1])
    parent[path[-1]] = list(parent.get(path[-1], [])) + items
    assert_exit_0_or_2_naming_fields(dump(data))


@SETTINGS
@given(json_values | st.text(max_size=40))
def test_any_document_exits_0_or_2(value):
    assert_exit_0_or_2_naming_fields(value if isinstance(value, str) else dump(value))
