"""People and signatures (issue 18): accounts with a PIN, lock-out, and signatures that ask for it.

API (everything through one :class:`Accounts` made on an open :class:`~.store.Store`):

- ``Accounts(store, clock=..., workstation=...)`` — ``clock`` is a callable giving an aware "now"
  (injected: lock-out times and signature times come from it).
- ``has_users()``, ``users()``, ``account(initials)`` — read.
- ``create_first_admin(initials, name=, pin=)`` — only on a database without users.
- ``sign_in(initials, pin) -> Session`` — the role comes from the account.
- ``change_pin(session, old, new)`` — required after a reset (``Session.must_change_pin``).
- ``add_user(admin, initials, name=, role=, pin=)``, ``reset_pin(admin, initials, pin)``,
  ``deactivate(admin, initials)`` — an administrator's ``Session``; users are never deleted.
- ``sign(initials, pin, action=, meaning=, table=, row_id=, patient_id=, detail=) -> Signature`` —
  the PIN asked again; the account must be active, unlocked and its role allowed ``action``
  (:mod:`pacer_desktop.core.permissions`).
- ``signatures(table, row_id)``; :func:`problems` (a ``users`` row changed outside PACER).

Every refusal raises :class:`AccountError` with one line to show. A PIN is 6 or more digits, kept
only as a salted scrypt hash with its parameters (:mod:`.pins`); an older hash is made again with
today's parameters at the next sign-in. Wrong PINs
in a row (sign-in, signature or PIN change alike) lock the account; the numbers are settings
(:func:`.location.pin_lockout_setting`). Every add, reset, deactivation, PIN change, sign-in
(failed or not) and signature is written to the store's audit log, in its one hash chain, through
:func:`_audit` — the only place this module reaches into the store's writing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from ..core import permissions
from . import limits
from .audit import canonical, sha256
from .errors import StorageError
from .location import pin_lockout_setting, workstation_name
from .pins import hash_pin, is_current, pin_matches
from .records import instant

if TYPE_CHECKING:
    from .store import Store

__all__ = ["Account", "AccountError", "Accounts", "Session", "Signature", "problems"]


class AccountError(StorageError):
    """Refused: wrong PIN, locked, deactivated, not permitted; ``str()`` is the line to show."""


_PIN = re.compile(r"[0-9]{6,32}")
_INITIALS = re.compile(r"[A-Z][A-Z.\-']{0,7}")


def _check_new_pin(pin: str) -> None:
    if not _PIN.fullmatch(pin or ""):
        raise AccountError("a PIN is at least 6 digits (0–9), at most 32")


def check_new_account(initials: str, name: str, pin: str) -> tuple[str, str]:
    """The initials (upper case) and the name of a new account as they are stored; raises
    :class:`AccountError` naming what is wrong. Every account's creation checks this; ``users
    init`` checks it before it makes a new database, so that a refusal leaves no file behind."""
    initials = Accounts._initials(initials)
    name = (name or "").strip()
    if not name or len(name) > limits.TEXT_LIMITS["name"]:
        raise AccountError(f"give the user's full name (at most {limits.TEXT_LIMITS['name']} characters)")
    _check_new_pin(pin)
    return initials, name


@dataclass(frozen=True, kw_only=True, slots=True)
class Account:
    """A person who may sign in: initials, name, role, and whether the account may be used now."""
    id: int
    initials: str
    name: str
    role: str
    active: bool
    must_change_pin: bool
    locked_until: datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Session:
    """A signed-in person: made only by :meth:`Accounts.sign_in`."""
    initials: str
    name: str
    role: str
    must_change_pin: bool
    signed_in_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class Signature:
    """An electronic signature: who signed, as what, when, what it means and which entry."""
    id: int
    initials: str
    name: str
    role: str
    at: datetime
    action: str
    meaning: str
    table: str | None
    row_id: int | None
    patient_id: int | None
    detail: str


class _Actor(NamedTuple):
    """Who an audit row names (what ``Store._audit`` reads from its user)."""
    initials: str
    role: str
    workstation: str


# -- the one door into the store's audit chain ----------------------------------------------------

def _audit(store: Store, actor: _Actor, action: str, table: str | None = None, row_id: int | None = None) -> None:
    """Append one audit row (``Store._audit``) for ``table`` row ``row_id`` as it is now, hashed as
    the store hashes its rows; inside the store's transaction. Moves with ``_audit`` if it moves."""
    content = None
    if table is not None:
        [row] = store._rows(f"SELECT * FROM [{table}] WHERE id = ?", (row_id,))
        content = sha256(canonical(row))
    store._audit(actor, action, table, row_id, content)


def problems(conn) -> list[str]:
    """Each ``users`` row whose content is not what the audit log last recorded for it (a PIN hash,
    role or flag changed with the sqlite3 program, say). For ``verify-db``."""
    found = []
    cur = conn.execute("SELECT * FROM users ORDER BY id")
    names = [d[0] for d in cur.description]
    for values in cur.fetchall():
        row = dict(zip(names, values))
        last = conn.execute("SELECT content_sha256 FROM audit_log WHERE table_name = 'users' AND row_id = ?"
                            " AND content_sha256 IS NOT NULL ORDER BY id DESC LIMIT 1", (row["id"],)).fetchone()
        if last is None:
            found.append(f"users row {row['id']}: not in the audit log (added outside PACER)")
        elif last[0] != sha256(canonical(row)):
            found.append(f"users row {row['id']}: differs from what the audit log last recorded (changed outside PACER)")
    return found


class Accounts:
    """The accounts and signatures of one open store; see the module's text."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] | None = None,
                 workstation: str | None = None) -> None:
        self._store = store
        self._clock = clock or store.clock  # one clock: the store's unless a test gives its own
        self._workstation = workstation or workstation_name()

    # reading ----------------------------------------------------------------------------------

    def has_users(self) -> bool:
        return bool(self._store._rows("SELECT 1 FROM users LIMIT 1"))

    def users(self) -> list[Account]:
        return [self._account(r) for r in self._store._rows("SELECT * FROM users ORDER BY id")]

    def account(self, initials: str) -> Account:
        row = self._row(initials)
        if row is None:
            raise AccountError(f"no user {initials.strip().upper()}")
        return self._account(row)

    def signatures(self, table: str | None, row_id: int | None) -> list[Signature]:
        """The signatures of one signed row, oldest first."""
        rows = self._store._rows("SELECT * FROM signatures WHERE table_name IS ? AND row_id IS ? ORDER BY id",
                                 (table, row_id))
        return [self._signature(r) for r in rows]

    # people -----------------------------------------------------------------------------------

    def create_first_admin(self, initials: str, *, name: str, pin: str) -> Account:
        """The first administrator; refused once the database has any user."""
        initials, name = check_new_account(initials, name, pin)
        with self._store._transaction():
            if self.has_users():
                raise AccountError("the first administrator is made only on a database without users;"
                                   " an administrator adds the others")
            self._insert_user(_Actor(initials, "admin", self._workstation), initials, name, "admin", pin)
        return self.account(initials)

    def add_user(self, admin: Session, initials: str, *, name: str, role: str, pin: str,
                 must_change_pin: bool = False) -> Account:
        """A new account; its initials (the ID) must never have been used, even by a former user."""
        initials, name = check_new_account(initials, name, pin)
        if role not in permissions.ROLES:
            raise AccountError(f"role {role!r}: expected one of {', '.join(permissions.ROLES)}")
        with self._store._transaction():
            actor = self._administrator(admin)
            if self._row(initials) is not None:
                raise AccountError(f"{initials} is already a user's initials (initials are never reused);"
                                   " choose others")
            self._insert_user(actor, initials, name, role, pin, must_change_pin=must_change_pin)
        return self.account(initials)

    def reset_pin(self, admin: Session, initials: str, pin: str) -> None:
        """A new PIN set by an administrator; the user must change it at the next sign-in. Unlocks."""
        _check_new_pin(pin)
        with self._store._transaction():
            actor = self._administrator(admin)
            row = self._existing(initials)
            self._update(actor, row, f"reset PIN of {row['initials']}", pin_hash=hash_pin(pin),
                         must_change_pin=1, failed_pins=0, locked_until=None)

    def deactivate(self, admin: Session, initials: str) -> None:
        """The account can no longer sign in or sign; its row and every entry's initials stay."""
        with self._store._transaction():
            actor = self._administrator(admin)
            row = self._existing(initials)
            if row["role"] == "admin" and row["active"] and len(self._store._rows(
                    "SELECT 1 FROM users WHERE role = 'admin' AND active = 1")) == 1:
                raise AccountError(f"{row['initials']} is the last active administrator; add another first")
            self._update(actor, row, f"deactivate {row['initials']}", active=0)

    # signing in, PINs, signatures ---------------------------------------------------------------

    def sign_in(self, initials: str, pin: str) -> Session:
        """A session for the person whose initials and PIN these are."""
        with self._store._transaction():
            row, refused = self._authenticate(initials, pin, "sign-in")
            if not refused:
                row = self._update(self._actor(row), row, "sign in", **self._accepted(row, pin))
        if refused:
            raise AccountError(refused)
        return Session(initials=row["initials"], name=row["name"], role=row["role"],
                       must_change_pin=bool(row["must_change_pin"]), signed_in_at=self._now())

    def change_pin(self, session: Session, old_pin: str, new_pin: str) -> None:
        """The user's own new PIN, given the current one."""
        _check_new_pin(new_pin)
        if new_pin == old_pin:
            raise AccountError("choose a new PIN, not the one you have")
        with self._store._transaction():
            row, refused = self._authenticate(session.initials, old_pin, "PIN change")
            if not refused:
                self._update(self._actor(row), row, "change PIN", pin_hash=hash_pin(new_pin), must_change_pin=0,
                             failed_pins=0, locked_until=None)
        if refused:
            raise AccountError(refused)

    def sign(self, initials: str, pin: str, *, action: str, meaning: str, table: str | None = None,
             row_id: int | None = None, patient_id: int | None = None, detail: str = "") -> Signature:
        """Record a signature: the PIN asked again; who, their role and name, when, and the meaning
        of ``action`` on ``table`` row ``row_id``. Nothing is stored when refused."""
        permissions.needs_signature(action)  # an unknown action is a programming error
        if not (meaning or "").strip():
            raise AccountError("a signature needs its meaning (e.g. “verified dose”)")
        if too_long := limits.problems({"meaning": meaning, "detail": detail or ""}):
            raise AccountError(str(too_long[0]))
        with self._store._transaction():
            row, refused = self._authenticate(initials, pin, "signature")
            if not refused:
                refused = self._must_not_change(row) or permissions.refusal(row["role"], action)
            if not refused:
                if changes := self._accepted(row, pin):
                    self._update(self._actor(row), row, "wrong-PIN count cleared", **changes)
                sig_id = self._insert_signature(row, action, meaning.strip(), table, row_id, patient_id, detail)
        if refused:
            raise AccountError(refused)
        return self._signature(self._store._rows("SELECT * FROM signatures WHERE id = ?", (sig_id,))[0])

    # inside a transaction -----------------------------------------------------------------------

    def _authenticate(self, initials: str, pin: str, what: str) -> tuple[dict | None, str]:
        """The account's row and "" when the PIN is right; else the refusal, with the wrong PIN
        counted (and the account locked at the limit) and the attempt audited."""
        initials = (initials or "").strip().upper()
        row = self._row(initials) if _INITIALS.fullmatch(initials) else None
        if row is None:
            hash_pin(pin or "")  # one scrypt, as slow as a real check: no hint whether the user exists
            self._audit_only(_Actor(initials[:8] if _INITIALS.fullmatch(initials) else "?", "none", self._workstation),
                             f"{what} failed: unknown initials")
            return None, "initials or PIN not recognised"
        actor, now = self._actor(row), self._now()
        if not row["active"]:
            self._audit_only(actor, f"{what} refused: deactivated")
            return row, f"{row['initials']} is deactivated; ask an administrator"
        until = self._locked_until(row)
        if until is not None and now < until:
            self._audit_only(actor, f"{what} refused: locked")
            return row, self._locked_text(row["initials"], until)
        if pin_matches(pin or "", row["pin_hash"]):
            return row, ""
        attempts, lock_for = pin_lockout_setting()
        failed = row["failed_pins"] + 1
        if failed >= attempts:
            until = now + lock_for
            self._update(actor, row, f"{what} failed: wrong PIN, locked", failed_pins=0, locked_until=until.isoformat())
            return row, self._locked_text(row["initials"], until, attempts)
        self._update(actor, row, f"{what} failed: wrong PIN", failed_pins=failed, locked_until=None)
        return row, "initials or PIN not recognised"

    @staticmethod
    def _accepted(row: dict, pin: str) -> dict:
        """The changes a right PIN makes: the wrong-PIN count cleared, an older hash made again."""
        changes: dict = {}
        if row["failed_pins"] or row["locked_until"] is not None:
            changes.update(failed_pins=0, locked_until=None)
        if not is_current(row["pin_hash"]):
            changes["pin_hash"] = hash_pin(pin)
        return changes

    def _administrator(self, session: Session) -> _Actor:
        row = self._existing(session.initials)
        refused = (f"{row['initials']} is deactivated; ask an administrator" if not row["active"]
                   else self._must_not_change(row) or permissions.refusal(row["role"], "manage_users"))
        if refused:
            raise AccountError(refused)
        return self._actor(row)

    @staticmethod
    def _must_not_change(row: dict) -> str:
        return "change your PIN first (it was reset by an administrator)" if row["must_change_pin"] else ""

    def _insert_user(self, actor: _Actor, initials: str, name: str, role: str, pin: str, *,
                     must_change_pin: bool = False) -> None:
        cur = self._store._conn.execute(
            "INSERT INTO users (initials, name, role, pin_hash, active, must_change_pin, failed_pins, locked_until,"
            " created_at, created_by) VALUES (?, ?, ?, ?, 1, ?, 0, NULL, ?, ?)",
            (initials, name, role, hash_pin(pin), int(must_change_pin), self._now().isoformat(), actor.initials))
        _audit(self._store, actor, f"add user {initials} ({role})", "users", cur.lastrowid)

    def _update(self, actor: _Actor, row: dict, action: str, **changes) -> dict:
        """Change ``row`` (nothing when no ``changes``) and audit ``action`` with its new content."""
        if changes:
            sets = ", ".join(f"{k} = ?" for k in changes)
            self._store._conn.execute(f"UPDATE users SET {sets} WHERE id = ?", (*changes.values(), row["id"]))
        _audit(self._store, actor, action, "users", row["id"])
        return {**row, **changes}

    def _audit_only(self, actor: _Actor, action: str) -> None:
        _audit(self._store, actor, action)

    def _insert_signature(self, row: dict, action: str, meaning: str, table: str | None, row_id: int | None,
                          patient_id: int | None, detail: str) -> int:
        now = self._now()
        values = {"patient_id": patient_id, "at": now.astimezone(UTC).isoformat(timespec="microseconds"),
                  "at_offset_s": int(now.utcoffset().total_seconds()), "action": action, "meaning": meaning,
                  "name": row["name"], "table_name": table, "row_id": row_id, "detail": detail or "",
                  "entered_by": row["initials"], "role": row["role"], "workstation": self._workstation,
                  "entered_at": now.astimezone(UTC).isoformat(timespec="microseconds")}
        cur = self._store._conn.execute(f"INSERT INTO signatures ({', '.join(values)})"
                                        f" VALUES ({', '.join('?' * len(values))})", list(values.values()))
        _audit(self._store, self._actor(row), f"sign {action}", "signatures", cur.lastrowid)
        return cur.lastrowid

    # small helpers --------------------------------------------------------------------------------

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise StorageError("the accounts' clock must give an aware time")
        return now

    def _actor(self, row: dict) -> _Actor:
        return _Actor(row["initials"], row["role"], self._workstation)

    @staticmethod
    def _initials(initials: str) -> str:
        initials = (initials or "").strip().upper()
        if not _INITIALS.fullmatch(initials):
            raise AccountError(f"initials {initials!r}: give 1 to 8 letters, e.g. AB")
        return initials

    def _row(self, initials: str) -> dict | None:
        rows = self._store._rows("SELECT * FROM users WHERE initials = ?", ((initials or "").strip().upper(),))
        return rows[0] if rows else None

    def _existing(self, initials: str) -> dict:
        row = self._row(initials)
        if row is None:
            raise AccountError(f"no user {(initials or '').strip().upper()}")
        return row

    @staticmethod
    def _locked_until(row: dict) -> datetime | None:
        return datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None

    def _locked_text(self, initials: str, until: datetime, attempts: int | None = None) -> str:
        shown = until.astimezone(self._now().tzinfo)
        why = f" after {attempts} wrong PINs" if attempts else ""
        return (f"{initials} is locked until {shown:%H:%M} {shown.tzname()}{why}; try again then,"
                " or ask an administrator to reset the PIN")

    def _account(self, r: dict) -> Account:
        return Account(id=r["id"], initials=r["initials"], name=r["name"], role=r["role"], active=bool(r["active"]),
                       must_change_pin=bool(r["must_change_pin"]), locked_until=self._locked_until(r))

    @staticmethod
    def _signature(r: dict) -> Signature:
        return Signature(id=r["id"], initials=r["entered_by"], name=r["name"], role=r["role"],
                         at=instant(r["at"], r["at_offset_s"]), action=r["action"], meaning=r["meaning"],
                         table=r["table_name"], row_id=r["row_id"], patient_id=r["patient_id"], detail=r["detail"])
