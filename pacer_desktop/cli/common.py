"""What every command shares: the exit codes, bad input, reading a case file, ``--now``, and who
records (``--user INITIALS`` with a PIN: :func:`signed_in_user`, issue 18).

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
        if sys.stdin is None:  # started with standard input closed
            raise InputError("-: there is no standard input to read the case from")
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a case file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None


def open_store(create: bool = False):
    """The database of ``--db``; a path with no file is refused unless ``create`` (a typo in --db
    must not start a new one: only ``users init`` does)."""
    from ..storage.store import Store
    return Store.open(create=create)


def not_ahead(store, now):
    """``now`` (from ``--now``), refused when later than the workstation's clock, the store's, by
    more than the protocol's tolerance for clocks: the rules never act on what has not happened
    yet (rules §2 rev 2). A year ahead, every open line read as missed. None stays None."""
    if now is None:
        return None
    from datetime import timedelta

    from .. import protocols
    from ..core.errors import CaseError, Problem
    present = store.clock()
    if now > present + timedelta(minutes=protocols.load().temperature.future_tolerance_min):
        raise CaseError([Problem("--now", f"{now.isoformat()} is later than this workstation's clock"
                                          f" ({present.isoformat(timespec='minutes')}): a patient is shown as"
                                          " known now or at an earlier time, never ahead")])
    return now


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


#: What ``--user INITIALS:ROLE`` (before issue 18) is told.
OLD_USER_FORM = ("--user {text}: initials and a role (INITIALS:ROLE) are no longer accepted: give --user INITIALS;"
                 " the role comes from your account, and your PIN is asked (or read with --pin-stdin)")
NO_USERS = "no users yet: run `pacer-desktop users init` (the first administrator); nothing was saved"


def add_user_options(p: argparse.ArgumentParser, who: str, *, required: bool = True) -> None:
    """``--user INITIALS`` (``who`` is its help), ``--pin-stdin`` and ``--workstation NAME``."""
    p.add_argument("--user", required=required, metavar="INITIALS", help=who + "; your PIN is asked at the terminal")
    p.add_argument("--pin-stdin", action="store_true",
                   help="read the PIN from standard input, one line (for scripts), instead of asking")
    p.add_argument("--workstation", metavar="NAME", help="this workstation's name (default: the host name)")


def given_initials(text: str) -> str:
    """The initials of ``--user``; today's form refused with what replaced it (exit 2)."""
    if ":" in (text or ""):
        raise InputError(OLD_USER_FORM.format(text=text))
    return (text or "").strip().upper()


def read_pin(args: argparse.Namespace, prompt: str) -> str:
    """One PIN: the next line of standard input with ``--pin-stdin``, else asked without echo."""
    if getattr(args, "pin_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise InputError("--pin-stdin: standard input holds no PIN here (one PIN a line); nothing was saved")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():  # getpass would warn, then read a line that is not typed
        raise InputError("no PIN: there is no terminal to type it in; give it on standard input with"
                         " --pin-stdin; nothing was saved")
    import getpass
    return getpass.getpass(prompt)


def _workstation(args: argparse.Namespace) -> str:
    from ..storage.location import workstation_name
    return getattr(args, "workstation", None) or workstation_name()


class SignedIn:
    """A person whose PIN was just checked, allowed ``action``: their storage ``user`` (the role
    from the account) and :meth:`sign` for the signed actions."""

    def __init__(self, accounts, session, pin: str, action: str, workstation: str) -> None:
        from ..storage import User
        self.accounts, self.session, self.action, self._pin = accounts, session, action, pin
        self.user = User(session.initials, session.role, workstation)

    def sign(self, meaning: str, **where):
        """Record this person's signature of the action, with ``meaning`` (``table``, ``row_id``,
        ``patient_id``, ``detail`` as :meth:`Accounts.sign`)."""
        return self.accounts.sign(self.user.initials, self._pin, action=self.action, meaning=meaning, **where)


def _refused(text: str) -> InputError:
    return InputError(text if "nothing was" in text else f"{text}; nothing was saved")


def signed_in_user(store, args: argparse.Namespace, action: str, *more: str, what: str | None = None) -> SignedIn:
    """THE check of every command that records: the ``--user`` account, its PIN (the terminal or
    ``--pin-stdin``; wrong PINs count towards the lock-out) and its role's permission for
    ``action`` and each of ``more`` (:mod:`pacer_desktop.core.permissions`), before anything is
    written. ``what`` words the refusal when the table's words for ``action`` say it less well.
    Refusals raise :class:`InputError` (exit 2) with one line; a database without users refuses."""
    from ..core import permissions
    from ..storage.accounts import AccountError, Accounts
    initials = given_initials(args.user)
    workstation = _workstation(args)
    accounts = Accounts(store, workstation=workstation)
    if not accounts.has_users():
        raise InputError(NO_USERS)
    pin = read_pin(args, f"PIN for {initials}: ")
    try:
        session = accounts.sign_in(initials, pin)
    except AccountError as exc:
        raise _refused(str(exc)) from None
    if session.must_change_pin:
        raise _refused(f"{session.initials}: change your PIN first (it was reset by an administrator):"
                       f" run `pacer-desktop users change-pin --user {session.initials}`")
    for each in (action, *more):
        if refusal := permissions.refusal(session.role, each):
            if what and each == action:
                refusal = refusal.replace(permissions.TABLE[action].words, what)
            raise InputError(refusal)
    return SignedIn(accounts, session, pin, action, workstation)
