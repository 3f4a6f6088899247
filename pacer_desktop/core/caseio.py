"""Case JSON in, readable problems out: every problem names its field (case-format).

pydantic validates case JSON here, over the core's dataclasses (the constraint markers in
:mod:`.structure` tell it what to check). It is imported on first use, never at start-up: the
window builds its models from stored rows and checks bedside entries with :func:`.structure.build`.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from .case import Case
from .errors import CaseError, Problem
from .structure import StructureError, path_text
from .timeutil import check_year, check_zone_name

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError


def field_path(loc: tuple) -> str:
    """``('temperatures', 3, 'value')`` → ``temperatures[3].value``."""
    return path_text(loc) or "case"


@cache
def _adapter() -> TypeAdapter:
    from pydantic import TypeAdapter
    return TypeAdapter(Case)


def json_schema() -> dict[str, Any]:
    """The JSON schema of a case file (``pacer-desktop schema``)."""
    return _adapter().json_schema()


def _describe(err: dict) -> str:
    kind, value = err["type"], err.get("input")
    if kind == "missing":
        return "required"
    if kind in ("missing_keyword_only_argument", "missing_argument"):
        return "required"
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return "unknown field (check the spelling against `pacer-desktop schema`)"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{value!r} is not a known value; expected {expected}"
    if kind == "timezone_aware":
        return f"{value!r} has no UTC offset; write it like 2026-11-04T07:00:00-06:00"
    if kind.startswith("datetime"):
        return f"{value!r} is not an ISO 8601 date and time with a UTC offset"
    if kind.startswith("date"):
        return f"{value!r} is not a date like 2026-10-20"
    if kind == "json_invalid":
        return f"not valid JSON ({err.get('ctx', {}).get('error', err['msg'])})"
    if kind in ("model_type", "model_attributes_type", "dataclass_type", "dataclass_exact_type"):
        return "must be a JSON object"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "string_pattern_mismatch":  # structure.NonBlank, the only pattern in a case
        return "must not be empty"
    return f"{err['msg'][0].lower()}{err['msg'][1:]} (got {value!r})" if "input" in err else err["msg"]


def problems_from(exc: ValidationError | StructureError) -> list[Problem]:
    if isinstance(exc, StructureError):
        return [Problem(field_path(loc), text) for loc, text in exc.problems]
    return [Problem(field_path(err["loc"]), _describe(err)) for err in exc.errors()]


def _dates(value: Any, loc: tuple = ()) -> list[Problem]:
    """Every date and time of the case outside the years 1900–2199 (case-format rev 2)."""
    if isinstance(value, date):
        text = check_year(value)
        return [Problem(field_path(loc), text)] if text else []
    if isinstance(value, tuple):
        return [p for i, v in enumerate(value) for p in _dates(v, (*loc, i))]
    if dataclasses.is_dataclass(value):
        return [p for f in dataclasses.fields(value) for p in _dates(getattr(value, f.name), (*loc, f.name))]
    return []


def parse_case(text: str | bytes) -> Case:
    """Parse a case file's text; raises :class:`CaseError` listing every problem."""
    from pydantic import ValidationError
    try:
        case = _adapter().validate_json(text)
    except ValidationError as exc:
        raise CaseError(problems_from(exc)) from None
    problems = []
    if case.timezone is not None and (zone := check_zone_name(case.timezone)):
        problems.append(Problem("timezone", zone))  # "" would become the machine's zone (case-format rev 2)
    problems += _dates(case)  # year 9999 overflowed in the engine's arithmetic (exit 1)
    if problems:
        raise CaseError(problems)
    return case


def checked(cls: type, data: Any) -> Any:
    """A bedside entry (a mapping or an instance) checked field by field; raises :class:`CaseError`."""
    from .structure import build
    try:
        return build(cls, data)
    except StructureError as exc:
        raise CaseError(problems_from(exc)) from None
