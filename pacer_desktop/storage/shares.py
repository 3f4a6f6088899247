"""verify-db on both cores (issue 17: at most 3× SQLite's ``integrity_check`` on a ward's file).

What ``verification`` checks row by row (the audit log's chain and HMACs, each audited table's rows
against their recorded hashes) is cut at one id per table: the rows below it are checked in this
process, the rows from it on in a second process of the same program, while SQLite's
``integrity_check`` runs in a thread here. Each range starts from the row before it exactly as one
pass over all rows would, and the findings are put together in id order, so the report is the same
word for word; no row is left out or checked twice (the first range has no lower bound, the last
none above, so even an id of another type falls in one of them).

The second process is ``sys.executable`` itself: Python running ``share_child.child``, or the frozen
program, whose entry point hands :data:`CHILD_FLAG` to it before anything else. It reads
its job (the file, the keys, where to cut) on stdin, never on its command line, and writes one line
per range as it finishes. This process checks its own range of every table before it reads
any of those lines, so it never waits while it has rows of its own to check. If it cannot start
or fails in any way, this process checks its ranges itself: a second process can only save time.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from .opening import readonly
from .seals import Runs, Seal

CHILD_FLAG = "--pacer-verify-share"
# Below this many audit rows the whole check takes a few tenths of a second and a second process's
# start (about 0.1 s) would cost more than it saves: one process, as on a machine with one core.
SPLIT_FROM_ROWS = 100_000
# The second process's share of each table's rows. This one also has integrity_check, but in a
# thread that shares the two cores with both: on the ward's file halves finished together best
# (3.4-3.6 s; the second process taking 45% or 55%: 3.6-3.9 s).
CHILD_SHARE = 0.5


def between(column: str, bounds: tuple) -> tuple[str, tuple]:
    """``WHERE`` for ``bounds[0] <= column < bounds[1]`` (None: no bound; both None: "")."""
    lo, hi = bounds
    conds = ([f"{column} >= ?"] if lo is not None else []) + ([f"{column} < ?"] if hi is not None else [])
    return ("WHERE " + " AND ".join(conds) if conds else ""), tuple(b for b in bounds if b is not None)


class Split:
    """Every range checked in this process: ``begin`` calls ``check`` once, for all rows."""

    def begin(self, name: str, check) -> Callable[[], list]:
        """Checks this process's range of ``name`` now; the returned function gives every range's
        findings in id order, waiting for the second process's if need be. Beginning every table
        before asking for any keeps both cores busy: this process never waits while it has rows
        of its own to check."""
        found = check((None, None))
        return lambda: [found]

    def close(self) -> None:
        pass


def start(conn: sqlite3.Connection, known: dict[str, bytes] | None, names: list[str]) -> Split:
    """A :class:`Split` for the tables ``names`` (the audit log first), with a second process when
    there are two cores and rows enough to be worth one; else one that checks everything here."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    if cores < 2 or not path:
        return Split()
    cuts: dict[str, int] = {}
    for name in names:  # min and max apart: each alone is one look at the index, together a full scan
        lo, hi = conn.execute(f"SELECT (SELECT min(id) FROM [{name}]), (SELECT max(id) FROM [{name}])").fetchone()
        if type(lo) is int and type(hi) is int and hi - lo >= (SPLIT_FROM_ROWS if name == "audit_log" else 1000):
            cuts[name] = lo + int((hi - lo + 1) * (1 - CHILD_SHARE))
    if "audit_log" not in cuts:
        return Split()
    return _TwoProcesses(Path(path), known, cuts)


def _command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    root = str(Path(__file__).resolve().parents[2])
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r}); from pacer_desktop.storage.share_child"
            " import child; sys.exit(child())"]


class _TwoProcesses(Split):
    def __init__(self, path: Path, known: dict[str, bytes] | None, cuts: dict[str, int]) -> None:
        self._cuts = cuts
        self._done: dict[str, object] = {}
        job = {"path": str(path), "keys": None if known is None else {k: v.hex() for k, v in known.items()},
               "cuts": cuts}
        try:
            self._proc: subprocess.Popen | None = subprocess.Popen(
                _command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            with self._proc.stdin:
                self._proc.stdin.write(json.dumps(job).encode())
        except OSError:
            self.close()

    def begin(self, name: str, check) -> Callable[[], list]:
        cut = self._cuts.get(name)
        if cut is None:
            return super().begin(name, check)
        mine = check((None, cut))

        def parts() -> list:
            theirs = self._theirs(name)
            return [mine, theirs if theirs is not None else check((cut, None))]
        return parts

    def _theirs(self, name: str):
        while name not in self._done and self._proc is not None:
            line = self._proc.stdout.readline()
            try:
                got, found = line.split(b"\t", 1)
                self._done[got.decode()] = json.loads(found, object_hook=_decode)
            except ValueError:  # it stopped (an error, killed): this process checks the rest itself
                self.close()
        return self._done.pop(name, None)

    def close(self) -> None:
        proc, self._proc = getattr(self, "_proc", None), None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
            proc.wait()


def chain_and_seal(parts: list[dict], known: dict[str, bytes] | None, signed: bool) -> tuple:
    """The audit ranges' findings (:func:`verification.audit_part`; in id order, together every row
    once) as one pass over all rows gives them: the chain's problems, the last id up to which it is
    intact, and what the HMACs say (None without ``known``)."""
    found = [text for part in parts for text in part["found"]]
    breaks = [part["first_break"] for part in parts if part["first_break"] is not None]
    intact_to = breaks[0] if breaks else parts[-1]["end"]
    total = sum(part["total"] for part in parts)
    if known is None:
        return found, intact_to, None
    if not signed:  # written before 0005_audit_hmac: no row is signed
        return found, intact_to, Seal(total=total, unsigned=Runs.span(1, total))
    seal_, bad, removed = Seal(total=total), Runs(), Runs()
    for part in parts:
        for runs, more in ((seal_.checked, part["checked"]), (seal_.unsigned, part["unsigned"]), (bad, part["bad"]),
                           (removed, part["removed"])):
            runs.join(more)
        for kid, more in part["not_here"].items():
            seal_.not_here.setdefault(kid, Runs()).join(more)
    if bad:
        seal_.problems.append(
            f"audit log rows {bad.text()}: their HMAC does not match (a row was changed outside PACER"
            " and its hashes recomputed; the first of these rows, or an entry it records, is where)")
    if removed:
        seal_.problems.append(f"audit log rows {removed.text()}: their HMAC was removed (changed outside PACER)")
    return found, intact_to, seal_


def encode(value):
    if isinstance(value, Runs):
        return {"__runs__": value.runs}
    raise TypeError(type(value).__name__)


def _decode(obj: dict):
    return Runs.of(obj["__runs__"]) if set(obj) == {"__runs__"} else obj


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    check = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if check == ["ok"] else [f"integrity check: {line}" for line in check]


class IntegrityBeside:
    """SQLite's integrity check, on a read-only connection of its own in a thread of its own while
    the rows are hashed: it is one call into SQLite, which lets go of Python's lock for all of it,
    so on a second core it costs no waiting (verify-db takes the longer of the two, not their sum).
    A connection with no file behind it (or a file that will not open again) is checked in line."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._found: list[str] | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        file = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
        if file:
            try:
                other = readonly(Path(file))
            except sqlite3.Error:
                return
            self._thread = threading.Thread(target=self._run, args=(other,), name="integrity_check", daemon=True)
            self._thread.start()

    def _run(self, other: sqlite3.Connection) -> None:
        try:
            self._found = integrity_problems(other)
        except BaseException as exc:  # noqa: BLE001 - raised again by result(), on the caller's thread
            self._error = exc
        finally:
            other.close()

    def result(self) -> list[str]:
        if self._thread is None:
            return integrity_problems(self._conn)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._found or []
