"""``pacer-desktop``: the command line (shared/spec/case-format.md).

Imports stay inside the commands so that ``evaluate`` never loads Qt or reportlab. Users never
see a traceback: bad input exits 2 with one line per problem; anything else exits 1 with a
one-line message (set PACER_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse  # imported by build_parser: the window's start never needs it

from .common import EXIT_FAILED, EXIT_INPUT, EXIT_OK, InputError, read_input


def _version_text() -> str:
    from .. import __version__, protocols
    p = protocols.load()
    return f"pacer-desktop {__version__}\nprotocol {p.id} (sha256 {p.sha256})"


def cmd_evaluate(args: argparse.Namespace) -> int:
    if args.mrn:
        from .storage import evaluate_stored
        result = evaluate_stored(args.mrn, args.now)
    elif args.now:
        raise InputError("--now goes with --mrn: a case file gives its own `now`")
    elif args.case is None:
        raise InputError("give a case file (or - for standard input) or --mrn of a stored patient")
    else:
        from ..evaluation import evaluate_text
        result = evaluate_text(read_input(args.case))
    from ..core.result import output_data
    print(json.dumps(output_data(result), indent=1 if args.pretty else None, ensure_ascii=False))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from ..core.caseio import json_schema
    print(json.dumps(json_schema(), indent=1))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    import argparse
    parser = argparse.ArgumentParser(
        prog="pacer-desktop",
        description="PACER Desktop: bedside calculator for pre-emptive anakinra after CD19 CAR T-cell therapy.",
    )
    parser.add_argument("--version", action="store_true", help="print the application and protocol versions")
    parser.add_argument("--db", metavar="PATH", help="the database file (default: $PACER_DB, else the user data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("evaluate", help="evaluate a case file and print the result as JSON",
                       description="Evaluate a case file (see `pacer-desktop schema`) and print the result as JSON.")
    p.add_argument("case", metavar="CASE.json", nargs="?", help="the case file, or - to read standard input")
    p.add_argument("--mrn", help="evaluate the stored patient with this MRN instead of a case file")
    p.add_argument("--now", metavar="TIME", help="with --mrn: the patient as known at this ISO 8601 time with"
                   " its UTC offset, e.g. 2026-11-04T07:00:00-06:00 (entries later than it plus the protocol's"
                   " tolerance for clocks are left out; default: the present time)")
    p.add_argument("--pretty", action="store_true", help="indent the JSON")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("schema", help="print the JSON Schema of the case file",
                       description="Print the JSON Schema of the case file, generated from the engine's models.")
    p.set_defaults(func=cmd_schema)

    # Each group of commands adds its own with ``register(subparsers)``. None of these modules
    # imports anything heavy (Qt, reportlab, sqlite_utils) at module level: parsing runs on every
    # start of the command line. They are imported here, not above: the window's start needs none.
    from .. import selftest
    from . import double_check, exports, people, printing, screenshot, storage
    for module in (people, storage, double_check, printing, exports, screenshot, selftest):
        module.register(sub)
    return parser


def window_request(argv: list[str]) -> tuple[bool, str | None]:
    """Whether ``argv`` just opens the window (nothing, or ``--db PATH``), and the database given.

    Recognised before the full parser is built: building it imports every command's module,
    about 12 ms of the window's start-up. Anything else goes to the full parser."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--db" and argv[1] and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > len("--db="):
        return True, argv[0][len("--db="):]
    return False, None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    window, db = window_request(argv)
    args = None if window else build_parser().parse_args(argv)
    db = db if window else args.db
    if db is not None and not db.strip():
        print("--db: give the path of the database file (it was empty); nothing was done", file=sys.stderr)
        return EXIT_INPUT
    if db:
        os.environ["PACER_DB"] = db = str(Path(db).expanduser().absolute())
    try:
        if args is not None and args.version:
            print(_version_text())
            return EXIT_OK
        if args is None or args.command is None:  # no command: open the window (on the --db database, if given)
            from ..ui.app import run
            return run(db, fast_exit=True)
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BaseException as exc:  # noqa: BLE001 - the user gets a message, never a traceback
        return _report(exc)


#: File problems caused by the path given (the user's input, exit 2), in the ward's words.
FILE_WORDS = {FileNotFoundError: "no such file or folder (check the path)",
              IsADirectoryError: "is a folder, not a file",
              NotADirectoryError: "part of the path is not a folder",
              FileExistsError: "already exists, and nothing is written over it",
              PermissionError: "this account may not open it (permission denied)"}


def file_problem(exc: OSError) -> str:
    """``PATH: what is wrong`` for a file error, without Python's names or error numbers."""
    words = FILE_WORDS.get(type(exc)) or (exc.strerror or str(exc)).lower()
    return f"{exc.filename}: {words}" if exc.filename else words


def _report(exc: BaseException) -> int:
    from ..core.errors import CaseError
    from ..core.protocol import ProtocolError
    from ..storage.errors import RequestError, StorageError
    if isinstance(exc, SystemExit):
        raise exc
    if isinstance(exc, CaseError):
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INPUT
    if isinstance(exc, InputError):
        print(exc, file=sys.stderr)
        return EXIT_INPUT
    if isinstance(exc, StorageError):
        print(f"pacer-desktop: {exc}", file=sys.stderr)
        return EXIT_INPUT if isinstance(exc, RequestError) else EXIT_FAILED
    if isinstance(exc, OSError):  # a file or folder named on the command line, in plain words
        print(f"pacer-desktop: {file_problem(exc)}; nothing was saved", file=sys.stderr)
        return EXIT_INPUT if type(exc) in FILE_WORDS else EXIT_FAILED
    if isinstance(exc, ProtocolError):
        print(f"cannot start: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if os.environ.get("PACER_DEBUG"):
        raise exc
    print(f"pacer-desktop: unexpected error ({type(exc).__name__}: {exc}). "
          "Run again with PACER_DEBUG=1 to see the details.", file=sys.stderr)
    return EXIT_FAILED
