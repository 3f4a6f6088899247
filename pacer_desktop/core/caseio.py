"""Case JSON in, readable problems out: every problem names its field (case-format)."""

from __future__ import annotations

from pydantic import ValidationError

from .case import Case
from .errors import CaseError, Problem


def field_path(loc: tuple) -> str:
    """``('temperatures', 3, 'value')`` → ``temperatures[3].value``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "case"


def _describe(err: dict) -> str:
    kind, value = err["type"], err.get("input")
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
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
    if kind in ("model_type", "model_attributes_type"):
        return "must be a JSON object"
    if kind == "finite_number":
        return "must be a finite number"
    return f"{err['msg'][0].lower()}{err['msg'][1:]} (got {value!r})" if "input" in err else err["msg"]


def problems_from(exc: ValidationError) -> list[Problem]:
    return [Problem(field_path(err["loc"]), _describe(err)) for err in exc.errors()]


def parse_case(text: str | bytes) -> Case:
    """Parse a case file's text; raises :class:`CaseError` listing every problem."""
    try:
        return Case.model_validate_json(text)
    except ValidationError as exc:
        raise CaseError(problems_from(exc)) from None
