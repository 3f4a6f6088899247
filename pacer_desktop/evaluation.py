"""Evaluate a case as every front end does: defaults filled in from this workstation.

The CLI, storage (``import-case``), the window and the reports all come through here, so a case
is validated and evaluated the same way everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

from . import protocols
from .core.case import Case
from .core.caseio import parse_case
from .core.engine import evaluate
from .core.errors import CaseError, Problem
from .core.protocol import Protocol, ProtocolError
from .core.result import Result


def workstation_zone() -> str:
    """The IANA name of this machine's time zone (UTC when it cannot be told)."""
    try:
        from tzlocal import get_localzone_name
        return get_localzone_name() or "UTC"
    except Exception:  # noqa: BLE001 - a misconfigured machine still gets a usable answer
        return "UTC"


def protocol_for(case: Case) -> Protocol:
    try:
        return protocols.load(case.protocol or protocols.CURRENT)
    except ProtocolError as exc:
        if case.protocol and case.protocol not in protocols.available():
            raise CaseError([Problem("protocol", f"{case.protocol!r} is not a known protocol"
                                                 f" (available: {', '.join(protocols.available())})")]) from None
        raise exc


def prepare(case: Case, now: datetime | None = None) -> Case:
    """Fill in the protocol, ``now`` and the time zone where the case leaves them out."""
    zone = case.timezone or workstation_zone()
    return case.with_defaults(protocol=protocols.CURRENT, now=now or datetime.now(UTC), timezone=zone)


def evaluate_case(case: Case, now: datetime | None = None, *, bedside: bool = False,
                  horizon_h: int | None = None) -> Result:
    """Validate and evaluate; raises :class:`CaseError` naming every problem.

    ``bedside=True`` (storage and the window) also refuses any entry later than now + 5 minutes.
    ``horizon_h`` lists doses further ahead (the printed downtime record's 72 hours).
    """
    case = prepare(case, now)
    return evaluate(case, protocol_for(case), bedside=bedside, horizon_h=horizon_h)


def evaluate_text(text: str | bytes, now: datetime | None = None) -> Result:
    return evaluate_case(parse_case(text), now)
