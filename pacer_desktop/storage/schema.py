"""The database schema as named migrations (sqlite-utils ``Migrations``).

A released migration is never edited: a change to the schema is a new migration appended below,
and a database file of the previous version goes into ``tests/data/`` (``make_schema_files.py``).
"""

from __future__ import annotations

import sqlite3

from typing import TYPE_CHECKING, Callable, NamedTuple

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

#: Written into the SQLite header (``PRAGMA application_id``): "PACR". A file without it is not ours.
APPLICATION_ID = 0x50414352


class _Step(NamedTuple):
    name: str
    fn: Callable[[Database], None]
    transactional: bool = True


class LazyMigrations:
    """Named migrations, registered as with sqlite-utils' ``Migrations`` (``@migrations(name=...)``)
    and run by it: the ``sqlite_utils.Migrations`` is built on first use.

    Importing sqlite_utils costs about 50 ms (it loads click, dateutil and pluggy), and opening a
    database that is up to date needs only the names (the store reads sqlite-utils' own
    ``_sqlite_migrations`` table with plain SQL); creating or upgrading a database loads it.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[_Step] = []
        self._real: Migrations | None = None

    def __call__(self, *, name: str, transactional: bool = True) -> Callable:
        def register(fn: Callable[[Database], None]) -> Callable[[Database], None]:
            if self._real is not None or any(m.name == name for m in self._migrations):
                raise ValueError(f"migration {name!r} registered twice or after first use")
            self._migrations.append(_Step(name, fn, transactional))
            return fn
        return register

    @property
    def real(self) -> Migrations:
        if self._real is None:
            from sqlite_utils import Migrations
            real = Migrations(self.name)
            for step in self._migrations:
                real(name=step.name, transactional=step.transactional)(step.fn)
            self._real = real
        return self._real

    def apply(self, db: Database) -> None:
        self.real.apply(db)

    def pending(self, db: Database) -> list:
        return self.real.pending(db)

    def applied(self, db: Database) -> list:
        return self.real.applied(db)


migrations = LazyMigrations("pacer")

#: The append-only tables of ``0001_initial``, frozen: that migration is released and never changes.
_INITIAL_APPEND_ONLY = (
    "patients", "patient_versions", "weights", "temperatures", "assessments", "medications",
    "escalations", "eligibility", "corrections", "documents", "audit_log",
)

#: Every table whose rows may never change once written (triggers enforce it); the log stays last.
APPEND_ONLY_TABLES = (*_INITIAL_APPEND_ONLY[:-1], "acknowledgements", "dose_outcomes", "restarts", "signatures",
                      "audit_log")

#: Tables whose rows are recorded in the audit log (everything but the log itself).
AUDITED_TABLES = APPEND_ONLY_TABLES[:-1]

_ATTRIBUTION = {"entered_by": str, "role": str, "workstation": str, "entered_at": str}
_TIMED = {"at": str, "at_offset_s": int}
_PATIENT_FK = [("patient_id", "patients", "id")]
_NOT_NULL = {"entered_by", "role", "workstation", "entered_at"}


def _table(db: Database, name: str, columns: dict, *, patient: bool = True, timed: bool = True) -> None:
    cols: dict = {"id": int}
    if patient:
        cols["patient_id"] = int
    if timed:
        cols.update(_TIMED)
    cols.update(columns)
    cols.update(_ATTRIBUTION)
    not_null = set(_NOT_NULL) | ({"patient_id"} if patient else set()) | ({"at", "at_offset_s"} if timed else set())
    db[name].create(cols, pk="id", not_null=not_null, foreign_keys=_PATIENT_FK if patient else None)
    if patient and timed:
        db[name].create_index(["patient_id", "at"])
    elif patient:
        db[name].create_index(["patient_id"])


def _append_only_triggers(db: Database, table: str) -> None:
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: enter a correction instead'); END"
        )


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db["patients"].create({"id": int, **_ATTRIBUTION}, pk="id", not_null=_NOT_NULL)
    _table(db, "patient_versions", {
        "mrn": str, "name": str, "date_of_birth": str, "sex_at_birth": str,
        "developmental_delay": int, "infusion_at": str, "infusion_offset_s": int,
        "timezone": str, "protocol": str,
    }, timed=False)
    db["patient_versions"].create_index(["mrn"])
    _table(db, "weights", {"kg": str})
    _table(db, "temperatures", {"value": str, "unit": str})
    _table(db, "assessments", {"crs": str, "icans": str})
    _table(db, "medications", {"drug": str, "dose_mg": str})
    _table(db, "escalations", {"by": str, "reason": str})
    _table(db, "eligibility", {"assessed_on": str, "inputs": str}, timed=False)
    # entry_id is the superseded row of the table named by kind; replacement_id the row that
    # replaces it (NULL: withdrawn, e.g. entered in error or wrong patient).
    _table(db, "corrections", {"kind": str, "entry_id": int, "replacement_id": int, "reason": str},
           patient=False, timed=False)
    db["corrections"].create_index(["kind", "entry_id"], unique=True)
    # A document may be printed without a patient (a blank checklist), so patient_id may be NULL.
    db["documents"].create({"id": int, "patient_id": int, "kind": str, "content_sha256": str,
                            "protocol": str, "detail": str, **_ATTRIBUTION},
                           pk="id", not_null=_NOT_NULL | {"kind", "content_sha256", "protocol"},
                           foreign_keys=_PATIENT_FK)
    db["documents"].create_index(["patient_id"])
    db["audit_log"].create({
        "id": int, "at": str, "entered_by": str, "role": str, "workstation": str, "action": str,
        "table_name": str, "row_id": int, "content_sha256": str, "prev_sha256": str, "sha256": str,
    }, pk="id", not_null={"at", "entered_by", "role", "workstation", "action", "prev_sha256", "sha256"})
    db["audit_log"].create_index(["table_name", "row_id"])
    for table in _INITIAL_APPEND_ONLY:
        _append_only_triggers(db, table)
    for kind, table in (("weight", "weights"), ("temperature", "temperatures"),
                        ("assessment", "assessments"), ("medication", "medications"),
                        ("escalation", "escalations"), ("eligibility", "eligibility"),
                        ("patient_version", "patient_versions")):
        db.execute(f"CREATE VIEW current_{table} AS SELECT * FROM {table} WHERE id NOT IN "
                   f"(SELECT entry_id FROM corrections WHERE kind = '{kind}')")


@migrations(name="0002_acknowledgements")
def acknowledgements(db: Database) -> None:
    """Who acknowledged which clinical-rules §7 prompt, judged on which assessment (NULL: none yet)."""
    _table(db, "acknowledgements", {"alert": str, "assessment_at": str, "assessment_offset_s": int,
                                    "note": str}, timed=False)
    _append_only_triggers(db, "acknowledgements")


#: Columns added to a released table by a later migration. A row written before was hashed into
#: the audit log without them, and reads them as NULL: verification hashes it as written.
ADDED_COLUMNS = {"medications": ("for_line", "reason"), "patient_versions": ("study_id",),
                 "audit_log": ("hmac",)}


@migrations(name="0003_lines_and_restarts")
def lines_and_restarts(db: Database) -> None:
    """Rules revision 2: a dose is given for a schedule line (§5a), a line may be closed as held,
    refused or omitted, and a clinician may restart anakinra after its stop time (§6)."""
    db["medications"].add_column("for_line", int)
    db["medications"].add_column("reason", str)
    _table(db, "dose_outcomes", {"line": int, "outcome": str, "by": str, "reason": str})
    _table(db, "restarts", {"by": str, "reason": str})
    for kind, table in (("dose_outcome", "dose_outcomes"), ("restart", "restarts")):
        _append_only_triggers(db, table)
        db.execute(f"CREATE VIEW current_{table} AS SELECT * FROM {table} WHERE id NOT IN "
                   f"(SELECT entry_id FROM corrections WHERE kind = '{kind}')")


@migrations(name="0004_study_id")
def study_id(db: Database) -> None:
    """Issue 19: a patient's study ID (e.g. PACER-001), the only name the study's exports carry.
    Empty until the patient is enrolled; unique among current patients (checked by the store)."""
    db["patient_versions"].add_column("study_id", str)
    db["patient_versions"].create_index(["study_id"])


@migrations(name="0005_audit_hmac")
def audit_hmac(db: Database) -> None:
    """Issue 17, point 8: each audit row written from now on carries an HMAC of its hash, keyed by
    the installation's secret (storage/keys.py), as ``<key id>:<hex>``; rows written before have
    none (NULL). The row's own ``sha256`` never covers this column."""
    db["audit_log"].add_column("hmac", str)


@migrations(name="0006_people")
def people(db: Database) -> None:
    """Issue 18: accounts and signatures (storage/accounts.py).

    ``users`` holds one row per person, kept for ever (deactivated, never deleted, so every past
    entry keeps its author); its state (PIN hash, flags, wrong-PIN count, lock) changes in place,
    each change audited with the row's new hash. ``signatures`` is append-only: who (initials, name
    and role at that moment), when, the action and its meaning, and what was signed (table, row)."""
    db["users"].create({
        "id": int, "initials": str, "name": str, "role": str, "pin_hash": str, "active": int,
        "must_change_pin": int, "failed_pins": int, "locked_until": str, "created_at": str, "created_by": str,
    }, pk="id", not_null={"initials", "name", "role", "pin_hash", "active", "must_change_pin", "failed_pins",
                          "created_at", "created_by"})
    db["users"].create_index(["initials"], unique=True)
    db.execute("CREATE TRIGGER users_no_delete BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT,"
               " 'users are never deleted: deactivate the account instead'); END")
    db.execute("CREATE TRIGGER users_keep_identity BEFORE UPDATE OF id, initials, created_at, created_by"
               " ON users BEGIN SELECT RAISE(ABORT, 'a user''s initials are their ID and never change'); END")
    db["signatures"].create({"id": int, "patient_id": int, **_TIMED, "action": str, "meaning": str, "name": str,
                             "table_name": str, "row_id": int, "detail": str, **_ATTRIBUTION},
                            pk="id", not_null=_NOT_NULL | {"at", "at_offset_s", "action", "meaning", "name"},
                            foreign_keys=_PATIENT_FK)
    db["signatures"].create_index(["table_name", "row_id"])
    db["signatures"].create_index(["patient_id"])
    _append_only_triggers(db, "signatures")


def schema_version() -> int:
    """The schema version this application writes (``PRAGMA user_version``)."""
    return len(migrations._migrations)


def known_migration_names() -> set[str]:
    return {m.name for m in migrations._migrations}


def pending_migrations(conn: sqlite3.Connection) -> bool:
    """Whether any of our migrations is not applied to the database behind ``conn``. Reads
    sqlite-utils' own record of applied migrations with plain SQL, so sqlite_utils is loaded only
    when a migration really has to run."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                        " AND name = '_sqlite_migrations'").fetchone():
        return bool(known_migration_names())
    applied = {r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (migrations.name,))}
    return bool(known_migration_names() - applied)


def migrate(conn: sqlite3.Connection, db=None) -> None:
    """Apply the pending migrations (in the caller's transaction, if it holds one) and set
    ``user_version``; ``db`` is the connection's sqlite-utils ``Database`` if one is at hand."""
    if db is None:
        from sqlite_utils import Database
        db = Database(conn)
    migrations.apply(db)
    conn.execute(f"PRAGMA user_version = {schema_version()}")
