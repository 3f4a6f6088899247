"""What the audit rows' HMACs say (issue 17, point 8), in a form that does not grow with the file:
the rows checked, unsigned, signed with a key that is not here, or whose HMAC does not match, each
kept as runs of consecutive ids. ``verification`` fills it in as it reads the audit log.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3


class Runs:
    """Ascending row ids kept as runs of consecutive ids: a few numbers however many rows."""

    def __init__(self) -> None:
        self.runs: list[list[int]] = []
        self.count = 0

    @classmethod
    def span(cls, first: int, last: int) -> Runs:
        runs = cls()
        if last >= first:
            runs.runs, runs.count = [[first, last]], last - first + 1
        return runs

    def add(self, row_id: int) -> None:
        self.count += 1
        if self.runs and self.runs[-1][1] == row_id - 1:
            self.runs[-1][1] = row_id
        else:
            self.runs.append([row_id, row_id])

    def __bool__(self) -> bool:
        return self.count > 0

    @classmethod
    def of(cls, runs: list[list[int]]) -> Runs:
        """Back from :attr:`runs` (as a process checking part of the rows sends them)."""
        made = cls()
        for first, last in runs:
            made.join(cls.span(first, last))
        return made

    def join(self, later: Runs) -> None:
        """Add the runs of ``later``, whose ids all come after these: the same runs as adding its ids
        one by one (a run that goes on across the two is one run)."""
        for first, last in later.runs:
            if self.runs and self.runs[-1][1] == first - 1:
                self.runs[-1][1] = last
            else:
                self.runs.append([first, last])
        self.count += later.count

    def text(self) -> str:
        """As "3 to 5, 9"."""
        return ", ".join(str(a) if a == b else f"{a} to {b}" for a, b in self.runs)


@dataclasses.dataclass
class Seal:
    """What the audit rows' HMACs say, checked with the keys on this workstation."""
    total: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    checked: Runs = dataclasses.field(default_factory=Runs)
    unsigned: Runs = dataclasses.field(default_factory=Runs)  # written before 0005_audit_hmac
    not_here: dict[str, Runs] = dataclasses.field(default_factory=dict)  # key id -> rows

    @property
    def checkable(self) -> bool:
        return not self.not_here

    def not_here_text(self) -> str:
        """The plain sentence when some rows' key is not on this workstation ("" when all are)."""
        return _not_here_sentence({kid: runs.text() for kid, runs in self.not_here.items()})

    def coverage_text(self) -> str:
        signed = [run for runs in (self.checked, *self.not_here.values()) for run in runs.runs]
        if not signed:
            return (f"HMAC: none of the {self.total} audit rows is signed yet (written before the upgrade"
                    " that added the audit key); the next entry will be")
        first, last = min(a for a, _ in signed), max(b for _, b in signed)
        text = f"HMAC: rows {first} to {last} of {self.total} are signed"
        if self.checked:
            text += (f", {self.checked.count} vouched for by this workstation's keys (the newest row of each key"
                     " checked: its hash covers the rows before it)")
        if first > 1:
            text += (f" (rows 1 to {first - 1} were written before the upgrade that added the audit"
                     f" key; row {first}'s signature covers their hash chain)")
        return text


def mac_states(known: dict[str, bytes]) -> dict[str, tuple]:
    """For each key, by its id (``keys.key_id``): how its rows' HMAC values start (``<id>:``), and
    HMAC-SHA256's inner and outer hashes with the key absorbed (RFC 2104), to copy for each row
    rather than start over."""
    from . import keys
    block = hashlib.sha256().block_size
    states = {}
    for key in known.values():
        padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
        states[keys.key_id(key)] = (keys.key_id(key) + ":", hashlib.sha256(bytes(b ^ 0x36 for b in padded)),
                                    hashlib.sha256(bytes(b ^ 0x5C for b in padded)))
    return states


def well_signed(parts: list[dict], known: dict[str, bytes]) -> bool:
    """Whether the audit ranges (as :func:`shares.chain_and_seal` takes them) found nothing wrong and the
    newest row signed with each key here has a valid HMAC. That row's hash covers every row before
    it (``prev_sha256``), and each row's hash was checked against its content, so one valid HMAC per
    key vouches for all of them: a row edited and every later hash recomputed makes it fail."""
    from .keys import key_id, mac_ok
    if any(part["found"] or part["first_break"] is not None or part["removed"] or part["bad"] for part in parts):
        return False
    newest: dict[str, list] = {}
    for part in parts:  # in id order: a later range's row is the newer
        newest.update(part["newest"])
    keys_by_id = {key_id(key): key for key in known.values()}
    return all(mac_ok(keys_by_id[kid], row_sha, value) for kid, (_, row_sha, value) in newest.items())


def known_keys() -> dict[str, bytes]:
    from . import keys
    return keys.known_keys()


def key_status(conn: sqlite3.Connection) -> str:
    """Whether the keys of the signed rows are here, without checking each HMAC (for the window):
    "" when they are, else :meth:`Seal.not_here_text`."""
    from . import keys
    if "hmac" not in {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")}:
        return ""
    known = keys.known_keys()
    missing: dict[str, str] = {}
    for kid, first, last in conn.execute(
            f"SELECT substr(hmac, 1, {keys.KEY_ID_CHARS}) AS kid, min(id), max(id) FROM audit_log"
            " WHERE hmac IS NOT NULL GROUP BY kid ORDER BY min(id)"):
        if kid not in known:
            missing[kid] = str(first) if first == last else f"{first} to {last}"
    text = _not_here_sentence(missing)
    if not text:
        return ""
    return "cannot be checked here: " + text.removeprefix("edits cannot be checked here: ")


def _not_here_sentence(rows_by_key: dict[str, str]) -> str:
    if not rows_by_key:
        return ""
    rows = "; ".join(f"rows {r} (key {kid})" for kid, r in rows_by_key.items())
    return ("edits cannot be checked here: the audit key that signed " + rows + " is not on this"
            " workstation (the database was moved or restored from elsewhere). Until an administrator"
            " imports it (`pacer-desktop key export --out FILE` on the workstation that wrote them,"
            " then `pacer-desktop key import FILE` here), a change made with the sqlite3 program and"
            " every hash recomputed would not be seen.")
