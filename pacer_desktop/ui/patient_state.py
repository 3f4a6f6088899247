"""The selected patient as the screens see it: record, case, result, entries; one ``changed`` signal.

Screens take this object in ``__init__``, redraw on ``changed``, and send writes down through
:meth:`PatientState.save`, which runs them through :class:`StoreOps` off the GUI thread. Reads
(a few small queries and one evaluation) stay on the GUI thread.
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import datetime
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from ..core.case import Case
from ..core.errors import CaseError, Problem
from ..core.protocol import Protocol
from ..core.result import Result
from ..evaluation import evaluate_case, protocol_for
from ..storage import Store, StorageError, User
from .ops import StoreOps

Clock = Callable[[], datetime]


#: What a form says of a save that failed for a reason other than bad input (the window's box has
#: the error's own words).
UNEXPECTED = ("Not saved: the program met an error (its words are in the message box). Check the flowsheet"
              " before you try again; tell IT if it happens again.")


class PatientState(QObject):
    changed = Signal()           # the patient, its entries or its result changed
    saved = Signal(str)          # a write landed; the text says what
    failed = Signal(str)         # a write failed for a reason other than bad input
    stale = Signal(str)          # a write landed but the screen could not be redrawn after it
    user_changed = Signal()
    switched = Signal()          # another patient (or none) was selected: forms start blank

    def __init__(self, store: Store, ops: StoreOps, *, clock: Clock | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.ops = store, ops
        self.clock = clock or store.clock  # one clock: the store's unless a test gives its own
        self.user: User | None = None
        self.patient_id: int | None = None
        self.record = None
        self.case: Case | None = None
        self.result: Result | None = None
        self.protocol: Protocol | None = None
        self.entries: list = []
        self.acknowledgements: list = []  # storage AcknowledgementRecords, oldest first
        self.error: str = ""
        #: the window's permissions and signatures (issue 18, :class:`.signing.Gate`); None: every write
        self.gate = None

    # ---- reading -------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock()

    @property
    def zone(self) -> str:
        return self.result.timezone if self.result else (self.record.timezone if self.record else "UTC")

    def set_user(self, user: User | None) -> None:
        self.user = user
        self.user_changed.emit()

    def select(self, patient_id: int | None) -> None:
        switched = patient_id != self.patient_id
        self.patient_id = patient_id
        if switched:  # before the redraw: nothing of the last patient is shown with the next
            self.switched.emit()
        self.reload()

    def reload(self) -> None:
        if self.patient_id is None:
            self.error = ""
            self.record = self.case = self.result = self.protocol = None
            self.entries = []
            self.acknowledgements = []
            self.changed.emit()
            return
        # Read and evaluate first, then change the state at once: a read that fails half-way leaves
        # the patient as last shown, never entries of now beside a result of before.
        pid = self.patient_id
        record, entries = self.store.patient(pid), self.store.entries(pid)
        acknowledgements = self.store.acknowledgements(pid)
        now = self.now()  # one moment for the case and its result
        case = self.store.case_for(pid, now=now)
        protocol, result, error = self.protocol, None, ""
        try:
            protocol = protocol_for(case)
            # one evaluation per change (issue 16): after a write, the store's own check of the
            # case it stored is the result; otherwise (a new minute, another patient) evaluate here
            result = self.store.saved_result(pid, case, now) or evaluate_case(case, now)
        except CaseError as exc:  # stored data the engine refuses: say so, never hide it
            error = "; ".join(str(p) for p in exc.problems)
        self.record, self.entries, self.acknowledgements, self.case = record, entries, acknowledgements, case
        self.protocol, self.result, self.error = protocol, result, error
        self.changed.emit()

    def evaluate_with(self, *, replacing: object | None = None, **additions: tuple) -> Result:
        """The result if ``additions`` (e.g. ``assessments=(a,)``) were added: live previews. A
        correction's preview names the stored entry it ``replacing``, which is then left out."""
        assert self.case is not None
        update = {name: tuple(_without(getattr(self.case, name), replacing)) + tuple(items)
                  for name, items in additions.items()}
        return evaluate_case(dataclasses.replace(self.case, **update), self.now())

    def live_entries(self, kind: str | None = None) -> list:
        return [e for e in self.entries if e.current and (kind is None or e.kind == kind)]

    # ---- writing -------------------------------------------------------------------------
    def save(self, work: Callable[[Store, User, int], Any], done_text: str, *,
             on_problems: Callable[[tuple[Problem, ...]], None],
             on_saved: Callable[[Any], None] | None = None, needs_patient: bool = True) -> bool:
        """Run ``work(store, user, patient_id)`` off the GUI thread; reload and report after.

        Bad input comes back as ``on_problems(problems)`` (shown next to the fields; nothing was
        stored); any other failure is emitted as ``failed`` so it is never lost, and is also given to
        ``on_problems``, so that the form takes input again. The gate, when
        set, refuses what the user's role may not do and asks the PIN for a signed write.
        """
        if self.user is None:
            on_problems((Problem("", "Nobody is signed in: sign in with your initials and PIN first."),))
            return False
        if needs_patient and self.patient_id is None:
            on_problems((Problem("", "Select or create a patient first."),))
            return False
        user, pid, record = self.user, self.patient_id, self.record

        def named() -> str:  # landed after another patient was chosen: whose entry, never the next's
            return done_text if pid == self.patient_id or record is None else \
                f"{done_text}, for {record.name} (MRN {record.mrn})"

        def succeeded(value: Any) -> None:
            said = named()
            try:
                self.reload()
            except Exception as exc:  # noqa: BLE001 - stored: the form closes, and the window says both
                redraw: Exception | None = exc
            else:
                redraw = None
            if on_saved is not None:
                on_saved(value)
            self.saved.emit(said)
            if redraw is not None:
                self.stale.emit(f"Saved ({said}), but the patient could not be read back after it ({redraw})."
                                " What the screen shows may be out of date: select the patient again before"
                                " anything else, and tell IT if this happens again.")
                sys.excepthook(type(redraw), redraw, redraw.__traceback__)  # logged, and seen by the tests

        def failed(exc: BaseException) -> None:
            if isinstance(exc, CaseError):
                on_problems(exc.problems)
            elif isinstance(exc, StorageError):  # e.g. an MRN already in use: the form says so
                on_problems((Problem(getattr(exc, "field", "") or "", str(exc)),))
            else:  # said in the form too, which takes input again: nothing stays disabled for good
                self.failed.emit(f"Not saved: {user.initials}'s entry “{named()}”. The error: {exc}")
                on_problems((Problem("", UNEXPECTED),))

        def run(admitted: Callable[[Store, User, int], Any]) -> None:
            self.ops.run(lambda store: admitted(store, user, pid), on_success=succeeded, on_failure=failed)

        if self.gate is not None:
            return self.gate.admit(work, on_problems, run)
        run(work)
        return True


def _without(entries: tuple, entry: object | None) -> list:
    """``entries`` less the first one equal to ``entry`` (entries compare by their fields)."""
    kept = list(entries)
    if entry is not None and entry in kept:
        kept.remove(entry)
    return kept
