# Over 400 lines on purpose: Store is the one front door of storage; each of its ~40 methods is a
# docstring and a call into the module that does the job (entries, cases, patients, audit, backups).
"""The PACER database: append-only, attributed, hash-chained, safe to open from any thread.

One :class:`Store` wraps one SQLite connection guarded by a lock, so the window's worker thread
and the GUI thread may share it; there is no module-level state. Every write runs in
``BEGIN IMMEDIATE`` (a second process waits for its turn instead of failing half-way), validates
the patient's would-be case with the engine first, and appends its audit row in the same
transaction. Clinical rows are never updated or deleted (triggers refuse it); a correction is a
new row in ``corrections`` that supersedes the old one, and the ``current_*`` views hide
superseded rows.

Times are stored as UTC text (sortable) plus the original UTC offset in seconds, so an entry is
shown with the offset it was entered with.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.case import Case, CrsInputs, EligibilityInputs, IcansInputs
from . import audit, backups, cases, entries, files, keys, opening, patients, schema
from .errors import (AppendOnlyViolation, CorruptDatabase, NewerDatabase, NotAPacerDatabase,
                     ReadOnlyDatabase, StorageError, missing_database)
from .models import ROLES, AcknowledgementRecord, EntryRecord, PatientRecord, User
from .location import default_db_path, keep_backups_setting
from .records import KINDS, instant

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["AcknowledgementRecord", "AppendOnlyViolation", "CorruptDatabase", "EntryRecord", "KINDS", "NewerDatabase",
           "NotAPacerDatabase", "PatientRecord", "ROLES", "ReadOnlyDatabase", "Store",
           "StorageError", "User", "default_db_path"]


BUSY_TIMEOUT_S = opening.BUSY_TIMEOUT_S


def real_clock() -> datetime:
    """The workstation's clock (aware, UTC): the default of :meth:`Store.open`'s ``clock``."""
    return datetime.now(UTC)


# -- the store ------------------------------------------------------------------------------------

class Store:
    """The open database. Create with :meth:`open`; every method is safe from any thread."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, keep_backups: int = 14,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.path = path
        #: The one clock (issue 16): entries, audit rows and backups are stamped by it and the
        #: window and exports read "now" from it; tests open the store with a clock of their own.
        self.clock = clock or real_clock
        self.keep_backups = keep_backups
        self._conn = conn
        self._db: Database | None = None
        self._lock = threading.RLock()
        self._depth = 0  # transactions open on this connection (one_step nests the store's own)
        self._parts_cache: dict[int, tuple[tuple[int, int], dict]] = {}
        #: The last write's checked case and its result, by patient (:func:`cases.saved_result`).
        self._results: dict[int, tuple[Case, datetime, Any]] = {}
        #: Engine models of stored rows by (kind, row id). Rows are never changed (append-only),
        #: so an entry is read into its model once: the flowsheet and the case share it.
        self._models: dict[tuple[str, int], Any] = {}
        self._models_version: int | None = None
        self._signing_key: bytes | None = None  # this installation's audit key, read on the first write
        self._check_pending = False  # the full check is still to run this session (:meth:`daily_backup`)

    # lifecycle ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, keep_backups: int | None = None,
             daily_backup: bool = True, clock: Callable[[], datetime] | None = None,
             create: bool = True) -> Store:
        """Open (creating or upgrading) the database; refuses a foreign, newer or damaged file.

        ``keep_backups`` defaults to the setting ``PACER_KEEP_BACKUPS`` (14 when unset).
        ``clock`` (no arguments, an aware UTC datetime) is the one "now" of everything the store
        stamps and checks: entry and audit times, the bedside check of future times, backup names
        and their ages. ``daily_backup=False`` leaves today's copy to the caller (:meth:`daily_backup`): the window
        makes it on a background thread, because copying a large file takes seconds.
        ``create=False`` (the commands that use an existing database) refuses a path with no file.
        """
        path = Path(path).expanduser() if path else default_db_path()
        if keep_backups is None:
            keep_backups = keep_backups_setting()
        created = False
        if not path.exists():
            if not create:
                raise missing_database(path)
            created = opening.create(path)
        if not created:
            opening.inspect(path)
        try:
            conn = opening.connect(path)
        except sqlite3.DatabaseError as exc:
            if files.is_disk_full(exc, path):  # switching to WAL needs room for the -wal and -shm
                raise files.disk_full(path, "open the database") from None
            raise StorageError(f"cannot open {path}: {exc}") from None
        store = cls(path, conn, keep_backups=keep_backups, clock=clock)
        try:
            if store._migrations_pending():
                if not created:
                    store.backup(tag="before-upgrade")
                try:
                    store._migrate()
                except StorageError:
                    raise
                except Exception as exc:  # a migration's own failure: rolled back, file as it was
                    raise StorageError(f"could not upgrade {path} ({type(exc).__name__}: {exc}); nothing"
                                       f" was changed, and a copy is in {store.backups_dir}") from exc
                check = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
                if check != ["ok"]:
                    raise CorruptDatabase(f"{path} failed its integrity check after the upgrade"
                                          f" ({check[0]}); restore the backup in {store.backups_dir}")
            if not created and daily_backup:
                store.daily_backup()
            elif not created:
                store._check_pending = True  # with the caller's daily backup, after the window is shown
        except BaseException:
            store.close()
            raise
        return store

    @property
    def db(self) -> Database:
        """The connection as a sqlite-utils ``Database`` (schema and migrations), made on first use:
        importing sqlite_utils costs about 50 ms that opening an up-to-date database does not need."""
        if self._db is None:
            from sqlite_utils import Database
            self._db = Database(self._conn, execute_plugins=False)
        return self._db

    def _migrations_pending(self) -> bool:
        """Whether any of our migrations is not applied yet. Reads sqlite-utils' own record of applied
        migrations with plain SQL (as :func:`opening.inspect` does), so sqlite_utils is loaded only when a
        migration really has to run."""
        with self._lock:
            return schema.pending_migrations(self._conn)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        with self._transaction():
            schema.migrate(self._conn, self.db)

    def one_step(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """Every write inside is one transaction: all are stored or none (an entry and its
        signature, issue 18)."""
        return self._transaction()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before anything is read so concurrent writers queue.
        Inside another (:meth:`one_step`) it is part of that one, committed or rolled back with it."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StorageError(f"the database is busy (another PACER window is saving: {exc});"
                                   " nothing was saved, try again") from None
            self._depth = 1
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                self._rollback()
                if "append-only" in str(exc):
                    raise AppendOnlyViolation(str(exc)) from None
                raise StorageError(f"not saved: {exc}") from None
            except sqlite3.OperationalError as exc:
                self._rollback()
                if files.is_disk_full(exc, self.path):
                    raise files.disk_full(self.path, "save this entry (it was not saved)") from None
                raise StorageError(f"not saved: {exc}") from None
            except BaseException:
                self._rollback()
                raise
            finally:
                self._depth = 0

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        # what was remembered inside the transaction was never stored
        self._parts_cache.clear()
        self._results.clear()
        self._models.clear()  # a row id rolled back is given again to the next row

    def _rows(self, sql: str, params: tuple | list = ()) -> list[dict]:
        with self._lock:
            cur = self._conn.execute(sql, params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    # writing --------------------------------------------------------------------------------------

    def _insert(self, user: User, table: str, values: dict, action: str) -> int:
        """Insert one attributed row and its audit row; call inside :meth:`_transaction`."""
        row_id, content_sha256 = audit.insert_row(self._conn, user, table, values, self.clock())
        self._audit(user, action, table, row_id, content_sha256)
        return row_id

    def _audit(self, user: User, action: str, table: str | None, row_id: int | None,
               content_sha256: str | None) -> None:
        if self._signing_key is None:
            self._signing_key = keys.own_key()  # made on this installation's first write (issue 17)
        audit.append(self._conn, user, action, table, row_id, content_sha256, at=self.clock(), key=self._signing_key)

    def add_patient(self, user: User, *, mrn: str, name: str, date_of_birth: date | None,
                    sex_at_birth: str | None, developmental_delay: bool, infusion_at: datetime | None,
                    timezone: str, protocol: str = "pacer-1", study_id: str | None = None) -> int:
        """Store a new patient; returns the patient id. The MRN (and study ID) must not belong to a
        current patient."""
        return entries.add_patient(self, user, mrn=mrn, name=name, date_of_birth=date_of_birth,
                                   sex_at_birth=sex_at_birth, developmental_delay=developmental_delay,
                                   infusion_at=infusion_at, timezone=timezone, protocol=protocol, study_id=study_id)

    def add_weight(self, user: User, patient_id: int, *, at: datetime, kg: Decimal) -> int:
        return entries.add(self, user, patient_id, "weight", {"at": at, "kg": kg})

    def add_temperature(self, user: User, patient_id: int, *, at: datetime, value: Decimal, unit: str) -> int:
        return entries.add(self, user, patient_id, "temperature", {"at": at, "value": value, "unit": unit})

    def add_assessment(self, user: User, patient_id: int, *, at: datetime, crs: CrsInputs | None,
                       icans: IcansInputs | None) -> int:
        return entries.add(self, user, patient_id, "assessment", {"at": at, "crs": crs, "icans": icans})

    def add_medication(self, user: User, patient_id: int, *, at: datetime, drug: str,
                       dose_mg: Decimal | None, for_line: int | None = None, reason: str | None = None) -> int:
        """Record a medication given; an anakinra dose may name the schedule line it was given for
        and why it was given outside the administration window (rules §5a)."""
        return entries.add(self, user, patient_id, "medication", {"at": at, "drug": drug, "dose_mg": dose_mg,
                                                          "for_line": for_line, "reason": reason or None})

    def add_dose_outcome(self, user: User, patient_id: int, *, line: int, outcome: str, at: datetime,
                         reason: str, by: str | None = None) -> int:
        """Close a schedule line without a dose: held, refused or omitted, with why (rules §5a)."""
        return entries.add(self, user, patient_id, "dose_outcome", {"line": line, "outcome": outcome, "at": at,
                                                            "by": by or str(user), "reason": reason})

    def add_restart(self, user: User, patient_id: int, *, at: datetime, reason: str, by: str | None = None) -> int:
        """Record a clinician's decision to restart anakinra after its stop time (rules §6 rev 2)."""
        return entries.add(self, user, patient_id, "restart", {"at": at, "by": by or str(user), "reason": reason})

    def add_escalation(self, user: User, patient_id: int, *, at: datetime, reason: str,
                       by: str | None = None) -> int:
        """Record the decision to escalate; ``by`` defaults to the user, e.g. ``AB (prescriber)``."""
        return entries.add(self, user, patient_id, "escalation", {"at": at, "by": by or str(user), "reason": reason})

    def add_eligibility(self, user: User, patient_id: int, inputs: EligibilityInputs) -> int:
        return entries.add(self, user, patient_id, "eligibility", {"inputs": inputs})

    def import_case(self, user: User, case: Case, *, mrn: str, name: str, study_id: str | None = None) -> int:
        """Store a whole case file as a new patient (validated exactly as ``evaluate`` does)."""
        return entries.import_case(self, user, case, mrn=mrn, name=name, study_id=study_id)

    def correct(self, user: User, kind: str, entry_id: int, *, reason: str,
                replacement: dict | None = None) -> int | None:
        """Supersede an entry. ``replacement`` None withdraws it (entered in error, wrong patient);
        otherwise its fields, laid over the old entry's, make the new row whose id is returned.

        For ``kind="patient"`` the entry id is the patient id: None withdraws the whole patient,
        a replacement corrects their details (the id of the new details row is returned).
        """
        return entries.correct(self, user, kind, entry_id, reason=reason, replacement=replacement)

    def record_document(self, user: User, patient_id: int | None, *, kind: str, content_sha256: str,
                        protocol: str, detail: str = "") -> int:
        """Note that a document was printed (its kind, SHA-256 and the protocol it follows)."""
        return entries.record_document(self, user, patient_id, kind=kind, content_sha256=content_sha256,
                                       protocol=protocol, detail=detail)

    def record_key_event(self, user: User, action: str) -> None:
        """An audit key exported or imported (``pacer-desktop key``), in the audit log."""
        with self._transaction():
            self._audit(user, action, None, None, None)

    def acknowledge(self, user: User, patient_id: int, *, alert: str, assessment_at: datetime | None,
                    note: str = "") -> int:
        """Record that ``user`` acknowledged the prompt ``alert`` shown for the patient, as judged on
        the assessment at ``assessment_at`` (None before any assessment); returns the row id."""
        return entries.acknowledge(self, user, patient_id, alert=alert, assessment_at=assessment_at, note=note)

    # reading --------------------------------------------------------------------------------------

    def patients(self, search: str = "") -> list[PatientRecord]:
        """Current (not withdrawn) patients whose MRN, name or study ID contains ``search``, by name."""
        return patients.search(self, search)

    def patient(self, patient_id: int) -> PatientRecord:
        return patients.patient(self, patient_id)

    def _patient(self, patient_id: int) -> PatientRecord:  # export.py's name for it
        return patients.patient(self, patient_id)

    def patient_by_mrn(self, mrn: str) -> PatientRecord:
        return patients.by_field(self, "mrn", mrn)

    def patient_by_study_id(self, study_id: str) -> PatientRecord:
        """The current patient with this study ID (issue 19)."""
        return patients.by_field(self, "study_id", study_id)

    def entries(self, patient_id: int, kind: str | None = None, include_superseded: bool = True) -> list[EntryRecord]:
        """The flowsheet: every entry of the patient (or of one kind), oldest first."""
        return entries.entries(self, patient_id, kind, include_superseded)

    def case_for(self, patient_id: int, *, now: datetime | None = None) -> Case:
        """The engine's case from the patient's current rows (``now`` left empty unless given).

        With ``now``, the patient as known at that moment: entries later than now + the protocol's
        future tolerance (5 minutes, rules §2) had not happened yet and are left out, not refused
        (``evaluate --mrn X --now T`` looks back at a past moment)."""
        with self._lock:
            patient = patients.patient(self, patient_id)
            parts = cases.current_parts(self, patient_id)
            if now is not None:
                parts = cases.known_at(patient, parts, now)
            case = cases.stored_case(patient, parts)
        return dataclasses.replace(case, now=now) if now is not None else case

    def saved_result(self, patient_id: int, case: Case, now: datetime):
        """The result the last write's check gave, if ``case`` is what it stored, at ``now``."""
        with self._lock:
            return cases.saved_result(self, patient_id, case, now)

    def export_case_json(self, patient_id: int, *, now: datetime | None = None, indent: int | None = None) -> str:
        """The patient's current rows as a case file (the same case as :meth:`case_for`, with
        ``now`` the patient as known at that moment)."""
        from . import export  # case files: only for export-case and the exports
        return export.export_case_json(self, patient_id, now=now, indent=indent)

    def export_all(self, out, *, now: datetime | None = None) -> int:
        """Write every current patient's case as one JSON line to ``out``; returns how many."""
        from . import export
        return export.export_all(self, out, now=now)

    def documents(self, patient_id: int) -> list[dict]:
        return self._rows("SELECT * FROM documents WHERE patient_id = ? ORDER BY id", (patient_id,))

    def acknowledgements(self, patient_id: int) -> list[AcknowledgementRecord]:
        """The patient's acknowledged prompts, oldest first."""
        rows = self._rows("SELECT * FROM acknowledgements WHERE patient_id = ? ORDER BY id", (patient_id,))
        return [AcknowledgementRecord(
            id=r["id"], patient_id=r["patient_id"], alert=r["alert"],
            assessment_at=instant(r["assessment_at"], r["assessment_offset_s"]), note=r["note"] or "",
            entered_by=r["entered_by"], role=r["role"], workstation=r["workstation"],
            entered_at=datetime.fromisoformat(r["entered_at"])) for r in rows]

    def audit(self, limit: int | None = None) -> list[dict]:
        """Audit rows, newest first (all of them when ``limit`` is None)."""
        sql = "SELECT * FROM audit_log ORDER BY id DESC"
        return self._rows(sql + " LIMIT ?", (limit,)) if limit is not None else self._rows(sql)

    # checking -------------------------------------------------------------------------------------

    def verify(self) -> list[str]:
        """Problems found (empty: all well): integrity check, append-only triggers (their full SQL),
        the audit chain, every audited row still matching the hash recorded when it was written, the
        HMACs of the audit rows whose key is here (verification says how), and each restore record
        against its backup's head."""
        from . import verification  # verify-db's checks: loaded when asked for, not at start
        with self._lock:
            return verification.problems(self._conn)

    def chain_anchor(self) -> str:
        """The audit chain's length and head as ``LENGTH:HEAD`` (16 hex digits), to print or write
        down; ``verify-db --anchor`` checks later that the chain still extends it ("" while empty)."""
        from . import anchors
        with self._lock:
            now = anchors.head_of(self._conn)
        return f"{now.length}:{now.head[:anchors.HEAD_CHARS]}" if now else ""

    def key_status(self) -> str:
        """"" when every signed audit row's key is on this workstation; else the plain sentence
        that edits cannot be checked here until an administrator imports the key (issue 17)."""
        from . import seals
        with self._lock:
            return seals.key_status(self._conn)

    # backups (backups.py) ---------------------------------------------------------------------------

    @property
    def backups_dir(self) -> Path:
        return self.path.parent / "backups"

    def backup(self, dest_dir: Path | None = None, *, tag: str = "") -> Path:
        """Copy the database with SQLite's backup API; returns the new file (:func:`backups.backup`)."""
        return backups.backup(self, dest_dir, tag=tag)

    def daily_backup(self) -> Path | None:
        """A copy into the backups folder unless the newest is less than a day old; before it the
        full ``quick_check`` (:func:`backups.daily_backup`). Safe from any thread."""
        return backups.daily_backup(self)

    def check(self) -> None:
        """SQLite's ``quick_check`` over the whole file; raises :class:`CorruptDatabase` when it fails."""
        backups.check(self)

    def restore_from(self, user: User, source: Path, *, other_database: bool = False) -> Path:
        """Replace the contents with the verified backup ``source``; returns the copy set aside
        (:func:`backups.restore_from`). A copy of another database only with ``other_database``."""
        return backups.restore_from(self, user, source, other_database=other_database)

    def restore_refusal(self, source: Path) -> str | None:
        """Why ``source`` is a copy of another database, not of this one (:func:`backups.restore_refusal`)."""
        return backups.restore_refusal(self, source)

    # case <-> rows --------------------------------------------------------------------------------

    def _row(self, table: str, row_id: int) -> dict:
        rows = self._rows(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        if not rows:
            raise StorageError(f"no {table} entry with id {row_id}")
        return rows[0]

    def _check_current(self, kind: str, entry_id: int) -> None:
        if self._rows("SELECT 1 FROM corrections WHERE kind = ? AND entry_id = ?", (kind, entry_id)):
            raise StorageError(f"{kind} {entry_id} was already corrected; correct its current version instead")
