"""Storage commands: import-case, export-case, verify-db, backup, restore, salvage, key.

Only argparse at module level: the store (and sqlite_utils) is imported inside each command.
The database is ``--db PATH`` (set into ``PACER_DB`` by the top-level parser) or the default.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..storage.limits import TEXT_LIMITS
from .common import (EXIT_FAILED, EXIT_OK, InputError, add_user_options, given_initials, not_ahead, open_store,
                     parse_now, read_input, read_pin, signed_in_user)

_DB_NOTE = ("The database is the one given with `pacer-desktop --db PATH`, else $PACER_DB, else "
            "pacer.sqlite3 in this user's data folder.")


#: The permission (core/permissions) each list of a case file needs: importing a case records its
#: entries, so the role must be allowed each kind it holds (a nurse's case has no escalation).
_CASE_ACTIONS = {"weights": "record_weight", "temperatures": "record_temperature",
                 "assessments": "record_assessment", "medications": "record_dose_given",
                 "dose_outcomes": "record_dose_not_given", "escalations": "escalate", "restarts": "restart",
                 "eligibility": "enter_eligibility"}


def case_actions(case) -> list[str]:
    """The actions storing ``case`` performs; a bare patient is a clinical record (a weight's)."""
    return [action for name, action in _CASE_ACTIONS.items() if getattr(case, name)] or ["record_weight"]


def cmd_import_case(args: argparse.Namespace) -> int:
    from ..core.caseio import parse_case
    given_initials(args.user)
    if args.case == "-" and args.pin_stdin:
        raise InputError("--pin-stdin reads the PIN from standard input: give the case as a file, not -")
    case = parse_case(read_input(args.case))
    with open_store() as store:
        user = signed_in_user(store, args, *case_actions(case)).user
        patient_id = store.import_case(user, case, mrn=args.mrn, name=args.name, study_id=args.study_id)
        print(f"stored {args.mrn} as patient {patient_id} in {store.path}")
    return EXIT_OK


def cmd_export_case(args: argparse.Namespace) -> int:
    now = parse_now(args.now)
    with open_store() as store:
        now = not_ahead(store, now)
        if args.all:
            store.export_all(sys.stdout, now=now)
        else:
            print(store.export_case_json(store.patient_by_mrn(args.mrn).id, now=now,
                                         indent=1 if args.pretty else None))
    return EXIT_OK


def evaluate_stored(mrn: str, now: str | None = None):
    """The result for a stored patient (``pacer-desktop evaluate --mrn [--now TIME]``), evaluated
    at ``now`` (an ISO 8601 time with its offset) or else at the present time: the patient as
    known then (:meth:`Store.case_for` leaves out entries later than now + 5 minutes)."""
    from ..evaluation import evaluate_case
    at = parse_now(now)
    with open_store() as store:
        at = not_ahead(store, at) or store.clock()  # the workstation's clock, as the window's
        case = store.case_for(store.patient_by_mrn(mrn).id, now=at)
    return evaluate_case(case)


def _parse_anchor(text: str | None):
    if text is None:
        return None
    from ..core.errors import CaseError, Problem
    from ..storage.anchors import parse
    anchor = parse(text)
    if anchor is None:
        raise CaseError([Problem("--anchor", f"{text!r} is not LENGTH:HEAD, the number of audit rows and the"
                                             " 64 hex digits of the last one's hash, e.g. as printed on a document")])
    return anchor


def cmd_verify_db(args: argparse.Namespace) -> int:
    """Checks the file through a read-only connection: verify-db writes nothing (issue 17). Exit 1
    on any problem, and also when edits cannot be checked here (the audit key is not here)."""
    from ..storage.checkup import verify_report
    from ..storage.location import default_db_path
    from ..storage.errors import missing_database
    anchor = _parse_anchor(args.anchor)
    path = default_db_path()
    if not path.exists():
        raise missing_database(path)
    found = verify_report(path, anchor=anchor)
    if found.problems:
        print(f"{path}: {len(found.problems)} problem(s) found", file=sys.stderr)
        for line in found.problems:
            print(line, file=sys.stderr)
    if found.not_here:
        print(f"{path}: {found.not_here}", file=sys.stderr)
    if found.problems or found.not_here:
        for line in found.checked:
            print(line)
        return EXIT_FAILED
    print(f"{path}: ok (integrity check, append-only triggers, audit chain and every row)")
    for line in found.checked:
        print(line)
    return EXIT_OK


def cmd_key(args: argparse.Namespace) -> int:
    """``key export --out FILE`` / ``key import FILE``: the installation's audit key, for an
    administrator moving a database between workstations; each is recorded in the audit log."""
    from ..storage import keys
    with open_store() as store:
        user = signed_in_user(store, args, "backup", what="export or import the audit key").user
    if args.key_action == "export":
        fp = keys.export_key(Path(args.out))
        action, said = (f"key export (fingerprint {fp}) to {Path(args.out).name}",
                        f"wrote this workstation's audit key (fingerprint {fp}) to {args.out}; keep it"
                        " like a password, import it where the database goes, then delete it")
    else:
        fp = keys.import_key(Path(args.file))
        action, said = (f"key import (fingerprint {fp}) from {Path(args.file).name}",
                        f"imported the audit key with fingerprint {fp}: rows it signed can be checked here")
    with open_store() as store:
        store.record_key_event(user, action)
    print(said)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    with open_store() as store:
        signed_in_user(store, args, "backup")
        dest = store.backup(Path(args.to) if args.to else None)
    print(dest)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore works over a damaged file too: it is copied aside byte for byte, never deleted.

    Signed (issue 18): on a readable database the administrator signs there before the restore,
    so the signature is kept in the copy set aside; over a damaged file the PIN is checked against
    the backup's accounts and the signature recorded in the restored database."""
    from ..storage import files
    from ..storage.backups import restore_over_damaged
    from ..storage.checkup import quick_check, trusted_backup
    from ..storage.errors import CorruptDatabase
    from ..storage.location import default_db_path
    from ..storage.store import Store, real_clock
    given_initials(args.user)
    backup = Path(args.file)
    trusted_backup(backup)  # before anything is opened, copied or replaced
    path = default_db_path()
    meaning = f"restored the database from {backup.name}"
    with files.restore_lock(path):  # another restore under way: refused before anything is signed
        pass
    # The whole file is checked read-only first: a damaged one is neither opened for writing nor
    # copied through SQLite (which would not give it back byte for byte).
    healthy = not path.exists() or quick_check(path) == ["ok"]
    if healthy:
        try:
            with Store.open(daily_backup=False) as store:
                if not args.other_database and (refusal := store.restore_refusal(backup)):
                    raise InputError(f"{refusal}; to replace this database with that one on purpose,"
                                     " give --other-database")  # before anything is signed
                signed = signed_in_user(store, args, "restore")
                signed.sign(meaning)
                aside = store.restore_from(signed.user, backup, other_database=args.other_database)
                print(f"restored {store.path} from {args.file}; the previous contents are kept in {aside}")
                return EXIT_OK
        except CorruptDatabase:
            pass
    user, pin = _admin_in_backup(args, backup)
    aside = restore_over_damaged(path, user, backup, clock=real_clock)
    with Store.open(daily_backup=False) as store:
        from ..storage.accounts import Accounts
        Accounts(store, workstation=user.workstation).sign(user.initials, pin, action="restore", meaning=meaning)
    print(f"restored {path} from {args.file}; the damaged file is kept, byte for byte, in {aside}")
    return EXIT_OK


def _admin_in_backup(args: argparse.Namespace, backup: Path):
    """The ``--user`` and PIN checked read-only against the accounts of ``backup`` (the database
    cannot be read): an active administrator there, whose PIN it is. Returns (User, PIN)."""
    import sqlite3

    from ..core import permissions
    from ..storage.location import workstation_name
    from ..storage.pins import pin_matches
    from urllib.parse import quote

    from ..storage import User
    initials = given_initials(args.user)
    conn = sqlite3.connect(f"file:{quote(str(backup.absolute()))}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT role, active, pin_hash FROM users WHERE initials = ?", (initials,)).fetchone()
    except sqlite3.OperationalError:  # a backup from before issue 18 has no accounts
        row = None
    finally:
        conn.close()
    pin = read_pin(args, f"PIN for {initials}: ")
    if row is None or not row[1] or not pin_matches(pin, row[2]):
        raise InputError("the database cannot be read, so the PIN is checked against the backup's accounts:"
                         " initials or PIN not recognised there (or deactivated); nothing was replaced")
    if refusal := permissions.refusal(row[0], "restore"):
        raise InputError(refusal)
    return User(initials, row[0], args.workstation or workstation_name()), pin


def cmd_salvage(args: argparse.Namespace) -> int:
    from ..storage.salvage import salvage
    report = salvage(Path(args.damaged), Path(args.to))
    print(report.text())
    return EXIT_OK


def _user_options(p: argparse.ArgumentParser) -> None:
    add_user_options(p, "who is writing: your initials, e.g. AB (see `pacer-desktop users list`)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-case", help="store a case file as a new patient",
                       description="Validate a case file exactly as `evaluate` does, hold its text to the lengths the"
                                   f" database keeps (a reason up to {TEXT_LIMITS['reason']:,} characters, who decided up to"
                                   f" {TEXT_LIMITS['by']:,}),"
                                   " and store it as a new patient. Nothing is stored when the case is not"
                                   " valid (exit 2). " + _DB_NOTE)
    p.add_argument("case", metavar="CASE.json", help="the case file, or - to read standard input")
    p.add_argument("--mrn", required=True, help="the patient's medical record number")
    p.add_argument("--name", required=True, help="the patient's name")
    p.add_argument("--study-id", metavar="ID", help="the patient's study ID, e.g. PACER-001 (its form is the setting"
                   " PACER_STUDY_ID_PATTERN); the only name the study's exports carry")
    _user_options(p)
    p.set_defaults(func=cmd_import_case)

    p = sub.add_parser("export-case", help="print a stored patient's case as JSON",
                       description="Print the case file of a stored patient's current entries, or with"
                                   " --all every patient's case, one JSON line each. " + _DB_NOTE)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--mrn", help="the patient's medical record number")
    which.add_argument("--all", action="store_true", help="every current patient, one case per line")
    p.add_argument("--now", metavar="TIME", help="the patient as known at this ISO 8601 time: write it as the"
                   " case's `now` and leave out entries later than it plus the protocol's tolerance for clocks"
                   " (default: every entry, no `now`)")
    p.add_argument("--pretty", action="store_true", help="indent the JSON")
    p.set_defaults(func=cmd_export_case)

    p = sub.add_parser("verify-db", help="check the database and its audit chain",
                       description="Run SQLite's integrity check, check the append-only triggers (their full"
                                   " SQL) and the audit log's hash chain, check every row against the hash recorded"
                                   " when it was written, check the audit rows' HMACs with the audit keys on this"
                                   " workstation (each key's newest row, which vouches for the rows before it; every"
                                   " row's when anything is wrong), and check that the chain extends those of the backups made since"
                                   " the last restore (their names carry them) and --anchor. Read-only. Prints each"
                                   " problem; exit 1 if any, or if edits cannot be checked here because the audit"
                                   " key is not on this workstation (see `pacer-desktop key`); exit 2 if there is"
                                   " no file there, or it is not a PACER database. " + _DB_NOTE)
    p.add_argument("--anchor", metavar="LENGTH:HEAD", help="also check that the audit chain extends this"
                   " one (its length and last hash, e.g. read off a printed document or a backup's .anchor file)")
    p.set_defaults(func=cmd_verify_db)

    p = sub.add_parser("key", help="export or import this installation's audit key",
                       description="The audit key signs every audit row (HMAC) and lives outside the database,"
                                   " in this user's config folder. A database moved to another workstation can be"
                                   " checked there only once its key is imported. Both are recorded in the"
                                   " database's audit log. " + _DB_NOTE)
    keys_sub = p.add_subparsers(dest="key_action", metavar="ACTION", required=True)
    k = keys_sub.add_parser("export", help="write this installation's audit key to a new file (readable by you only)")
    k.add_argument("--out", required=True, metavar="FILE", help="the new file (never written over)")
    _user_options(k)
    k = keys_sub.add_parser("import", help="add an exported audit key to this workstation")
    k.add_argument("file", metavar="FILE", help="the file made by `pacer-desktop key export`")
    _user_options(k)
    p.set_defaults(func=cmd_key)

    p = sub.add_parser("backup", help="copy the database into the backups folder",
                       description="Copy the database with SQLite's backup API into the `backups` folder"
                                   " beside it (or --to DIR) and print the copy's path. " + _DB_NOTE)
    p.add_argument("--to", metavar="DIR", help="write the copy into this folder instead")
    _user_options(p)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the database with a backup copy",
                       description="Replace the database's contents with a backup. The current contents"
                                   " are first copied aside beside it (never deleted). " + _DB_NOTE)
    p.add_argument("file", metavar="FILE", help="the backup file to restore")
    p.add_argument("--other-database", action="store_true",
                   help="restore a copy of another PACER database (its audit log begins differently), on"
                        " purpose: without it, such a copy is refused")
    _user_options(p)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("salvage", help="recover what can still be read from a damaged database",
                       description="Recover what SQLite can still read from a damaged database into a new"
                                   " file, with SQLite's own recovery (the `sqlite3` program), check the"
                                   " audit chain up to the damage, and list which entries were recovered"
                                   " and which were lost. The damaged file is only read.")
    p.add_argument("damaged", metavar="DAMAGED", help="the damaged database file")
    p.add_argument("--to", required=True, metavar="NEW", help="the new file to write (must not exist)")
    p.set_defaults(func=cmd_salvage)
