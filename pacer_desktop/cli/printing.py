"""``pacer-desktop print``: order sheets and bedside records as PDF files.

Parsing runs on every start of the command line, so this module imports nothing heavy: the
engine, reportlab and the database are loaded inside :func:`cmd_print`.
"""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_FAILED, EXIT_INPUT, EXIT_OK, add_user_options, given_initials, signed_in_user

KINDS = ("order", "mar", "eligibility", "grading")
#: The permission each document needs (core/permissions): the order sheet is printed as verified,
#: by a pharmacist; the others by anyone who reads the record.
ACTIONS = {"order": "print_verified_order_sheet", "mar": "print_administration_record",
           "eligibility": "print_checklist", "grading": "print_grading_summary"}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "print", help="print an order sheet, administration record, eligibility checklist or grading summary to PDF",
        description="Write one printed document as a PDF: the anakinra order sheet (order), the bedside"
                    " administration record for downtime (mar), the eligibility checklist (eligibility) or"
                    " the daily grading summary (grading). Every print is recorded in the database with"
                    " who printed it and the content's SHA-256.")
    p.add_argument("kind", choices=KINDS, help="which document")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--mrn", help="the patient's MRN in the database")
    source.add_argument("--case", metavar="CASE.json", help="a case file (see `pacer-desktop schema`)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.add_argument("--paper", choices=("letter", "a4"), default="letter", help="page size (default letter)")
    add_user_options(p, "who prints, e.g. PH; printed on the page and recorded (required with --mrn)", required=False)
    p.add_argument("--name", help="with --case: the patient's name to print (else 'not given')")
    p.add_argument("--mrn-label", help="with --case: the MRN to print (else 'not given')")
    p.add_argument("--allergies", default="", help="allergies to print (else a blank box to fill in)")
    p.set_defaults(func=cmd_print)


def cmd_print(args: argparse.Namespace) -> int:
    if args.mrn is not None and (args.name or args.mrn_label):
        return _input_error("--name and --mrn-label go with --case; with --mrn they come from the database")
    storage = _storage()
    user, store = None, None
    if args.user:
        given_initials(args.user)
        if args.case == "-" and args.pin_stdin:
            return _input_error("--pin-stdin reads the PIN from standard input: give the case as a file, not -")
        if storage is None:
            return _input_error("--user needs the patient database (the PIN is checked there), which is not"
                                " part of this build; print without --user")
        # a file the command cannot use (missing, not PACER's, read-only) is an input error (exit 2),
        # any other failure exit 1: worded and judged by cli.front, as for every command
        store = storage.Store.open(create=False)
    try:
        if store is not None:
            user = signed_in_user(store, args, ACTIONS[args.kind]).user
        return _print(args, storage, store, user)
    finally:
        if store is not None:
            store.close()


def _print(args: argparse.Namespace, storage, store, user) -> int:
    from pathlib import Path

    from ..reports.content import NOT_GIVEN, NothingToPrint, PatientHeader, content_sha256
    from ..reports import document_title
    from ..reports.documents import make_job, render, write_pdf

    user_text = str(user) if user is not None else f"{_login()} (no role given)"
    if args.mrn is not None:
        if storage is None:
            return _input_error("--mrn needs the patient database, which is not part of this build;"
                                " print from a case file with --case")
        if user is None:
            return _input_error("--mrn: give --user INITIALS (who printed is recorded with the document)")
        try:
            record = store.patient_by_mrn(args.mrn)
            case = store.case_for(record.id, now=store.clock())  # as known now, as the window shows it
        except storage.StorageError as exc:
            return _input_error(str(exc))
        case, signed = _signed(store, record.id, case, args.kind)
        patient = PatientHeader(name=record.name, mrn=record.mrn, date_of_birth=record.date_of_birth,
                                sex_at_birth=record.sex_at_birth, allergies=args.allergies)
        patient_id = record.id
    else:
        from ..core.caseio import parse_case
        try:
            text = sys.stdin.buffer.read() if args.case == "-" else Path(args.case).read_bytes()
        except OSError as exc:
            return _input_error(f"{args.case}: {exc.strerror or exc}")
        case = parse_case(text)  # a bad case raises CaseError: exit 2 with one line per field
        patient = PatientHeader(name=args.name or NOT_GIVEN, mrn=args.mrn_label or NOT_GIVEN,
                                date_of_birth=case.patient.date_of_birth, sex_at_birth=case.patient.sex_at_birth,
                                allergies=args.allergies)
        patient_id = None
        # No database, so no verification can be read: the order sheet says so (issue 18).
        signed = {"verification": (None, ("no_database",))}

    job = make_job(args.kind, case, patient, printed_by=user_text, paper=args.paper,
                   printed_at=store.clock() if store is not None else None,
                   chain_anchor=store.chain_anchor() if store is not None else "", **signed)
    try:
        pdf = render(job)
    except NothingToPrint as exc:
        return _input_error(str(exc))
    write_pdf(Path(args.output), pdf)
    digest = content_sha256(job)
    print(f"{document_title(args.kind)}: {args.output} (content SHA-256 {digest})", file=sys.stderr)
    return _record(storage, store, user, patient_id, job, digest, args)


def _signed(store, patient_id: int, case, kind: str):
    """The case with its ``now`` fixed, and the verification and signatures the document shows
    (issue 18) read for that case, so they are judged on the dose the page prints."""
    from ..evaluation import evaluate_case, prepare
    from ..storage.dose_verification import for_print
    case = prepare(case, store.clock())  # the store's clock: the one now (issue 16)
    return case, for_print(store, patient_id, evaluate_case(case), kind)


def _record(storage, store, user, patient_id, job, digest: str, args: argparse.Namespace) -> int:
    """Note the print in the database: what, who, when (the row's time) and the content hash."""
    if storage is None:
        print("not recorded: the patient database is not part of this build", file=sys.stderr)
        return EXIT_OK
    if user is None:
        print("not recorded: give --user INITIALS to record who printed this document", file=sys.stderr)
        return EXIT_OK
    from ..reports.documents import record_print
    source = f"from case file {args.case}" if args.case is not None else None
    try:
        record_print(store, user, patient_id, job, digest, source=source)
    except storage.StorageError as exc:
        print(f"the PDF was written but the print was not recorded: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _storage():
    """The storage package when it is part of this build, else None."""
    try:
        from .. import storage
        storage.Store  # noqa: B018 - loads the store module; missing in a build without storage
    except (ImportError, AttributeError):
        return None
    return storage




def _login() -> str:
    import getpass
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name is not a reason to refuse printing
        return "unknown user"


def _input_error(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_INPUT
