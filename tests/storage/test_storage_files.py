"""The database file: bad files refused untouched, upgrades, backups, restore, tamper detection."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlite_utils import Migrations

from pacer_desktop.cli import main
from pacer_desktop.storage import (CorruptDatabase, NewerDatabase, NotAPacerDatabase, ReadOnlyDatabase, Store,
                                   StorageError)
from pacer_desktop.storage import schema
from tests.storage.storehelp import NURSE, add_patient, hours_ago, leftovers, sha256

DATA = Path(__file__).resolve().parents[1] / "data"


def _filled(path: Path, temperatures: int = 40) -> None:
    with Store.open(path, keep_backups=0) as s:
        pid = add_patient(s)
        for i in range(temperatures):
            s.add_temperature(NURSE, pid, at=hours_ago(60 - i), value=Decimal("37.2"), unit="C")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _random(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('shopping list')")
    conn.commit()
    conn.close()


def _truncated(path: Path) -> None:
    source = path.with_name("whole.sqlite3")
    _filled(source)
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _newer(path: Path) -> None:
    _filled(path, temperatures=1)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('pacer', '0099_future', 'x')")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()


BAD_FILES = {
    "empty": (_empty, NotAPacerDatabase, "empty"),
    "random bytes": (_random, NotAPacerDatabase, "not an SQLite file"),
    "another program's SQLite file": (_foreign_sqlite, NotAPacerDatabase, "another program"),
    "truncated copy": (_truncated, CorruptDatabase, "truncated"),
    "newer version": (_newer, NewerDatabase, "newer version"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_gets_its_message_and_stays_byte_identical(name, db_path, capsys):
    make, error, words = BAD_FILES[name]
    make(db_path)
    before = sha256(db_path)
    leftover_before = leftovers(db_path)
    with pytest.raises(error, match=words) as err:
        Store.open(db_path)
    assert "untouched" in str(err.value)
    # a file that is not a PACER database is the wrong file named (exit 2); a damaged or newer one,
    # the right file that cannot be used here (exit 1)
    code = 2 if error is NotAPacerDatabase else 1
    assert main(["--db", str(db_path), "verify-db"]) == code
    assert main(["--db", str(db_path), "export-case", "--mrn", "MRN001"]) == code
    stderr = capsys.readouterr().err
    assert words in stderr and "Traceback" not in stderr
    assert sha256(db_path) == before
    assert leftovers(db_path) == leftover_before == []


def test_a_read_only_file_gets_its_message_and_stays_byte_identical(db_path):
    _filled(db_path, temperatures=3)
    before = sha256(db_path)
    db_path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        with pytest.raises(ReadOnlyDatabase, match="read-only"):
            Store.open(db_path)
    finally:
        db_path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert sha256(db_path) == before and leftovers(db_path) == []


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StorageError, match="folder"):
        Store.open(tmp_path)


def test_the_released_schema_1_file_opens_with_its_rows(tmp_path):
    copy = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-1.sqlite3", copy)
    with Store.open(copy) as s:
        patient = s.patient_by_mrn("SCHEMA-SAMPLE")
        # opened means upgraded: every later migration has been applied to the released file
        assert [m.name for m in schema.migrations.applied(s.db)] == ["0001_initial", "0002_acknowledgements", "0003_lines_and_restarts", "0004_study_id", "0005_audit_hmac", "0006_people"]
        assert s.verify() == []
        entries = s.entries(patient.id)
        assert any(not e.current for e in entries)
        assert len(s.case_for(patient.id).temperatures) >= 1


def _with_second_migration(monkeypatch, body) -> None:
    upgraded = Migrations("pacer")
    upgraded(name="0001_initial")(schema.initial)
    upgraded(name="0002_test_upgrade")(body)
    monkeypatch.setattr(schema, "migrations", upgraded)


def test_pending_migrations_run_after_a_backup(tmp_path, monkeypatch):
    copy = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-1.sqlite3", copy)

    def add_ward(db):
        db["patient_versions"].add_column("ward", str)
    _with_second_migration(monkeypatch, add_ward)
    with Store.open(copy) as s:
        assert "ward" in s.db["patient_versions"].columns_dict
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == 2
        backups = sorted((tmp_path / "backups").glob("old-*before-upgrade.sqlite3"))
        assert len(backups) == 1
        assert s.patient_by_mrn("SCHEMA-SAMPLE")
    assert sha256(backups[0]) != sha256(copy)


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    copy = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-1.sqlite3", copy)

    def half_done(db):
        db["patient_versions"].add_column("ward", str)
        raise RuntimeError("simulated failure half-way")
    _with_second_migration(monkeypatch, half_done)
    with pytest.raises(StorageError, match="nothing was changed"):
        Store.open(copy)
    monkeypatch.undo()
    with Store.open(copy) as s:
        assert "ward" not in s.db["patient_versions"].columns_dict
        assert s.verify() == []


def test_a_row_changed_outside_pacer_is_caught_by_verify_db(db_path, capsys):
    _filled(db_path, temperatures=3)
    assert main(["verify-db"]) == 0
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER temperatures_no_update")
    raw.execute("DROP TRIGGER temperatures_no_delete")
    raw.execute("UPDATE temperatures SET value = '39.5' WHERE id = 2")
    raw.execute("DELETE FROM temperatures WHERE id = 3")
    raw.commit()
    raw.close()
    capsys.readouterr()
    assert main(["verify-db"]) == 1
    err = capsys.readouterr().err
    assert "temperatures row 2: differs" in err
    assert "temperatures row 3: recorded in the audit log but missing" in err
    assert "trigger that forbids UPDATE is missing" in err


def test_an_audit_row_changed_outside_pacer_breaks_the_chain(db_path):
    _filled(db_path, temperatures=3)
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET entered_by = 'ZZ' WHERE id = 2")
    raw.commit()
    raw.close()
    with Store.open(db_path) as s:
        problems = s.verify()
    assert "audit log row 2: its content does not match its hash (changed)" in problems


def test_backup_restore_and_the_copy_set_aside(db_path, people, tmp_path, capsys):
    _filled(db_path, temperatures=2)
    assert main(["backup", *people.of("admin")]) == 0
    backup = Path(capsys.readouterr().out.strip())
    assert backup.parent == db_path.parent / "backups" and backup.exists()
    with Store.open() as s:
        pid = s.patient_by_mrn("MRN001").id
        s.add_temperature(NURSE, pid, at=hours_ago(1), value=Decimal("38.1"), unit="C")
    assert main(["restore", str(backup), *people.of("admin")]) == 0
    assert "previous contents are kept" in capsys.readouterr().out
    with Store.open() as s:
        assert len(s.case_for(pid).temperatures) == 2
        assert s.audit(limit=1)[0]["action"].startswith("restore from")
        assert s.audit(limit=1)[0]["role"] == "admin"
        assert s.verify() == []
    [aside] = db_path.parent.glob("pacer.before-restore-*.sqlite3")
    with Store.open(aside, keep_backups=0) as s:
        assert len(s.case_for(pid).temperatures) == 3


def test_restore_refuses_a_file_that_is_not_a_pacer_backup(db_path, people, tmp_path, capsys):
    _filled(db_path, temperatures=1)
    foreign = tmp_path / "notes.sqlite3"
    _foreign_sqlite(foreign)
    before = sha256(db_path)
    assert main(["restore", str(foreign), *people.of("admin")]) == 2  # the file given is not a backup
    assert "another program" in capsys.readouterr().err
    assert sha256(db_path) == before


@pytest.mark.parametrize("make, words", [(_foreign_sqlite, "another program"), (_empty, "empty"),
                                         (_truncated, "damaged")], ids=["foreign", "empty", "truncated"])
def test_restore_says_the_file_given_is_not_a_backup_to_restore(db_path, people, tmp_path, capsys, make, words):
    """The file named to restore is the problem, not the database chosen with --db."""
    _filled(db_path, temperatures=1)
    bad = tmp_path / "not-a-backup.sqlite3"
    make(bad)
    assert main(["restore", str(bad), *people.of("admin")]) == 2
    err = capsys.readouterr().err
    assert words in err and "choose another backup to restore" in err and "--db" not in err
    assert "restore a backup" not in err  # what the user was doing


def test_backups_on_open_at_most_daily_and_only_the_last_n_kept(db_path):
    """Copies are aged by the store's clock, from the stamp in their names."""
    _filled(db_path, temperatures=1)
    folder = db_path.parent / "backups"
    today = datetime.now(UTC)
    with Store.open(keep_backups=3, clock=lambda: today):
        pass
    assert len(list(folder.iterdir())) == 1
    with Store.open(keep_backups=3, clock=lambda: today + timedelta(hours=1)):
        pass
    assert len(list(folder.iterdir())) == 1  # not again the same day
    tomorrow = today + timedelta(hours=25)
    stamp = "%Y%m%dT%H%M%S%fZ"
    cut_short = [folder / f"{db_path.stem}-{today.strftime(stamp)}.sqlite3.partial",  # a killed copy, a day old
                 folder / f"{db_path.stem}-{tomorrow.strftime(stamp)}.sqlite3.partial"]  # perhaps still being written
    for f in cut_short:
        f.write_bytes(b"half a copy")
    ticks = iter(range(10**6))
    with Store.open(keep_backups=3, clock=lambda: tomorrow + timedelta(seconds=next(ticks))) as s:
        assert len(list(folder.glob("*.sqlite3"))) == 2
        for _ in range(4):
            s.backup()
    assert [f.exists() for f in cut_short] == [False, True]
    cut_short[1].unlink()
    assert len(list(folder.iterdir())) == 3
    for f in folder.iterdir():
        with Store.open(f, keep_backups=0) as copy:
            assert copy.patient_by_mrn("MRN001")


def test_the_daily_copy_can_wait_and_does_not_hold_up_writes(db_path):
    """The window opens without the copy and makes it on another thread (daily_backup=False):
    entries saved meanwhile land in the database, and the copy is a consistent, openable file."""
    _filled(db_path, temperatures=40)
    folder = db_path.parent / "backups"
    with Store.open(keep_backups=3, daily_backup=False) as s:
        assert not folder.exists()  # nothing copied while the database was opened
        pid = s.patient_by_mrn("MRN001").id
        made: list[Path | None] = []
        copier = threading.Thread(target=lambda: made.append(s.daily_backup()))
        copier.start()
        for i in range(20):  # the bedside goes on saving while the copy is made
            s.add_temperature(NURSE, pid, at=hours_ago(5 - i / 10), value=Decimal("38.1"), unit="C")
        copier.join()
        assert s.daily_backup() is None  # one copy a day
        assert len(s.case_for(pid).temperatures) == 60
    assert made[0] is not None and made[0].parent == folder
    assert [p.name for p in folder.iterdir()] == [made[0].name]  # no partial file left behind
    with Store.open(made[0], keep_backups=0) as copy:
        copied = len(copy.case_for(copy.patient_by_mrn("MRN001").id).temperatures)
        assert 40 <= copied <= 60
        assert copy.verify() == []


def test_the_number_of_backups_kept_is_a_setting(db_path, monkeypatch):
    """PACER_KEEP_BACKUPS sets how many copies stay; 0 turns the daily copy off; nonsense is refused."""
    _filled(db_path, temperatures=1)
    folder = db_path.parent / "backups"
    monkeypatch.setenv("PACER_KEEP_BACKUPS", "2")
    with Store.open() as s:
        for _ in range(4):
            s.backup()
    assert len(list(folder.iterdir())) == 2
    monkeypatch.setenv("PACER_KEEP_BACKUPS", "0")
    for f in folder.iterdir():
        f.unlink()
    with Store.open():
        pass
    assert list(folder.iterdir()) == []
    monkeypatch.setenv("PACER_KEEP_BACKUPS", "lots")
    with pytest.raises(StorageError, match="PACER_KEEP_BACKUPS"):
        Store.open()


def test_an_open_store_rereads_rows_after_a_restore_by_another_connection(tmp_path):
    """Stored rows are read into models once (they never change), but a restore gives old row
    ids new contents: a store that stays open must then show the restored entries, not its memory."""
    other = tmp_path / "other.sqlite3"
    with Store.open(other, keep_backups=0) as s:  # row 1 of its temperatures is 39.5 °C
        s.add_temperature(NURSE, add_patient(s), at=hours_ago(2), value=Decimal("39.5"), unit="C")
        backup = s.backup(tmp_path / "backups")
    here = tmp_path / "here.sqlite3"
    with Store.open(here, keep_backups=0) as open_all_day:  # row 1 here is 37.2 °C
        pid = add_patient(open_all_day)
        open_all_day.add_temperature(NURSE, pid, at=hours_ago(2), value=Decimal("37.2"), unit="C")
        assert [e.values["value"] for e in open_all_day.entries(pid, "temperature")] == [Decimal("37.2")]
        assert open_all_day.case_for(pid).temperatures[0].value == Decimal("37.2")
        with Store.open(here, keep_backups=0) as restorer:
            restorer.restore_from(NURSE, backup, other_database=True)  # another database's row 1, on purpose
        assert [e.values["value"] for e in open_all_day.entries(pid, "temperature")] == [Decimal("39.5")]
        assert open_all_day.case_for(pid).temperatures[0].value == Decimal("39.5")


def test_restore_refuses_a_copy_of_another_pacer_database(db_path, people, tmp_path, capsys):
    """Restores that can be trusted (issue 17): a copy of the training database, or of another
    ward's, passes every check of verify-db, and restoring it would put that database's patients in
    place of this one's. It is refused, naming why, before anything is signed or replaced; an
    administrator who means it says so with --other-database."""
    _filled(db_path, temperatures=1)
    training = tmp_path / "training" / "training.sqlite3"
    training.parent.mkdir()
    _filled(training, temperatures=3)
    with Store.open(training, keep_backups=0) as t:
        copy = t.backup()
    before = sha256(db_path)
    assert main(["restore", str(copy), *people.of("admin")]) == 2
    err = capsys.readouterr().err
    assert "a copy of another PACER database" in err and copy.name in err and "--other-database" in err
    assert "Traceback" not in err
    assert sha256(db_path) == before  # nothing signed, nothing replaced
    with Store.open(db_path) as s:
        assert s.restore_refusal(copy) is not None
        with pytest.raises(StorageError, match="another PACER database"):
            s.restore_from(NURSE, copy)
    assert main(["restore", str(copy), "--other-database", *people.of("admin")]) == 0
    with Store.open() as s:
        [p] = s.patients()
        assert len(s.case_for(p.id).temperatures) == 3  # the training database's, on purpose


def test_a_copy_of_this_database_is_restored_as_before(db_path, people, capsys):
    """The check compares where the two audit logs begin: any copy of this database passes."""
    _filled(db_path, temperatures=1)
    with Store.open(db_path) as s:
        copy = s.backup()
        pid = s.patient_by_mrn("MRN001").id
        s.add_temperature(NURSE, pid, at=hours_ago(1), value=Decimal("38.1"), unit="C")
        assert s.restore_refusal(copy) is None


def test_a_read_only_file_refused_for_an_export_says_why_without_speaking_of_entries(db_path, capsys):
    """A study coordinator exporting from an archived, read-only copy saved nothing and meant to save
    nothing: the message says why PACER needs to write, and what to do (a writable copy)."""
    _filled(db_path, temperatures=3)
    db_path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        main(["--db", str(db_path), "export-case", "--all"])
    finally:
        db_path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    err = capsys.readouterr().err
    assert "is read-only" in err and "could not be saved" not in err
    assert "copy it to a folder you may write to" in err and "Traceback" not in err


def test_a_read_only_database_named_with_db_is_an_input_error(db_path, capsys):
    """A file given with --db that the command cannot use exits 2, as a missing file or one that is
    not a PACER database does (README, "exit 1 is kept for a failure that is not the input")."""
    _filled(db_path, temperatures=3)
    db_path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        code = main(["--db", str(db_path), "evaluate", "--mrn", "MRN001"])
    finally:
        db_path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert code == 2 and "is read-only" in capsys.readouterr().err


def test_print_with_a_user_on_a_read_only_database_is_an_input_error(db_path, capsys, tmp_path):
    """The same file given to ``print --user`` exited 1 where ``evaluate`` exits 2 (found in review)."""
    _filled(db_path, temperatures=3)
    db_path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        code = main(["--db", str(db_path), "print", "mar", "--mrn", "MRN001", "--user", "AB", "-o",
                     str(tmp_path / "mar.pdf")])
    finally:
        db_path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert code == 2 and "is read-only" in capsys.readouterr().err
    assert not (tmp_path / "mar.pdf").exists()
