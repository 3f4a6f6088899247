"""The printable documents, by kind, and how a print job is put together from a case.

Imports no reportlab itself: each document's module is imported when it is rendered.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.case import Case
from ..evaluation import evaluate_case, prepare, protocol_for
from . import DOCUMENTS
from .content import NEVER_VERIFIED, DocumentKind, Paper, PatientHeader, PrintedSignature, PrintJob

#: How far ahead the downtime administration record lists doses (a property of the paper form).
RECORD_HOURS = 72


def make_job(kind: DocumentKind, case: Case, patient: PatientHeader, *, printed_by: str,
             paper: Paper = "letter", printed_at: datetime | None = None, now: datetime | None = None,
             chain_anchor: str = "", verification: tuple[Any, tuple[str, ...]] | None = None,
             signatures: Iterable[Any] = (), recorded_by: Iterable[tuple[datetime, str]] = ()) -> PrintJob:
    """Evaluate ``case`` (defaults filled in as everywhere) and describe the document to print;
    ``chain_anchor`` is the database's (``Store.chain_anchor()``) when printed from it.

    ``verification`` is the caller's ``(verification or None, reasons)``, as storage's
    ``current_verification`` gives it for the same case (None: never verified); ``signatures``
    the others that concern the document; ``recorded_by`` who recorded each dose given, by its
    instant (storage's ``recorded_by``). Each signature is anything with ``name``,
    ``initials``, ``role``, ``meaning`` and ``at`` (a storage ``Signature``), or holding one as
    ``.signature``: reports read no database, so the caller passes what it read."""
    if kind not in DOCUMENTS:
        raise ValueError(f"unknown document {kind!r}; expected one of {', '.join(DOCUMENTS)}")
    case = prepare(case, now)
    protocol = protocol_for(case)
    # The downtime record needs every dose of the next 72 hours, past the usual now + 24 h.
    result = evaluate_case(case, horizon_h=RECORD_HOURS if kind == "mar" else None)
    verified, because = verification if verification is not None else (None, NEVER_VERIFIED)
    return PrintJob(kind=kind, case=case, result=result, protocol=protocol, patient=patient,
                    printed_at=printed_at or datetime.now(UTC), printed_by=printed_by, paper=paper,
                    chain_anchor=chain_anchor, verification=printed_signature(verified) if verified else None,
                    unverified_because=() if verified else tuple(because or NEVER_VERIFIED),
                    signatures=tuple(printed_signature(s) for s in signatures), recorded_by=tuple(recorded_by))


def printed_signature(signed: Any) -> PrintedSignature:
    """A signature (or a verification holding one as ``.signature``) as paper shows it."""
    sig = getattr(signed, "signature", signed)
    return PrintedSignature(name=sig.name, initials=sig.initials, role=sig.role, meaning=sig.meaning, at=sig.at)


def render(job: PrintJob) -> bytes:
    """The document's PDF. Raises :class:`NothingToPrint` when the case has nothing for it."""
    _, module_name, function = DOCUMENTS[job.kind]
    module = importlib.import_module(f"{__package__}.{module_name}")
    return getattr(module, function)(job)


def print_detail(job: PrintJob, *, source: str | None = None) -> str:
    """The print record's detail: paper, when it was printed and, when given, from or to where."""
    detail = f"{job.paper}; printed at {job.printed_at.isoformat(timespec='seconds')}"
    return f"{detail}; {source}" if source else detail


def record_print(store, user, patient_id: int | None, job: PrintJob, content_sha256: str, *,
                 source: str | None = None) -> int:
    """Note a printed or saved document in the database: what, who, when and its content hash.

    ``store`` is a :class:`pacer_desktop.storage.Store` and ``user`` its ``User``; they are passed
    in because reports sits beside storage, not above it. Returns the print record's id.
    """
    return store.record_document(user, patient_id, kind=job.kind, content_sha256=content_sha256,
                                 protocol=job.protocol.id, detail=print_detail(job, source=source))


def write_pdf(path: Path, data: bytes) -> None:
    """Write whole or not at all: a half-written order sheet must never be printed."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
