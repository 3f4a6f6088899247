"""``pacer-desktop verify-dose``: the pharmacist's independent double check (issue 18).

The pharmacist gives the weight read from the chart and their own dose and volume; they are set
beside the current calculation (:func:`pacer_desktop.core.double_check.compare`). A match is
signed "verified dose" (:mod:`pacer_desktop.storage.dose_verification`); a mismatch exits 2 with
both figures and the working, records no verification, and is audited. Only argparse here.
"""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_INPUT, EXIT_OK, InputError, add_user_options, given_initials, open_store, signed_in_user

_LABELS = {"weight_kg": "weight", "dose_mg": "dose", "volume_ml": "volume"}


def _figure(text: str, option: str):
    """A figure as a pharmacist writes it: digits, a point and digits (``23.4``), more than 0.
    Python's readings of ``1e30`` or ``6_4`` are not what anyone typed from a chart."""
    import re
    from decimal import Decimal
    typed = text.strip()
    if not re.fullmatch(r"\d{1,4}(\.\d{1,4})?", typed) or Decimal(typed) <= 0:
        raise InputError(f"{option}: {text!r} is not a number such as 23.4 (more than 0); nothing was saved")
    return Decimal(typed)


def _lines(check, rules) -> list[str]:
    from ..core import notation, wording
    shown = {"weight_kg": notation.kg, "dose_mg": notation.mg, "volume_ml": notation.ml}
    lines = []
    for f in check.figures:
        rule = "must be the same" if f.tolerance == 0 else f"a match is less than {shown[f.name](f.tolerance)} apart"
        verdict = "matches" if f.matches else f"DIFFERS ({rule})"
        lines.append(f"  {_LABELS[f.name]:<7} yours {shown[f.name](f.pharmacist):<10}"
                     f" calculated {shown[f.name](f.calculated):<10} {verdict}")
    lines.append(f"  calculator's working: {check.working}")
    lines.append(f"  the protocol for the weight you read: {wording.dose_working(check.for_pharmacists_weight, rules)}")
    return lines


def cmd_verify_dose(args: argparse.Namespace) -> int:
    from ..core.double_check import PharmacistFigures, compare
    from ..evaluation import evaluate_case, protocol_for
    from ..storage import dose_verification as stored
    given_initials(args.user)
    mine = PharmacistFigures(weight_kg=_figure(args.weight_kg, "--weight-kg"), dose_mg=_figure(args.mg, "--mg"),
                             volume_ml=_figure(args.ml, "--ml"))
    with open_store() as store:
        signed = signed_in_user(store, args, "verify_dose")
        record = store.patient_by_mrn(args.mrn)
        case = store.case_for(record.id, now=store.clock())  # the store's one clock
        result = evaluate_case(case)
        calculated = stored.dose_working(result)
        if calculated is None:
            raise InputError(f"MRN {record.mrn}: no current dose to verify (no dosing weight); nothing was saved")
        rules = protocol_for(case).dose
        check = compare(mine, calculated, rules)
        if not check.matches:
            stored.record_mismatch(store, signed.user, record.id, check)
            print(f"MRN {record.mrn}: your figures do not match the calculation; the verification is not recorded"
                  " (the mismatch is in the audit log). Reconcile them, then check again.", file=sys.stderr)
            for line in _lines(check, rules):
                print(line, file=sys.stderr)
            return EXIT_INPUT
        signature = stored.record_verification(
            signed.accounts, signed.user.initials, signed._pin, patient_id=record.id,
            weight_id=stored.weight_entry_id(store, record.id, calculated), checked=calculated, figures=mine)
    print(f"MRN {record.mrn}: {signature.meaning} by {signature.name} ({signature.role}) at"
          f" {signature.at.astimezone():%Y-%m-%d %H:%M %Z} (independent double check)")
    for line in _lines(check, rules):
        print(line)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify-dose", help="the pharmacist's independent double check of the current dose",
                       description="A pharmacist gives the weight read from the chart and their own dose (mg) and"
                                   " volume (mL), worked out without the calculator's figures. They are compared"
                                   " with the current calculation: a match is signed \"verified dose\"; a mismatch"
                                   " shows both with the working, exits 2, records no verification and is audited."
                                   " A new weight or an escalation makes a verification stale.")
    p.add_argument("--mrn", required=True, help="the patient's medical record number")
    p.add_argument("--weight-kg", required=True, metavar="KG", help="the weight you read from the chart")
    p.add_argument("--mg", required=True, help="your dose in mg")
    p.add_argument("--ml", required=True, help="your volume in mL")
    add_user_options(p, "the pharmacist verifying, e.g. PH")
    p.set_defaults(func=cmd_verify_dose)
