"""Case JSON in, readable problems out: every problem names its field (case-format).

pydantic validates case JSON here, over the core's dataclasses, through :mod:`.validation`
(imported on first use), the same validator and the same words as for bedside entries
(:func:`checked`) and stored rows.

What pydantic's JSON mode cannot see is read first by :mod:`json` (case-format rev 2, "What a
valid file is"): a key given twice in one object (pydantic keeps the last), ``NaN`` and
``Infinity``, and every number exactly as written (pydantic reads JSON numbers through binary
floating point: ``23.39999999999999999`` becomes 23.4). After pydantic has validated the file,
each Decimal of the case is replaced by the number as written, and a number written as text
(``"38.6"``, which pydantic's strict JSON mode accepts for a Decimal) is refused.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from . import validation
from .case import Case
from .errors import CaseError, Problem
from .timeutil import check_year, check_zone_name
from .validation import clipped, field_path


def json_schema() -> dict[str, Any]:
    """The JSON schema of a case file (``pacer-desktop schema``).

    pydantic describes a decimal as "a number or a string"; a case file must write numbers as
    JSON numbers (case-format rev 2), so the schema says number."""
    return _numbers_only(validation.adapter(Case).json_schema())


def _numbers_only(node: Any) -> Any:
    if isinstance(node, dict):
        options = node.get("anyOf")
        if isinstance(options, list) and {"type": "number"} in options:
            kept = [o for o in options if o != {"type": "string"}]
            node = {k: v for k, v in node.items() if k != "anyOf"} | (kept[0] if len(kept) == 1 else {"anyOf": kept})
        return {key: _numbers_only(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_numbers_only(value) for value in node]
    return node


#: A number in a case is at most this many powers of ten away from 1 (1e-100 to 1e100). Not a
#: clinical number: 1e400 is a typing or export error, never a value, and far beyond the decimal
#: context (Emax) the engine's arithmetic would raise instead of refusing it by name.
MAX_EXPONENT = 100

class _Object(dict):
    """A JSON object, with the keys that were given more than once in it."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    out = _Object(pairs)
    if len(out) < len(pairs):
        seen: set[str] = set()
        out.repeated = tuple(dict.fromkeys(k for k, _ in pairs if k in seen or seen.add(k)))
    return out


class _Unreadable:
    """A number the file has that a case cannot hold: ``NaN``, ``Infinity`` or ``-Infinity`` (JSON
    has no such numbers), or one whose exponent Python cannot even write down (``1e99999…``)."""

    def __init__(self, text: str, problem: str) -> None:
        self.text, self.problem = text, problem


def _constant(text: str) -> _Unreadable:
    return _Unreadable(text, f"{text} is not a number; write a finite number")


def _decimal(text: str) -> Decimal | _Unreadable:
    try:
        return Decimal(text)
    except InvalidOperation:
        return _Unreadable(text, f"{clipped(text)} is too large or too small to be a value in a case")


def _integer(text: str) -> int | _Unreadable:
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (4300)
        digits = len(text.lstrip("-"))
        return _Unreadable(text, f"{clipped(text)} has too many digits ({digits}) to be a value in a case")


def _read_json(text: str | bytes) -> Any:
    """The file's JSON with every number as written (Decimal or int); raises ValueError."""
    return json.loads(text, object_pairs_hook=_object, parse_float=_decimal, parse_int=_integer,
                      parse_constant=_constant)


def _number_problem(value: Decimal | int) -> str | None:
    number = Decimal(value)
    if number and abs(number.adjusted()) > MAX_EXPONENT:
        return f"{clipped(str(number))} is too {'large' if number.adjusted() > 0 else 'small'} to be a value in a case"
    return None


def _json_problems(node: Any, loc: tuple = ()) -> list[Problem]:
    """What only the JSON text shows: keys given twice, NaN and Infinity, absurd exponents."""
    out: list[Problem] = []
    if isinstance(node, _Object):
        out += [Problem(field_path((*loc, key)), "given more than once in the same object; give it once")
                for key in node.repeated]
        for key, value in node.items():
            out += _json_problems(value, (*loc, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _json_problems(value, (*loc, i))
    elif isinstance(node, _Unreadable):
        out.append(Problem(field_path(loc), node.problem))
    elif isinstance(node, (Decimal, int)) and not isinstance(node, bool):
        text = _number_problem(node)
        if text:
            out.append(Problem(field_path(loc), text))
    return out


def _as_written(value: Any, raw: Any, loc: tuple, problems: list[Problem]) -> Any:
    """``value`` (validated by pydantic) with each Decimal replaced by the number in ``raw``, the
    same place in the file as :mod:`json` read it; a number written as text is a problem."""
    if isinstance(value, Decimal):
        if isinstance(raw, str):
            problems.append(Problem(field_path(loc), f"{raw!r} is text; write the number without quotes"))
            return value
        return Decimal(raw) if isinstance(raw, (Decimal, int)) and not isinstance(raw, bool) else value
    if isinstance(value, tuple) and isinstance(raw, list):
        items = tuple(_as_written(v, r, (*loc, i), problems) for i, (v, r) in enumerate(zip(value, raw)))
        return items if any(a is not b for a, b in zip(items, value)) else value
    if dataclasses.is_dataclass(value) and isinstance(raw, dict):
        changes = {}
        for f in dataclasses.fields(value):
            if f.name in raw:
                old = getattr(value, f.name)
                new = _as_written(old, raw[f.name], (*loc, f.name), problems)
                if new is not old:
                    changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


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


#: A date, or a date and time, as a case file writes them (ISO 8601).
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:[Tt ][\d:.]+(?:[Zz]|[+-]\d{2}:?\d{2})?)?")


def _raw_zone_and_years(raw: Any, loc: tuple = ()) -> list[Problem]:
    """The time zone and every date outside the years 1900–2199, read from the JSON itself: what the
    models would say of them, for a file the models refused for something else."""
    out: list[Problem] = []
    if not loc and isinstance(raw, dict) and isinstance(raw.get("timezone"), str):
        if zone := check_zone_name(raw["timezone"]):
            out.append(Problem("timezone", zone))
    if isinstance(raw, dict):
        for key, value in raw.items():
            out += _raw_zone_and_years(value, (*loc, key))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            out += _raw_zone_and_years(value, (*loc, i))
    elif isinstance(raw, str) and loc and _is_date_field(loc[-1]) and _ISO_DAY.fullmatch(raw):
        try:
            written = datetime.fromisoformat(raw) if len(raw) > len("2026-11-04") else date.fromisoformat(raw)
        except ValueError:
            return out  # the models say what is wrong with it
        if text := check_year(written):
            out.append(Problem(field_path(loc), text))
    return out


def _is_date_field(key: object) -> bool:
    """A field that holds a date or a time: ``at``, ``now``, ``…_at``, ``…_on``, ``date_of_birth``
    (a reason or a name that happens to look like a date is text)."""
    return isinstance(key, str) and (key in ("at", "now", "date_of_birth") or key.endswith(("_at", "_on")))


def _below(field: str, taken: set[str]) -> bool:
    """Whether ``field`` is one of ``taken`` or inside one of them."""
    return any(field == t or field.startswith((f"{t}.", f"{t}[")) or t == "case" for t in taken)


#: UTF-8's and UTF-16's byte-order marks: a case file is UTF-8 without one.
_BYTE_ORDER_MARKS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def parse_case(text: str | bytes) -> Case:
    """Parse a case file's text; raises :class:`CaseError` listing every problem.

    Refused (case-format rev 2): keys given twice, numbers written as text, NaN and Infinity, a
    time zone that :func:`.timeutil.check_zone_name` does not know, dates and times outside the
    years 1900–2199, and whatever the models refuse. Numbers are kept exactly as written.
    """
    if text.startswith(_BYTE_ORDER_MARKS if isinstance(text, bytes) else "\ufeff"):  # as Notepad may save a file
        raise CaseError([Problem("case", "the file starts with a byte-order mark: save it as UTF-8"
                                         " without a byte-order mark (BOM)")])
    try:
        raw = _read_json(text)
        problems = _json_problems(raw)  # as deep as json.loads went, one frame a level
    except UnicodeDecodeError as exc:
        raise CaseError([Problem("case", f"not text in UTF-8 (byte {exc.start + 1} cannot be read):"
                                         " save the file as UTF-8")]) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, nested too deeply
        detail = ("nested too deeply" if isinstance(exc, RecursionError)
                  else exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or type(exc).__name__)
        raise CaseError([Problem("case", f"not valid JSON ({detail})")]) from None
    taken = {p.field for p in problems}
    try:
        case = validation.load(Case, text)
    except CaseError as exc:
        problems += [p for p in exc.problems if not _below(p.field, taken)]
        # one line per problem (case-format rev 2): the zone and the years are judged on the text too
        problems += [p for p in _raw_zone_and_years(raw) if not _below(p.field, {q.field for q in problems})]
        raise CaseError(problems) from None
    case = _as_written(case, raw, (), problems)
    if case.timezone is not None and (zone := check_zone_name(case.timezone)):
        problems.append(Problem("timezone", zone))  # "" would become the machine's zone (case-format rev 2)
    problems += _dates(case)  # year 9999 overflowed in the engine's arithmetic (exit 1)
    if problems:
        raise CaseError(problems)
    return case


def checked(cls: type, data: Any) -> Any:
    """A bedside entry (a mapping or an instance) checked field by field; raises :class:`CaseError`."""
    return validation.check(cls, data)
