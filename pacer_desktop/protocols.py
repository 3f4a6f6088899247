"""Finding and loading protocol definition files (``resources/protocols/<id>.toml``)."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import fields, is_dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, get_args, get_origin

from .core.protocol import Protocol, ProtocolError, parse_protocol
from .resource_files import UnknownResource, resource, resource_names

#: The protocol a case uses when it names none.
CURRENT = "pacer-1"

#: The SHA-256 of each shipped protocol file as pydantic checked it in the tests
#: (tests/test_protocols.py). A file with this hash is byte for byte the one checked, so it is read
#: with the models' own constructors (pydantic is loaded on first use, not at every start: issue 16);
#: any other file, an edited copy included, is checked by :func:`.core.protocol.parse_protocol`.
#: After a change to a protocol file, the test says the new hash to write here.
CHECKED_FILES = {"pacer-1": "28cf9bf816f1f7dac066ff707fcc1d70b21db7e8405980c65917ca3e350181bf"}


def available() -> list[str]:
    return [name.removesuffix(".toml") for name in resource_names("protocols") if name.endswith(".toml")]


@lru_cache(maxsize=None)
def load(protocol_id: str = CURRENT) -> Protocol:
    """The validated protocol ``protocol_id``; raises :class:`ProtocolError` naming the problem."""
    try:
        data = resource(f"protocols/{protocol_id}.toml").read_bytes()
    except UnknownResource:
        raise ProtocolError(f"protocol: {protocol_id!r} is not a known protocol"
                            f" (available: {', '.join(available())})") from None
    sha256 = hashlib.sha256(data).hexdigest()
    protocol = checked_file(data, sha256) if CHECKED_FILES.get(protocol_id) == sha256 else parse_protocol(data)
    if protocol.id != protocol_id:
        raise ProtocolError(f"protocols/{protocol_id}.toml: id is {protocol.id!r}, expected {protocol_id!r}")
    return protocol


def checked_file(data: bytes, sha256: str) -> Protocol:
    """A protocol file already checked by pydantic, read with plain constructors: the same
    :class:`Protocol` as :func:`parse_protocol` gives (the test compares them), numbers as Decimals
    where the model says Decimal, lists as tuples. Nothing is checked here but the models' own
    consistency checks (``__post_init__``)."""
    raw = tomllib.loads(data.decode("utf-8"))
    return _as(Protocol, {**raw, "sha256": sha256})


def _as(tp: Any, value: Any) -> Any:
    """``value`` of the checked TOML as the field type ``tp`` holds it."""
    if get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if is_dataclass(tp):
        return tp(**{f.name: _as(f.type, value[f.name]) for f in fields(tp) if f.name in value})
    if tp is Decimal:  # as pydantic reads the file's JSON number: 38.0 is Decimal('38'), 0.67 Decimal('0.67')
        return Decimal(int(value)) if float(value).is_integer() else Decimal(str(value))
    if get_origin(tp) is tuple:
        items = get_args(tp)
        kinds = [items[0]] * len(value) if items[-1] is Ellipsis else items
        return tuple(_as(t, v) for t, v in zip(kinds, value))
    if get_origin(tp) is dict:
        return {k: _as(get_args(tp)[1], v) for k, v in value.items()}
    return value  # text, whole numbers, names, and optional whole numbers (none is Decimal)
