"""The one validator: every way into the core's models is checked here by pydantic, in the ward's words.

The core's models are standard library frozen dataclasses; pydantic validates them through a
``TypeAdapter`` (one per model, built on first use and kept). Four ways in, one wording:

- a case file's JSON (:func:`.caseio.parse_case`) and a stored row's JSON (:func:`load`): pydantic's
  strict JSON mode, as the models' ``__pydantic_config__`` (:data:`STRICT`) asks (dates and times
  are first held to ISO 8601 text by :class:`Aware` and :class:`IsoDate`, then read as pydantic reads
  JSON text);
- the protocol file (:func:`.protocol.parse_protocol`): its TOML read as the same JSON document;
- values from a bedside form or a database row (:func:`check`): Python objects, so pydantic's
  lax Python mode, which builds a date from ``"2026-10-20"``, a tuple from a list and a nested model
  from a dict, and still refuses ``True`` for a number and NaN for a Decimal.

pydantic is imported on first use, never when the models are imported. Each pydantic error becomes
a :class:`.errors.Problem` naming the field (``temperatures[3].value``) with a message of ours
(:func:`describe`); the same mistake reads the same from a file and at the bedside.

Out: :func:`json_data` turns a model into JSON-ready data as it is stored (Decimals as text, times in
ISO 8601), :func:`dump` into compact JSON text; :func:`fields_of` gives its fields, shallow.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Callable

from .errors import CaseError, Problem

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError

#: Every model's ``__pydantic_config__``: strict types, no unknown fields, and an instance built
#: without checks (a form's) checked again like a dict.
STRICT = {"strict": True, "extra": "forbid", "revalidate_instances": "always"}

#: Where to check the spelling of a case's fields.
CASE_GUIDE = "`pacer-desktop schema`"


#: A date as a case writes it (case-format: ISO 8601), alone or at the start of a date and time.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def not_a_time(value: Any) -> str:
    return f"{shown(value)} is not an ISO 8601 date and time with a UTC offset"


def not_a_date(value: Any) -> str:
    return f"{shown(value)} is not a date like 2026-10-20"


def _written_out(schema: Any, message: Callable[[Any], str], *, time: bool) -> Any:
    """``schema`` for a date and time (``time``) given as text that starts with the date written out
    (``2026-11-04T…``), or for a date given as exactly that date; or as the object itself (a
    form's). pydantic would read a number, or a string of digits such as "1795870800" or
    "20261102", as seconds since 1970. The text is then read as pydantic reads a JSON string (a
    function's result is checked in Python's mode, which would also take a date and time for a
    date: hence ``fullmatch`` for a date)."""
    from pydantic_core import core_schema
    kind = datetime if time else date

    def check_text(value: Any) -> Any:
        if isinstance(value, str) and (_DATE.match(value) if time else _DATE.fullmatch(value)):
            return value
        if isinstance(value, kind) and (time or not isinstance(value, datetime)):
            return value
        raise ValueError(message(value))
    return core_schema.no_info_before_validator_function(check_text, {**schema, "strict": False})


class Aware:
    """An ``Annotated`` marker: a time written in ISO 8601 with a UTC offset, never naive
    (pydantic's ``tz_constraint``)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return _written_out({**handler(source), "tz_constraint": "aware"}, not_a_time, time=True)


class IsoDate:
    """An ``Annotated`` marker: a date written in ISO 8601 (``2026-10-20``)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return _written_out(handler(source), not_a_date, time=False)


class Ge:
    """An ``Annotated`` marker: a number at least ``ge`` (pydantic's ``ge``; a failure reads
    "must be 0 or more"). Written here, like :class:`Aware`, rather than taken from
    ``annotated_types``: importing that package (and ``typing_extensions`` with it) costs about
    100 M instructions on every start, a fifth of a bare Qt window's start (issue 16)."""

    def __init__(self, ge: int) -> None:
        self.ge = ge

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), "ge": self.ge}


class Gt:
    """An ``Annotated`` marker: a number more than ``gt`` (pydantic's ``gt``), as :class:`Ge`."""

    def __init__(self, gt: int) -> None:
        self.gt = gt

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), "gt": self.gt}


class NonBlank:
    """An ``Annotated`` marker: text with something in it, not empty and not only spaces
    (case-format rev 2: who decided, and why). pydantic searches the pattern: one character that
    is not white space."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), "pattern": r"\S"}


@cache
def adapter(tp: Any) -> TypeAdapter:
    """pydantic's validator of ``tp``, built once (building one costs milliseconds)."""
    from pydantic import TypeAdapter
    return TypeAdapter(tp)


def check(tp: Any, data: Any, *, guide: str = CASE_GUIDE) -> Any:
    """``tp`` from Python values (a mapping, or an instance to check again); raises
    :class:`.errors.CaseError` naming each field that is wrong."""
    from pydantic import ValidationError
    try:
        return adapter(tp).validate_python(data, strict=False)
    except ValidationError as exc:
        raise CaseError(problems(exc, guide=guide)) from None


def load(tp: Any, text: str | bytes, *, guide: str = CASE_GUIDE, top: str = "case") -> Any:
    """``tp`` from JSON text written by :func:`dump` (or by the pydantic of earlier versions);
    raises :class:`.errors.CaseError` naming each field that is wrong (the whole document is ``top``)."""
    from pydantic import ValidationError
    try:
        return adapter(tp).validate_json(text)
    except ValidationError as exc:
        raise CaseError(problems(exc, guide=guide, top=top)) from None


# ---- the ward's words --------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def field_path(loc: tuple, top: str = "case") -> str:
    """``('temperatures', 3, 'value')`` → ``temperatures[3].value``; the whole document is ``top``.

    A key that is not a name (``""``, ``"x.y"``, one with a line break in it: unknown fields
    typed by hand) is written in JSON quotes, ``temperatures[2]["x.y"]``, so that the path is one
    line and says which key it was; a path that would not start with a name starts with ``top``
    (``case[0]`` in a file that is a list)."""
    out = ""
    for part in loc:
        if isinstance(part, str) and _NAME.fullmatch(part):
            out += f".{clipped(part)}" if out else clipped(part)
        else:
            out = (out or top) + (f"[{part}]" if isinstance(part, int) else f"[{clipped(json.dumps(str(part)))}]")
    return out or top


#: How much of a value a message quotes (a number may be thousands of characters long).
SHOWN_CHARS = 100


def clipped(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def shown(value: Any) -> str:
    """A value as a message quotes it: text in quotes, the rest as written, long ones cut."""
    return clipped(repr(value) if isinstance(value, str) else str(value))


#: pydantic's error types → our words; ``{got}`` is the value given, ``{expected}``, ``{ge}``,
#: ``{gt}`` and ``{guide}`` come from the error.
_WORDS = {
    "missing": "required",
    "missing_keyword_only_argument": "required",
    "missing_argument": "required",
    "extra_forbidden": "unknown field (check the spelling against {guide})",
    "unexpected_keyword_argument": "unknown field (check the spelling against {guide})",
    "literal_error": "{got} is not a known value; expected {expected}",
    "timezone_aware": "{got} has no UTC offset; write it like 2026-11-04T07:00:00-06:00",
    "finite_number": "must be a finite number",
    "string_pattern_mismatch": "must not be empty",  # NonBlank, the only pattern in a model
    "greater_than_equal": "must be {ge} or more (got {got})",
    "greater_than": "must be more than {gt} (got {got})",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dataclass_type": "must be a JSON object",
    "dataclass_exact_type": "must be a JSON object",
    "dict_type": "must be a table of names and values",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "too_short": "must have {expected_len} items (got {actual_length})",
    "too_long": "must have {expected_len} items (got {actual_length})",
    "decimal_type": "must be a number (got {got})",
    "decimal_parsing": "must be a number (got {got})",
    "int_type": "must be a whole number (got {got})",
    "int_parsing": "must be a whole number (got {got})",
    "int_from_float": "must be a whole number (got {got})",
    "bool_type": "must be true or false (got {got})",
    "bool_parsing": "must be true or false (got {got})",
    "string_type": "must be text (got {got})",
}


def describe(err: dict, guide: str = CASE_GUIDE) -> str:
    """One pydantic error in our words."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "value_error":  # a model's own consistency check (__post_init__)
        return str(ctx.get("error", err["msg"]))
    if kind.startswith("datetime"):
        return not_a_time(value)
    if kind.startswith("date"):
        return not_a_date(value)
    if kind == "json_invalid":
        return f"not valid JSON ({ctx.get('error', err['msg'])})"
    words = _WORDS.get(kind)
    if words is None:  # not met in a case; pydantic's own message, with the value
        return f"{err['msg'][0].lower()}{err['msg'][1:]} (got {shown(value)})" if "input" in err else err["msg"]
    return words.format(got=shown(value), guide=guide, expected=ctx.get("expected", ""),
                        ge=ctx.get("ge"), gt=ctx.get("gt"), actual_length=ctx.get("actual_length"),
                        expected_len=ctx.get("max_length", ctx.get("min_length")))


def _union_member(part: Any) -> bool:
    """Whether a part of an error's place is pydantic's name for one option of a union
    (``decimal``, ``literal['not_done']``), not a field: the models have one such union."""
    return part == "decimal" or (isinstance(part, str) and part.startswith("literal["))


def problems(exc: ValidationError, *, guide: str = CASE_GUIDE, top: str = "case") -> list[Problem]:
    """Every error of ``exc`` as a problem naming its field. A value that fits no option of a
    union (``dlco_pct``: a number or ``'not_done'``) is one problem, not one per option."""
    out: list[Problem] = []
    options: dict[tuple, list[dict]] = {}
    for err in exc.errors():
        loc = err["loc"]
        if loc and _union_member(loc[-1]):
            options.setdefault(loc[:-1], []).append(err)
            continue
        out.append(Problem(field_path(loc, top), describe(err, guide)))
    for loc, errs in options.items():
        expected = " or ".join("a number" if e["loc"][-1] == "decimal" else e.get("ctx", {}).get("expected", "")
                               for e in errs)
        out.append(Problem(field_path(loc, top), f"must be {expected} (got {shown(errs[0].get('input'))})"))
    return out


# ---- out ---------------------------------------------------------------------------------------

def fields_of(obj: Any) -> dict[str, Any]:
    """A model's fields as a dict, shallow (nested models stay models)."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def json_data(obj: Any) -> Any:
    """A model as JSON-ready data, as stored: Decimals as text, dates and times in ISO 8601, tuples as lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: json_data(value) for name, value in fields_of(obj).items()}
    if isinstance(obj, (list, tuple)):
        return [json_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: json_data(v) for k, v in obj.items()}
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    return obj


def dump(obj: Any) -> str:
    """Compact JSON of a model, as stored in the database (read back by :func:`load`)."""
    return json.dumps(json_data(obj), ensure_ascii=False, separators=(",", ":"))
