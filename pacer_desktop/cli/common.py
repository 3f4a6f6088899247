"""What every command shares: the exit codes, bad input, reading a case file, ``--now`` and ``--user``.

Standard library only at module level: this module is loaded on every start of the command line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

#: 0 done; 1 failed (a storage problem, an unexpected error); 2 bad input, one line per problem.
EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


class InputError(Exception):
    """A problem with what the user gave; printed as it is, exit 2."""


def read_input(path: str) -> bytes:
    """The bytes of the case file at ``path``, or of standard input for ``-``."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a case file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None


def parse_now(text: str | None):
    """``--now TIME``: an aware datetime, or None when not given. Bad input names the option."""
    if not text:
        return None
    from datetime import datetime

    from ..core.errors import CaseError, Problem
    from ..core.timeutil import check_year
    try:
        now = datetime.fromisoformat(text)
    except ValueError:
        now = None
    if now is None or now.tzinfo is None or now.utcoffset() is None:
        raise CaseError([Problem("--now", f"{text!r} is not an ISO 8601 date and time with a UTC offset")])
    if problem := check_year(now):  # as in a case file (case-format rev 2); year 9999 overflowed
        raise CaseError([Problem("--now", problem)])
    return now


def add_user_options(p: argparse.ArgumentParser, who: str) -> None:
    """``--user INITIALS:ROLE`` (required; ``who`` is its help) and ``--workstation NAME``."""
    p.add_argument("--user", required=True, metavar="INITIALS:ROLE", help=who)
    p.add_argument("--workstation", metavar="NAME", help="this workstation's name (default: the host name)")


def user_of(args: argparse.Namespace):
    """The storage ``User`` given by ``--user`` and ``--workstation``; a bad one raises StorageError."""
    from ..storage.location import workstation_name
    from ..storage.store import User
    return User.parse(args.user, args.workstation or workstation_name())
