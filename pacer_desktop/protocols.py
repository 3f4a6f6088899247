"""Finding and loading protocol definition files (``resources/protocols/<id>.toml``)."""

from __future__ import annotations

from functools import lru_cache

from .core.protocol import Protocol, ProtocolError, parse_protocol
from .resource_files import UnknownResource, resource, resource_names

#: The protocol a case uses when it names none.
CURRENT = "pacer-1"


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
    protocol = parse_protocol(data)
    if protocol.id != protocol_id:
        raise ProtocolError(f"protocols/{protocol_id}.toml: id is {protocol.id!r}, expected {protocol_id!r}")
    return protocol
