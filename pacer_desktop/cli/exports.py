"""``pacer-desktop export redcap`` and ``export fhir`` (issue 19).

Only argparse at module level: the store, the engine and fhir.resources are imported inside the
commands. Who exports signs it (issue 18): ``--user INITIALS`` and the PIN; a research user or an
administrator only, and the signature's meaning names what went where.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_INPUT, EXIT_OK, InputError, add_user_options, not_ahead, open_store, parse_now, signed_in_user


def cmd_export_redcap(args: argparse.Namespace) -> int:
    from ..exports.redcap import export_redcap
    now = parse_now(args.now)
    if not args.out.strip():
        raise InputError("--out: give the folder to write the files into")
    with open_store() as store:
        now = not_ahead(store, now)
        signed = signed_in_user(store, args, "export")
        if args.all:
            patients = store.patients()
            chosen = [p.id for p in patients if p.study_id]
            for p in patients:
                if not p.study_id:
                    print(f"left out: MRN {p.mrn} has no study ID", file=sys.stderr)
            if not chosen:
                print("no patient has a study ID: nothing was exported", file=sys.stderr)
                return EXIT_INPUT
        else:
            record = store.patient_by_study_id(args.study_id) if args.study_id else store.patient_by_mrn(args.mrn)
            chosen = [record.id]
        done = export_redcap(store, signed.user, Path(args.out), chosen, now=now)
        signed.sign(f"exported REDCap files of {len(chosen)} patient(s) to {Path(args.out).name}")
    print(done.summary(), file=sys.stderr)
    return EXIT_OK


def cmd_export_fhir(args: argparse.Namespace) -> int:
    from ..exports.fhir import export_fhir
    now = parse_now(args.now)
    with open_store() as store:
        now = not_ahead(store, now)
        signed = signed_in_user(store, args, "export")
        record = store.patient_by_mrn(args.mrn)
        print(export_fhir(store, signed.user, record.id, Path(args.output), now=now), file=sys.stderr)
        signed.sign(f"exported a FHIR R4 bundle to {Path(args.output).name}", patient_id=record.id)
    return EXIT_OK


def _common(p: argparse.ArgumentParser) -> None:
    add_user_options(p, "who exports (a research user or an administrator), e.g. RS; signed, and in the audit log")
    p.add_argument("--now", metavar="TIME", help="the patients as known at this ISO 8601 time with its UTC offset"
                   " (default: the present time, as the window shows them)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export for the study (REDCap) or the hospital record (FHIR R4)",
                       description="Export stored patients: `export redcap` writes REDCap import files for the"
                                   " study team (study ID and dates only), `export fhir` one patient's FHIR R4"
                                   " transaction Bundle for the hospital record. Every export is recorded in the"
                                   " database's audit log.")
    kinds = p.add_subparsers(dest="export_kind", metavar="KIND", required=True)
    r = kinds.add_parser("redcap", help="REDCap data dictionary, records and README into a folder",
                         description="Write pacer_data_dictionary.csv, pacer_records.csv and README.txt into"
                                     " --out: the study's instruments and the records, pseudonymous (study ID and"
                                     " dates only). Patients without a study ID are left out of --all.")
    r.add_argument("--out", required=True, metavar="DIR", help="the folder to write into (made if missing)")
    which = r.add_mutually_exclusive_group(required=True)
    which.add_argument("--mrn", help="one patient, by medical record number")
    which.add_argument("--study-id", metavar="ID", help="one patient, by study ID")
    which.add_argument("--all", action="store_true", help="every current patient with a study ID")
    _common(r)
    r.set_defaults(func=cmd_export_redcap)
    f = kinds.add_parser("fhir", help="one patient's FHIR R4 transaction Bundle",
                         description="Write one patient's readings, grades and anakinra doses as a FHIR R4"
                                     " transaction Bundle (conditional creates: sending it twice creates nothing"
                                     " twice).")
    f.add_argument("--mrn", required=True, help="the patient's medical record number")
    f.add_argument("-o", "--output", required=True, metavar="FILE.json", help="where to write the Bundle")
    _common(f)
    f.set_defaults(func=cmd_export_fhir)
