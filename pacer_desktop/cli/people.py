"""``pacer-desktop users …``: the first administrator, adding users, PIN resets and deactivation
(issue 18), through :mod:`pacer_desktop.storage.accounts` (every step audited there).

PINs are read at the terminal without echo, or one a line from standard input with ``--pin-stdin``
(``users add``: the administrator's PIN, then the new user's). Only argparse at module level.
"""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK, InputError, add_user_options, given_initials, open_store, read_pin, signed_in_user


def _new_pin(args: argparse.Namespace, whose: str) -> str:
    """A new PIN: from standard input once, or at the terminal twice (the same both times)."""
    pin = read_pin(args, f"new PIN for {whose} (6 or more digits): ")
    if not args.pin_stdin and read_pin(args, "the same PIN again: ") != pin:
        raise InputError("the two PINs differ; nothing was saved")
    return pin


def _account_error(call):
    """Run ``call``; an account's refusal is bad input (exit 2), as :func:`signed_in_user`'s."""
    from ..storage.accounts import AccountError
    try:
        return call()
    except AccountError as exc:
        raise InputError(f"{exc}; nothing was saved") from None


def _no_users_yet(accounts) -> None:
    if accounts.has_users():
        raise InputError("the first administrator is made only on a database without users; an administrator"
                         " adds the others (`pacer-desktop users add`)")


def cmd_init(args: argparse.Namespace) -> int:
    from ..storage.accounts import Accounts, check_new_account
    from ..storage import default_db_path
    initials = given_initials(args.user)
    if default_db_path().exists():  # users already there: said before any PIN is typed in vain
        with open_store() as store:
            _no_users_yet(Accounts(store, workstation=args.workstation))
    # Checked before a new database is made: "nothing was saved" leaves no empty file behind.
    pin = _new_pin(args, initials)
    _account_error(lambda: check_new_account(initials, args.name, pin))
    with open_store(create=True) as store:  # the one command that starts a new database
        accounts = Accounts(store, workstation=args.workstation)
        _no_users_yet(accounts)
        account = _account_error(lambda: accounts.create_first_admin(initials, name=args.name, pin=pin))
    print(f"{account.initials} ({account.name}) is the first administrator of {store.path}")
    return EXIT_OK


def _manage(args: argparse.Namespace, who: str, change, meaning: str):
    """An administrator's step on the account ``who``: ``--user`` and PIN checked (``manage_users``),
    ``change(accounts, admin_session)`` done, then signed with ``meaning``; returns the account."""
    with open_store() as store:
        signed = signed_in_user(store, args, "manage_users")
        _account_error(lambda: change(signed.accounts, signed.session))
        account = signed.accounts.account(who)
        signed.sign(meaning, table="users", row_id=account.id)
    return account


def cmd_add(args: argparse.Namespace) -> int:
    new = given_initials(args.initials)
    account = _manage(args, new, lambda accounts, admin: accounts.add_user(
        admin, new, name=args.name, role=args.role, pin=_new_pin(args, new), must_change_pin=args.must_change_pin),
        f"added user {new} ({args.role})")
    print(f"added {account.initials} ({account.name}, {account.role})")
    return EXIT_OK


def cmd_reset_pin(args: argparse.Namespace) -> int:
    who = given_initials(args.initials)
    _manage(args, who, lambda accounts, admin: accounts.reset_pin(admin, who, _new_pin(args, who)),
            f"reset the PIN of {who}")
    print(f"{who}'s PIN is reset; {who} must change it at the next sign-in (`pacer-desktop users change-pin`)")
    return EXIT_OK


def cmd_deactivate(args: argparse.Namespace) -> int:
    who = given_initials(args.initials)
    _manage(args, who, lambda accounts, admin: accounts.deactivate(admin, who), f"deactivated {who}")
    print(f"{who} is deactivated: no more sign-ins or signatures; every entry keeps its initials")
    return EXIT_OK


def cmd_change_pin(args: argparse.Namespace) -> int:
    from ..storage.accounts import Accounts
    initials = given_initials(args.user)
    with open_store() as store:
        accounts = Accounts(store, workstation=args.workstation)
        old = read_pin(args, f"current PIN for {initials}: ")
        session = _account_error(lambda: accounts.sign_in(initials, old))
        new = _new_pin(args, initials)
        _account_error(lambda: accounts.change_pin(session, old, new))
    print(f"{initials}: PIN changed")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from ..storage.accounts import Accounts
    with open_store() as store:
        users = Accounts(store).users()
    if not users:
        print("no users yet: run `pacer-desktop users init`", file=sys.stderr)
        return EXIT_OK
    now = datetime.now(UTC)
    print(f"{'initials':<9} {'name':<30} {'role':<11} {'active':<7} locked")
    for u in users:
        locked = f"until {u.locked_until.astimezone():%Y-%m-%d %H:%M}" if u.locked_until and u.locked_until > now else "no"
        print(f"{u.initials:<9} {u.name:<30} {u.role:<11} {'yes' if u.active else 'no':<7} {locked}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    from ..core.permissions import ROLES
    p = sub.add_parser("users", help="the people who may use PACER: first administrator, add, list, PINs",
                       description="Accounts (issue 18): each person has initials, a name, one role and a PIN of"
                                   " 6 or more digits. `users init` makes the first administrator of a new"
                                   " database; after that only an administrator adds users, resets a PIN or"
                                   " deactivates a user (never deletes). Every step is in the audit log.")
    users = p.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    u = users.add_parser("init", help="the first administrator of a database without users")
    u.add_argument("--name", required=True, help="the administrator's full name")
    add_user_options(u, "the new administrator's initials, e.g. AD")
    u.set_defaults(func=cmd_init)
    u = users.add_parser("add", help="add a user (an administrator; PINs: yours, then the new user's)")
    u.add_argument("initials", help="the new user's initials (never used before)")
    u.add_argument("--name", required=True, help="the new user's full name")
    u.add_argument("--role", required=True, choices=ROLES)
    u.add_argument("--must-change-pin", action="store_true", help="the user changes the PIN at the first sign-in")
    add_user_options(u, "the administrator adding the user")
    u.set_defaults(func=cmd_add)
    u = users.add_parser("list", help="initials, name, role, whether active and whether locked")
    u.set_defaults(func=cmd_list)
    u = users.add_parser("reset-pin", help="set a new PIN, to be changed at the next sign-in (an administrator;"
                                           " PINs: yours, then the new one)")
    u.add_argument("initials", help="whose PIN")
    add_user_options(u, "the administrator")
    u.set_defaults(func=cmd_reset_pin)
    u = users.add_parser("deactivate", help="no more sign-ins or signatures for a user (an administrator)")
    u.add_argument("initials", help="who")
    add_user_options(u, "the administrator")
    u.set_defaults(func=cmd_deactivate)
    u = users.add_parser("change-pin", help="change your own PIN (PINs: the current one, then the new one)")
    add_user_options(u, "your initials")
    u.set_defaults(func=cmd_change_pin)
