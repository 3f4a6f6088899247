"""Frozen dataclasses for the core's models, and one checker that builds them safely from data.

Why not pydantic models in the core: importing pydantic and building the models took about
130 ms, more than the whole bare Qt window needs to appear, and the bedside window must open fast.
The core's models are therefore plain frozen dataclasses (``model`` below). Two ways in:

- :func:`build` — from plain data (a TOML table, stored JSON, a form's values, or an instance
  whose fields must be checked again). Every field is checked against its annotation: unknown
  fields, missing ones, wrong types, values outside a :class:`Literal`, and the constraints
  :class:`Ge`, :class:`Gt`, :class:`Finite`, :class:`NonBlank` and :class:`Aware`. Problems name the field.
- Case JSON from a file is still validated by pydantic at the boundary
  (:mod:`pacer_desktop.core.caseio`), imported only there: the same constraint markers tell it what
  to check, so both ways enforce the same rules.

:func:`to_data` turns a model back into JSON-ready data (Decimals as strings, times in ISO 8601).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

class Frozen:
    """Base of every model: frozen, compared and hashed by value, shown with its fields.

    Generic methods here, rather than generated per class by ``dataclass(frozen=True, eq=True)``:
    dataclasses compile up to six methods for each class, and with some forty models that was
    about 25 ms of the window's start-up. The classes are still dataclasses (``fields``,
    ``replace`` and pydantic's validation of case JSON work on them).
    """

    __slots__ = ()
    _init_fields: tuple[tuple[str, Any, Any], ...] = ()  # (name, default, default factory), by model()
    _compared: tuple[str, ...] = ()  # the fields __eq__ compares, by model()
    _hashed: tuple[str, ...] = ()  # the fields __hash__ hashes, by model()
    _positional = False  # model(positional=True): fields may also be given in order

    def __init__(self, *args: Any, **values: Any) -> None:
        """Keyword-only, like ``dataclass(kw_only=True)``, unless the model is ``positional``:
        every field given or defaulted."""
        if args:
            if not self._positional:
                raise TypeError(f"{type(self).__name__}() takes keyword arguments only")
            if len(args) > len(self._init_fields):
                raise TypeError(f"{type(self).__name__}() takes {len(self._init_fields)} arguments,"
                                f" {len(args)} given")
            for (name, _default, _factory), value in zip(self._init_fields, args):
                if name in values:
                    raise TypeError(f"{type(self).__name__}() got multiple values for {name!r}")
                values[name] = value
        own = self.__dict__
        for name, default, factory in self._init_fields:
            if name in values:
                own[name] = values.pop(name)
            elif default is not dataclasses.MISSING:
                own[name] = default
            elif factory is not dataclasses.MISSING:
                own[name] = factory()
            else:
                raise TypeError(f"{type(self).__name__}() missing argument {name!r}")
        if values:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments {', '.join(values)}")
        post_init = getattr(self, "__post_init__", None)
        if post_init is not None:
            post_init()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__:  # each field is set once, by __init__
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self, names: tuple[str, ...]) -> tuple:
        return tuple(self.__dict__[f] for f in names)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values(self._compared) == other._values(self._compared)

    def __hash__(self) -> int:
        return hash((self.__class__, self._values(self._hashed)))

    def __repr__(self) -> str:
        inside = ", ".join(f"{f}={self.__dict__[f]!r}" for f in self.__dataclass_fields__)
        return f"{self.__class__.__name__}({inside})"


def model(cls: type | None = None, *, positional: bool = False) -> Any:
    """A frozen dataclass, keyword-only unless ``positional``; ``cls`` must derive from :class:`Frozen`.
    Use as ``@model`` or ``@model(positional=True)``. Fields declared with ``field(compare=False)``
    or ``field(hash=False)`` are left out of comparing or hashing, as in a dataclass."""
    def make(cls: type) -> type:
        cls = dataclasses.dataclass(cls, init=False, eq=False, repr=False, match_args=False)
        fields = dataclasses.fields(cls)
        cls._init_fields = tuple((f.name, f.default, f.default_factory) for f in fields)
        cls._compared = tuple(f.name for f in fields if f.compare)
        cls._hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        cls._positional = positional
        return cls
    return make if cls is None else make(cls)

#: Read by pydantic when it validates case JSON: strict types and no unknown fields (caseio).
STRICT = {"strict": True, "extra": "forbid"}


class Constraint:
    """An ``Annotated`` marker: checked by :func:`build` and given to pydantic as the same rule."""

    key: str = ""

    def problem(self, value: Any) -> str | None:
        raise NotImplementedError

    def _schema_value(self) -> Any:
        return getattr(self, "bound", None)

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema[self.key] = self._schema_value()
        return schema


class Ge(Constraint):
    key = "ge"

    def __init__(self, bound: int) -> None:
        self.bound = bound

    def problem(self, value: Any) -> str | None:
        return None if value >= self.bound else f"must be {self.bound} or more (got {_shown(value)})"


class Gt(Constraint):
    key = "gt"

    def __init__(self, bound: int) -> None:
        self.bound = bound

    def problem(self, value: Any) -> str | None:
        return None if value > self.bound else f"must be more than {self.bound} (got {_shown(value)})"


class Finite(Constraint):
    key = "allow_inf_nan"

    def _schema_value(self) -> Any:
        return False

    def problem(self, value: Any) -> str | None:
        return None if value.is_finite() else "must be a finite number"


class NonBlank(Constraint):
    """Text with something in it: not empty and not only spaces (case-format rev 2: who and why)."""

    key = "pattern"

    def _schema_value(self) -> Any:
        return r"\S"  # pydantic searches: at least one character that is not white space

    def problem(self, value: Any) -> str | None:
        return None if value.strip() else "must not be empty"


class Aware(Constraint):
    """A time with a UTC offset (never naive)."""

    key = "tz_constraint"

    def _schema_value(self) -> Any:
        return "aware"

    def problem(self, value: Any) -> str | None:
        if value.tzinfo is None or value.utcoffset() is None:
            return f"{value.isoformat()!r} has no UTC offset; write it like 2026-11-04T07:00:00-06:00"
        return None


class StructureError(ValueError):
    """Data that does not fit a model; ``problems`` pairs each field path with what is wrong."""

    def __init__(self, problems: list[tuple[tuple, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path_text(loc)}: {text}" for loc, text in problems))


def path_text(loc: tuple) -> str:
    """``('temperatures', 3, 'value')`` → ``temperatures[3].value``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _literal_text(options: tuple) -> str:
    quoted = [repr(o) for o in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


@cache
def _fields(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, annotation, required) for each field of a model class.

    The model modules do not postpone annotations, so a field's type is already the object;
    resolving strings (``typing.get_type_hints``) is the fallback."""
    fields = dataclasses.fields(cls)
    if any(isinstance(f.type, str) for f in fields):
        hints = typing.get_type_hints(cls, include_extras=True)
    else:
        hints = {f.name: f.type for f in fields}
    return tuple((f.name, hints[f.name],
                  f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
                 for f in fields)


def build(cls: type, data: Any, loc: tuple = ()) -> Any:
    """An instance of model ``cls`` from ``data`` (a mapping or an instance), every field checked.

    Raises :class:`StructureError` listing every problem found, each with its field path.
    """
    problems: list[tuple[tuple, str]] = []
    out = _convert(cls, data, loc, problems)
    if problems:
        raise StructureError(problems)
    return out


_FAIL = object()

#: What a time or date must look like, by type (the words of the case-file messages).
_TIMES = {datetime: "is not an ISO 8601 date and time with a UTC offset", date: "is not a date like 2026-10-20"}


def _convert(tp: Any, value: Any, loc: tuple, problems: list) -> Any:  # noqa: C901 - one branch per kind
    origin = get_origin(tp)
    if origin is Annotated:
        base, *marks = get_args(tp)
        out = _convert(base, value, loc, problems)
        if out is not _FAIL and out is not None:
            for mark in marks:
                text = mark.problem(out) if isinstance(mark, Constraint) else None
                if text:
                    problems.append((loc, text))
                    return _FAIL
        return out
    if origin in (Union, types.UnionType):
        options = get_args(tp)
        if value is None:
            if type(None) in options:
                return None
            problems.append((loc, "required"))
            return _FAIL
        real = [o for o in options if o is not type(None)]
        if len(real) == 1:
            return _convert(real[0], value, loc, problems)
        for option in real:  # the first that fits, tried quietly
            trial: list = []
            out = _convert(option, value, loc, trial)
            if not trial:
                return out
        problems.append((loc, f"{_shown(value)} does not fit here"))
        return _FAIL
    if value is None:
        problems.append((loc, "required"))
        return _FAIL
    if origin is Literal:
        options = get_args(tp)
        if isinstance(value, str) and value in options:
            return value
        if not isinstance(value, (str, bool)) and value in options:
            return value
        problems.append((loc, f"{_shown(value)} is not a known value; expected {_literal_text(options)}"))
        return _FAIL
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            problems.append((loc, "must be a list"))
            return _FAIL
        args = get_args(tp)
        if args[-1] is Ellipsis:  # tuple[X, ...]
            items = [_convert(args[0], v, (*loc, i), problems) for i, v in enumerate(value)]
        else:
            if len(value) != len(args):
                problems.append((loc, f"must have {len(args)} items (got {len(value)})"))
                return _FAIL
            items = [_convert(a, v, (*loc, i), problems) for i, (a, v) in enumerate(zip(args, value))]
        return _FAIL if _FAIL in items else tuple(items)
    if origin is dict:
        if not isinstance(value, dict):
            problems.append((loc, "must be a table of names and values"))
            return _FAIL
        key_type, value_type = get_args(tp)
        out = {}
        for k, v in value.items():
            key = _convert(key_type, k, (*loc, str(k)), problems)
            item = _convert(value_type, v, (*loc, str(k)), problems)
            if key is not _FAIL and item is not _FAIL:
                out[key] = item
        return out
    if dataclasses.is_dataclass(tp):
        return _model(tp, value, loc, problems)
    return _scalar(tp, value, loc, problems)


def _model(cls: type, value: Any, loc: tuple, problems: list) -> Any:
    if isinstance(value, cls):
        value = {name: getattr(value, name) for name, _, _ in _fields(cls)}
    if not isinstance(value, dict):
        problems.append((loc, "must be an object with named fields"))
        return _FAIL
    known = {name for name, _, _ in _fields(cls)}
    failed = False
    for extra in value.keys() - known:
        problems.append(((*loc, extra), "unknown field (check the spelling)"))
        failed = True
    kwargs = {}
    for name, tp, required in _fields(cls):
        if name not in value:
            if required:
                problems.append(((*loc, name), "required"))
                failed = True
            continue
        out = _convert(tp, value[name], (*loc, name), problems)
        if out is _FAIL:
            failed = True
        else:
            kwargs[name] = out
    if failed:
        return _FAIL
    try:
        return cls(**kwargs)
    except ValueError as exc:  # a model's own consistency check (__post_init__)
        problems.append((loc, str(exc)))
        return _FAIL


def _scalar(tp: Any, value: Any, loc: tuple, problems: list) -> Any:
    if tp is Decimal:
        if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
            problems.append((loc, f"must be a number (got {_shown(value)})"))
            return _FAIL
        try:
            return value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except InvalidOperation:
            problems.append((loc, f"must be a number (got {_shown(value)})"))
            return _FAIL
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        problems.append((loc, f"must be a whole number (got {_shown(value)})"))
        return _FAIL
    if tp is bool:
        if isinstance(value, bool):
            return value
        problems.append((loc, f"must be true or false (got {_shown(value)})"))
        return _FAIL
    if tp is str:
        if isinstance(value, str):
            return value
        problems.append((loc, f"must be text (got {_shown(value)})"))
        return _FAIL
    if tp in _TIMES:  # a datetime or a date: the object itself, or ISO 8601 text
        exact = type(value) is tp or (tp is datetime and isinstance(value, datetime))
        if exact:
            return value
        if isinstance(value, str):
            try:
                return tp.fromisoformat(value)
            except ValueError:
                pass
        problems.append((loc, f"{_shown(value)} {_TIMES[tp]}"))
        return _FAIL
    raise TypeError(f"no conversion for {tp!r}")  # a programming error, not bad input


# ---- out ----------------------------------------------------------------------------------------

def to_data(obj: Any) -> Any:
    """A model as JSON-ready data: Decimals as strings, dates and times in ISO 8601, tuples as lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: to_data(getattr(obj, name)) for name, _, _ in _fields(type(obj))}
    if isinstance(obj, (list, tuple)):
        return [to_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    return obj


def to_json(obj: Any) -> str:
    """Compact JSON of a model (as stored in the database)."""
    return json.dumps(to_data(obj), ensure_ascii=False, separators=(",", ":"))


def from_json(cls: type, text: str) -> Any:
    """A model from JSON written by :func:`to_json` (or by the pydantic of earlier versions)."""
    return build(cls, json.loads(text))


def fields_of(obj: Any) -> dict[str, Any]:
    """A model's fields as a dict (shallow)."""
    return {name: getattr(obj, name) for name, _, _ in _fields(type(obj))}
