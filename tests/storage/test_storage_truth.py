"""Storage that tells the truth (issue 17): a file SQLite reads is never called damaged, a full disk
is called full, a damaged file can be restored over or salvaged, restores are verified, atomic and
never overwrite the copy set aside, and verify-db writes nothing."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pacer_desktop.cli import main
from pacer_desktop.core.errors import CaseError
from pacer_desktop.storage import CorruptDatabase, Store, StorageError
from pacer_desktop.storage import opening, store as store_module
from tests.storage.storehelp import NURSE, filled, add_patient, hours_ago, leftovers, sha256


_filled = filled  # one patient, a few readings (storehelp)


def _temperature_ids(path: Path) -> list[int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM temperatures ORDER BY id")]
    finally:
        conn.close()


def _checkpoint_cut_short(path: Path) -> int:
    """A file as a crash in the middle of a checkpoint leaves it: the main file's header already
    counts the new pages, the file is still its old size, and the committed rows are in the -wal."""
    with Store.open(path, keep_backups=0) as s:
        pid = add_patient(s)
    size_before = path.stat().st_size
    holder = sqlite3.connect(path)  # keeps the -wal when the store closes
    holder.execute("SELECT count(*) FROM patients").fetchone()
    with Store.open(path, keep_backups=0) as s:
        for i in range(120):
            s.add_temperature(NURSE, pid, at=hours_ago(60 - i / 10), value=Decimal("37.2"), unit="C")
    wal = path.with_name(path.name + "-wal")
    saved = wal.read_bytes()
    holder.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    holder.close()
    with path.open("r+b") as f:  # the crash: the pages beyond the old end never reached the disk
        f.truncate(size_before)
    wal.write_bytes(saved)
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    header = path.read_bytes()[:100]
    assert int.from_bytes(header[28:32], "big") * int.from_bytes(header[16:18], "big") > size_before
    return 120


# -- 1. a checkpoint cut short ---------------------------------------------------------------------

def test_a_checkpoint_cut_short_opens_with_every_entry(db_path):
    count = _checkpoint_cut_short(db_path)
    with Store.open(db_path, keep_backups=0) as s:
        pid = s.patient_by_mrn("MRN001").id
        assert len(s.case_for(pid).temperatures) == count
        assert s.verify() == []


def test_opening_does_not_read_the_whole_file(db_path, monkeypatch):
    """The full check reads every page; it runs with the daily backup and in verify-db, not on open."""
    _filled(db_path)
    seen: list[str] = []
    real = sqlite3.connect

    def traced(*args, **kw):
        conn = real(*args, **kw)
        conn.set_trace_callback(seen.append)
        return conn
    monkeypatch.setattr(store_module.sqlite3, "connect", traced)
    with Store.open(db_path, keep_backups=0):
        pass
    assert seen and not [s for s in seen if "quick_check" in s or "integrity_check" in s]


def _damage_a_page(path: Path, table: str = "temperatures") -> int:
    """Zero one leaf page of ``table`` in the middle of it; returns how many rows it held."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    pages = conn.execute("SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = 'leaf'"
                         " ORDER BY pageno", (table,)).fetchall()
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    page, rows = pages[len(pages) // 2]
    with path.open("r+b") as f:
        f.seek((page - 1) * page_size)
        f.write(b"\x00" * page_size)
    return rows


def test_the_daily_backup_checks_the_file_and_copies_no_damage(db_path):
    _filled(db_path, temperatures=300)
    _damage_a_page(db_path)
    with Store.open(db_path, keep_backups=3, daily_backup=False) as s:
        with pytest.raises(CorruptDatabase, match="damaged"):
            s.daily_backup()
    assert not list((db_path.parent / "backups").glob("*.sqlite3"))


# -- 2. a full disk --------------------------------------------------------------------------------

def test_a_full_disk_on_opening_is_called_full_not_damaged(db_path, monkeypatch):
    _filled(db_path)

    def full(*args, **kw):
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setattr(opening, "readonly", full)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9, 0))
    with pytest.raises(StorageError) as err:
        Store.open(db_path, keep_backups=0)
    text = str(err.value)
    assert "disk" in text and "full" in text and "nothing was lost" in text and "free" in text
    assert "damaged" not in text and "restore" not in text


def test_a_full_disk_on_saving_is_called_full(store, monkeypatch):
    pid = add_patient(store)

    def full(*args, **kw):
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(store, "_insert", full)
    with pytest.raises(StorageError) as err:
        store.add_temperature(NURSE, pid, at=hours_ago(1), value=Decimal("37.2"), unit="C")
    text = str(err.value)
    assert "full" in text and "free" in text and "nothing was lost" in text


# -- 3. a damaged file: restore over it, or salvage it ---------------------------------------------

def test_restore_works_over_a_damaged_file_and_keeps_it(db_path, people, capsys):
    _filled(db_path, temperatures=300)
    backup = db_path.parent / "good.sqlite3"
    with Store.open(db_path, keep_backups=0) as s:
        s.backup(db_path.parent / "copies")
    [backup] = (db_path.parent / "copies").iterdir()
    _damage_a_page(db_path)
    damaged = sha256(db_path)
    assert main(["restore", str(backup), *people.of("admin")]) == 0, capsys.readouterr().err
    [aside] = db_path.parent.glob("pacer.before-restore-*.sqlite3")
    assert sha256(aside) == damaged
    with Store.open(db_path, keep_backups=0) as s:
        assert len(s.case_for(s.patient_by_mrn("MRN001").id).temperatures) == 300
        # the restore, then its signature (issue 18: over a damaged file it is signed in the restored one)
        assert [a["action"][:12] for a in s.audit(limit=2)] == ["sign restore", "restore from"]
        assert s.verify() == []


def test_salvage_recovers_every_intact_row_and_names_the_lost(tmp_path, capsys):
    damaged = tmp_path / "damaged.sqlite3"
    _filled(damaged, temperatures=400)
    every = set(_temperature_ids(damaged))
    on_the_page = _damage_a_page(damaged)
    new = tmp_path / "salvaged.sqlite3"
    assert main(["salvage", str(damaged), "--to", str(new)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    recovered = set(_temperature_ids(new))
    line = next(line for line in out.splitlines() if line.startswith("temperatures:"))
    lost = {int(x) for x in re.findall(r"\d+", line.partition("lost:")[2])}
    assert lost and recovered and recovered | lost == every and not recovered & lost
    assert len(lost) == on_the_page  # the rows of the damaged page, no more
    assert "audit chain" in out
    with Store.open(new, keep_backups=0) as s:  # a PACER database again
        assert s.patient_by_mrn("MRN001")


def test_salvage_never_writes_over_a_file(tmp_path, capsys):
    damaged = tmp_path / "damaged.sqlite3"
    _filled(damaged)
    new = tmp_path / "there.sqlite3"
    new.write_text("keep me")
    assert main(["salvage", str(damaged), "--to", str(new)]) == 1
    assert "exists" in capsys.readouterr().err and new.read_text() == "keep me"


# -- 4. 5. 6. restores that can be trusted ---------------------------------------------------------

_NOW = datetime.now(UTC)


def test_two_restores_in_the_same_second_keep_both_copies(db_path, monkeypatch):
    pid = _filled(db_path, temperatures=1)
    with Store.open(db_path, keep_backups=0) as s:
        backup = s.backup(db_path.parent / "copies")
    with Store.open(db_path, keep_backups=0, clock=lambda: _NOW) as s:  # both restores at one instant
        s.add_temperature(NURSE, pid, at=hours_ago(2), value=Decimal("38.2"), unit="C")
        s.restore_from(NURSE, backup)
        s.restore_from(NURSE, backup)
    asides = sorted(db_path.parent.glob("pacer.before-restore-*.sqlite3"))
    assert len(asides) == 2
    counts = []
    for aside in asides:
        with Store.open(aside, keep_backups=0) as s:
            counts.append(len(s.case_for(pid).temperatures))
    assert sorted(counts) == [1, 2]  # the first copy holds the entry the restore took away


def test_a_restore_cut_short_leaves_the_file_as_it_was_or_records_it(db_path, monkeypatch):
    pid = _filled(db_path, temperatures=1)
    with Store.open(db_path, keep_backups=0) as s:
        backup = s.backup(db_path.parent / "copies")
        s.add_temperature(NURSE, pid, at=hours_ago(2), value=Decimal("38.2"), unit="C")
    from pacer_desktop.storage import audit
    real = audit.append

    def killed(conn, user, action, *args, **kwargs):
        if action.startswith("restore"):
            raise KeyboardInterrupt  # the process dies while the restore is being recorded
        return real(conn, user, action, *args, **kwargs)
    monkeypatch.setattr(audit, "append", killed)
    with Store.open(db_path, keep_backups=0) as s, pytest.raises(KeyboardInterrupt):
        s.restore_from(NURSE, backup)
    monkeypatch.setattr(audit, "append", real)
    with Store.open(db_path, keep_backups=0) as s:
        count = len(s.case_for(pid).temperatures)
        restored = s.audit(limit=1)[0]["action"].startswith("restore")
        assert (count, restored) in ((2, False), (1, True))
        assert s.verify() == []


def _edit_backup(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()


NO_UPDATE = ("CREATE TRIGGER temperatures_no_update BEFORE UPDATE ON temperatures BEGIN SELECT RAISE(ABORT,"
             " 'temperatures rows are append-only: enter a correction instead'); END;")
TAMPERED_BACKUPS = {
    "trigger dropped": "DROP TRIGGER temperatures_no_update;",
    "trigger that refuses nothing": "DROP TRIGGER temperatures_no_update; CREATE TRIGGER temperatures_no_update"
                                    " BEFORE UPDATE ON temperatures BEGIN SELECT 1; END;",
    "row edited": "DROP TRIGGER temperatures_no_update; UPDATE temperatures SET value = '36.6'; " + NO_UPDATE,
}


@pytest.mark.parametrize("name", TAMPERED_BACKUPS)
def test_restore_refuses_a_backup_that_fails_verification(name, db_path, people, capsys):
    _filled(db_path, temperatures=2)
    with Store.open(db_path, keep_backups=0) as s:
        backup = s.backup(db_path.parent / "copies")
    _edit_backup(backup, TAMPERED_BACKUPS[name])
    before = sha256(db_path)
    assert main(["restore", str(backup), *people.of("admin")]) == 1
    err = capsys.readouterr().err
    assert "temperatures" in err and "nothing was replaced" in err
    assert sha256(db_path) == before
    assert not list(db_path.parent.glob("pacer.before-restore-*"))


def test_verify_db_sees_a_trigger_that_refuses_nothing(db_path, capsys):
    _filled(db_path, temperatures=1)
    _edit_backup(db_path, TAMPERED_BACKUPS["trigger that refuses nothing"])
    assert main(["verify-db"]) == 1
    assert "temperatures_no_update" in capsys.readouterr().err


# -- 7. verify-db writes nothing -------------------------------------------------------------------

def test_verify_db_leaves_a_backup_byte_identical(db_path, capsys):
    _filled(db_path, temperatures=2)
    with Store.open(db_path, keep_backups=0) as s:
        backup = s.backup(db_path.parent / "copies")
    before = sha256(backup)
    assert main(["--db", str(backup), "verify-db"]) == 0, capsys.readouterr().err
    assert sha256(backup) == before and leftovers(backup) == []
    assert not (backup.parent / "backups").exists()


def test_verify_db_does_not_create_a_missing_file(tmp_path, capsys):
    missing = tmp_path / "none.sqlite3"
    assert main(["--db", str(missing), "verify-db"]) == 2  # the path given is the problem: input
    assert "no database at" in capsys.readouterr().err and not missing.exists()


# -- 10. limits and clear refusals ----------------------------------------------------------------

def test_a_name_of_100000_characters_is_refused(store):
    with pytest.raises(CaseError) as err:
        add_patient(store, name="A" * 100_000)
    assert [p.field for p in err.value.problems] == ["name"]
    assert store.patients() == []


@pytest.mark.parametrize("field, value, words", [
    ("mrn", "M15\nM16", "one line"), ("mrn", "M1\t5", "one line"), ("name", "Ada\nLovelace", "one line"),
    ("study_id", "PACER\r-001", "one line"), ("mrn", "\uff2d\uff11\uff15", "'M15'"),
    ("mrn", "M\u200b15", "one line"),
])
def test_an_identifier_is_one_line_of_plain_characters(store, field, value, words):
    """The right patient always: an MRN with a line break, or in full-width digits (Ｍ１５, which a
    search for M15 does not find, so a second record for M15 could be made), is refused, naming the
    field; nothing is stored. (Spaces and line breaks around a value are trimmed, as before.)"""
    values = {"mrn": "MRN001", "name": "Ada Lovelace", field: value}
    with pytest.raises(CaseError) as err:
        add_patient(store, **values)
    assert {p.field for p in err.value.problems} == {field}  # a study ID also misses its pattern
    assert any(words in p.message for p in err.value.problems)
    assert store.patients() == []


def test_a_correction_checks_only_the_identifiers_it_changes(store, monkeypatch):
    """A patient stored before identifiers were checked (a full-width MRN, a tab in the name) can
    still have a date of birth corrected; a correction that changes the MRN is checked."""
    from pacer_desktop.storage import patients
    check = patients._identifier_problems
    monkeypatch.setattr(patients, "_identifier_problems", lambda field, value: [])  # an older version
    pid = add_patient(store, mrn="M\uff11\uff15", name="Ada\tLovelace")
    monkeypatch.setattr(patients, "_identifier_problems", check)
    store.correct(NURSE, "patient", pid, reason="wrong date of birth", replacement={"date_of_birth": date(2015, 5, 1)})
    assert store.patient(pid).date_of_birth == date(2015, 5, 1)
    with pytest.raises(CaseError) as err:
        store.correct(NURSE, "patient", pid, reason="new MRN", replacement={"mrn": "M\uff11\uff16"})
    assert [p.field for p in err.value.problems] == ["mrn"]


def test_a_name_keeps_its_own_script():
    """Names are not normalised or narrowed: accents, other scripts and a zero-width non-joiner
    (written inside Persian names) are kept as typed."""
    from pacer_desktop.storage.patients import patient_details
    for name in ("Zoë Ñúñez-Ørsted", "李小龙", "می\u200cخواهم"):
        assert patient_details(mrn="M1", name=name, timezone="UTC")["name"] == name


def test_every_text_field_has_a_limit(store):
    pid = add_patient(store)
    with pytest.raises(CaseError, match="mrn"):
        add_patient(store, mrn="M" * 10_000)
    with pytest.raises(CaseError, match="detail"):
        store.record_document(NURSE, pid, kind="order_sheet", content_sha256="0" * 64, protocol="pacer-1",
                              detail="x" * 100_000)
    with pytest.raises(CaseError, match="note"):
        store.acknowledge(NURSE, pid, alert="consider_escalation", assessment_at=None, note="x" * 100_000)
    tid = store.add_temperature(NURSE, pid, at=hours_ago(1), value=Decimal("37.2"), unit="C")
    with pytest.raises(CaseError, match="reason"):
        store.correct(NURSE, "temperature", tid, reason="x" * 100_000)
    assert len(store.entries(pid)) == 1


def test_a_long_name_on_the_command_line_exits_2(capsys, db_path, people, examples_clock):
    from tests.paths import EXAMPLES
    example = sorted(EXAMPLES.glob("*.case.json"))[0]
    assert main(["import-case", str(example), "--mrn", "X1", "--name", "A" * 100_000, *people.of("prescriber")]) == 2
    assert "name" in capsys.readouterr().err


def test_a_bad_user_exits_2(db_path, capsys):
    _filled(db_path, temperatures=1)
    with Store.open(db_path, keep_backups=0) as s:
        backup = s.backup(db_path.parent / "copies")
    assert main(["restore", str(backup), "--user", "nobody:nurse"]) == 2  # the form before issue 18
    assert "--user" in capsys.readouterr().err


def test_a_second_restore_at_once_gets_a_clear_message(db_path, people, capsys):
    from pacer_desktop.storage.files import restore_lock
    _filled(db_path, temperatures=1)
    with Store.open(db_path, keep_backups=0) as s:
        backup = s.backup(db_path.parent / "copies")
    before = sha256(db_path)
    with restore_lock(db_path):  # another restore is under way
        assert main(["restore", str(backup), *people.of("admin")]) == 1
    err = capsys.readouterr().err
    assert "another restore" in err and "readonly" not in err
    assert sha256(db_path) == before


def test_salvage_without_the_sqlite3_program_says_what_to_install(tmp_path, monkeypatch, capsys):
    damaged = tmp_path / "damaged.sqlite3"
    _filled(damaged)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    monkeypatch.delenv("PACER_SQLITE3", raising=False)
    assert main(["salvage", str(damaged), "--to", str(tmp_path / "new.sqlite3")]) == 1
    err = capsys.readouterr().err
    assert "sqlite3" in err and "install" in err.lower() and not (tmp_path / "new.sqlite3").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"),
                    reason="mounting a tiny tmpfs needs root")
def test_a_really_full_disk_is_called_full(tmp_path):
    """A real full disk: a 2 MB tmpfs filled to the last byte after the patient was stored."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("could not mount a tmpfs")
    try:
        db = folder / "pacer.sqlite3"
        with Store.open(db, keep_backups=0) as s:
            pid = add_patient(s)
        with (folder / "filler").open("wb") as f, contextlib.suppress(OSError):
            f.write(b"x" * shutil.disk_usage(folder).free)
        with pytest.raises(StorageError) as err:
            with Store.open(db, keep_backups=0) as s:
                for i in range(200):
                    s.add_temperature(NURSE, pid, at=hours_ago(60 - i / 10), value=Decimal("37.2"), unit="C")
        assert "full" in str(err.value) and "nothing was lost" in str(err.value)
        (folder / "filler").unlink()
        with Store.open(db, keep_backups=0) as s:  # once space is freed, all is there
            assert s.patient_by_mrn("MRN001") and s.verify() == []
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
