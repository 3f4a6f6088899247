"""Issue 17, point 8: edits must not go unnoticed. Someone with the database file and the sqlite3
CLI, but not the installation's key, changes a temperature and recomputes every hash; verify-db
catches it through the HMAC, says plainly when it cannot check (the key is not here), and checks
the chain against the anchors every backup carries and against one read off paper."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
from decimal import Decimal
from pathlib import Path


from pacer_desktop.cli import main
from pacer_desktop.storage import Store
from tests.storage.storehelp import NURSE, filled, add_patient, hours_ago

DATA = Path(__file__).resolve().parents[1] / "data"


_filled = filled  # one patient, a few readings (storehelp)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _another_installation(monkeypatch, tmp_path: Path, name: str) -> Path:
    """Another workstation: another user config folder, so another (or no) audit key."""
    folder = tmp_path / name
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


def _recompute_everything(path: Path, sql: str) -> None:
    """What an attacker with the file and PACER's source does: drop the triggers, edit, recompute the
    edited rows' hashes and the whole audit chain, and put the triggers back exactly as they were."""
    from pacer_desktop.storage.audit import as_first_written as _as_first_written, canonical as _canonical, sha256 as _sha256
    conn = sqlite3.connect(path, isolation_level=None)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.executescript(sql)
    conn.row_factory = sqlite3.Row
    for audit in conn.execute("SELECT * FROM audit_log WHERE table_name IS NOT NULL").fetchall():
        row = conn.execute(f"SELECT * FROM [{audit['table_name']}] WHERE id = ?", (audit["row_id"],)).fetchone()
        if row is not None:
            content = _sha256(_canonical(_as_first_written(audit["table_name"], dict(row))))
            conn.execute("UPDATE audit_log SET content_sha256 = ? WHERE id = ?", (content, audit["id"]))
    prev = "0" * 64
    for audit in conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall():
        row = {k: audit[k] for k in audit.keys() if k not in ("sha256", "hmac")}
        row["prev_sha256"] = prev
        prev = _sha256(_canonical(row))
        conn.execute("UPDATE audit_log SET prev_sha256 = ?, sha256 = ? WHERE id = ?", (row["prev_sha256"], prev, audit["id"]))
    for _, trigger_sql in triggers:
        conn.execute(trigger_sql)
    conn.close()


EDIT_TEMPERATURE = "UPDATE temperatures SET value = '36.6' WHERE id = 1;"


def _verify(path: Path) -> list[str]:
    from pacer_desktop.storage.checkup import verify_file
    return verify_file(path)


# -- 1. a key per installation, an HMAC over each new audit row -----------------------------------

def test_the_key_is_kept_outside_the_database_readable_by_the_user_only(db_path):
    from pacer_desktop.storage import keys
    _filled(db_path, temperatures=1)
    path = keys.key_path()
    assert path.exists() and path.parent != db_path.parent
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = keys.own_key(create=False)
    data = db_path.read_bytes() + (db_path.with_name(db_path.name + "-wal").read_bytes()
                                   if db_path.with_name(db_path.name + "-wal").exists() else b"")
    assert key not in data and key.hex().encode() not in data
    conn = sqlite3.connect(db_path)
    macs = [r[0] for r in conn.execute("SELECT hmac FROM audit_log ORDER BY id")]
    conn.close()
    assert macs and all(m.startswith(keys.key_id(key) + ":") for m in macs)


def test_a_temperature_edited_with_every_hash_recomputed_is_caught(db_path, capsys):
    _filled(db_path, temperatures=2)
    assert _verify(db_path) == []
    _recompute_everything(db_path, EDIT_TEMPERATURE)
    code, out, err = _run(capsys, "verify-db")
    assert code == 1
    assert "HMAC" in err and "changed outside PACER" in err


def test_the_report_names_the_edited_row_and_every_row_after_it(db_path):
    """verify-db checks the newest row's HMAC for each key (its hash covers every row before it);
    when that fails it checks each row's, so the report still names where the edit is."""
    _filled(db_path, temperatures=4)
    conn = sqlite3.connect(db_path)
    (edited,) = conn.execute("SELECT id FROM audit_log WHERE table_name = 'temperatures' AND row_id = 1").fetchone()
    (last,) = conn.execute("SELECT max(id) FROM audit_log").fetchone()
    conn.close()
    _recompute_everything(db_path, EDIT_TEMPERATURE)
    assert last > edited + 2
    [named] = [m for p in _verify(db_path) if (m := re.fullmatch(
        r"audit log rows (\d+) to (\d+): their HMAC does not match \(a row was changed outside PACER and its"
        r" hashes recomputed; the first of these rows, or an entry it records, is where\)", p))]
    assert int(named[1]) <= edited and int(named[2]) == last  # from the first row whose hash the helper rewrote


def test_the_newest_row_s_hmac_changed_alone_is_caught(db_path):
    _filled(db_path, temperatures=2)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    (last,) = conn.execute("SELECT max(id) FROM audit_log").fetchone()
    conn.execute("UPDATE audit_log SET hmac = substr(hmac, 1, length(hmac) - 1)"
                 " || iif(hmac LIKE '%0', '1', '0') WHERE id = ?", (last,))
    conn.close()
    found = _verify(db_path)
    assert f"audit log rows {last}: their HMAC does not match" in " ".join(found)


def test_a_clean_file_costs_one_hmac_per_key_not_one_per_row(db_path, monkeypatch):
    """Issue 17's speed on a ward's file: the rows' hashes and the chain are checked row by row, the
    HMAC once per key (the newest row's, which vouches for the chain before it)."""
    from pacer_desktop.storage import keys
    _filled(db_path, temperatures=6)
    calls = []
    mac_ok = keys.mac_ok
    monkeypatch.setattr(keys, "mac_ok", lambda *a: calls.append(a) or mac_ok(*a))
    assert _verify(db_path) == []
    assert len(calls) == 1


def test_without_the_key_the_edit_is_reported_as_not_checkable_here(db_path, tmp_path, monkeypatch, capsys):
    _filled(db_path, temperatures=2)
    _recompute_everything(db_path, EDIT_TEMPERATURE)
    _another_installation(monkeypatch, tmp_path, "elsewhere")
    code, out, err = _run(capsys, "verify-db")
    assert code == 1
    assert "cannot be checked here" in err and "key import" in err
    assert "HMAC" not in err.split("cannot be checked here")[0]  # not called tampered: it is unknown


def test_a_database_moved_elsewhere_opens_and_restores_without_the_key(db_path, tmp_path, monkeypatch, capsys):
    _filled(db_path, temperatures=1)
    with Store.open(db_path, keep_backups=0) as s:
        copy = s.backup(tmp_path / "copies")
    _another_installation(monkeypatch, tmp_path, "elsewhere")
    with Store.open(db_path, keep_backups=0) as s:
        assert s.key_status().startswith("cannot be checked here")
        s.restore_from(NURSE, copy)
        assert s.verify() == []


def test_export_then_import_on_another_installation_makes_it_checkable(db_path, people, tmp_path, monkeypatch, capsys):
    _filled(db_path, temperatures=2)
    out_file = tmp_path / "key-for-admin.pacerkey"
    code, out, err = _run(capsys, "key", "export", "--out", str(out_file), *people.of("admin"))
    assert code == 0, err
    if os.name != "nt":
        assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    moved = tmp_path / "moved" / "pacer.sqlite3"
    moved.parent.mkdir()
    shutil.copy(db_path, moved)
    monkeypatch.setenv("PACER_DB", str(moved))
    _another_installation(monkeypatch, tmp_path, "elsewhere")
    code, out, err = _run(capsys, "verify-db")
    assert code == 1 and "cannot be checked here" in err
    code, out, err = _run(capsys, "key", "import", str(out_file), *people.of("admin"))
    assert code == 0, err
    code, out, err = _run(capsys, "verify-db")
    assert code == 0, err
    assert "HMAC" in out
    with Store.open(moved, keep_backups=0) as s:
        actions = [r["action"] for r in s.audit()]
    assert any(a.startswith("key import") for a in actions)
    with Store.open(db_path, keep_backups=0) as s:
        assert any(r["action"].startswith("key export") for r in s.audit())
    _recompute_everything(moved, EDIT_TEMPERATURE)
    code, out, err = _run(capsys, "verify-db")
    assert code == 1 and "HMAC" in err


def test_rows_written_before_the_upgrade_still_verify_and_coverage_is_reported(db_path, capsys):
    shutil.copy(DATA / "pacer-schema-4.sqlite3", db_path)
    conn = sqlite3.connect(db_path)
    old_rows = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    conn.close()
    with Store.open(db_path, keep_backups=0) as s:
        add_patient(s, mrn="NEW1")
        total = s.audit(1)[0]["id"]
    code, out, err = _run(capsys, "verify-db")
    assert code == 0, err
    assert f"rows {old_rows + 1} to {total}" in out and f"of {total}" in out


# -- 3. anchors outside the database --------------------------------------------------------------

def _head(path: Path) -> tuple[int, str]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()


def test_every_backup_carries_the_chain_length_and_head(db_path):
    _filled(db_path, temperatures=1)
    with Store.open(db_path, keep_backups=3) as s:
        copy = s.backup()
    length, head = _head(db_path)
    assert copy.name.endswith(f"-chain-{length}-{head[:16]}.sqlite3")


def test_entries_cut_off_below_a_backup_are_caught(db_path, capsys):
    _filled(db_path, temperatures=3)
    with Store.open(db_path, keep_backups=3) as s:
        s.backup()
    _recompute_everything(db_path, "DELETE FROM temperatures WHERE id = 3;"
                                   " DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log);")
    code, out, err = _run(capsys, "verify-db")
    assert code == 1
    assert "backup" in err and "cut" in err


def test_backups_made_before_a_restore_do_not_count_against_it(db_path, capsys):
    pid = _filled(db_path, temperatures=1)
    with Store.open(db_path, keep_backups=5) as s:
        first = s.backup()
        s.add_temperature(NURSE, pid, at=hours_ago(50), value=Decimal("38.1"), unit="C")
        s.backup()
        s.restore_from(NURSE, first)
        s.backup()
        s.add_temperature(NURSE, pid, at=hours_ago(49), value=Decimal("38.2"), unit="C")
    code, out, err = _run(capsys, "verify-db")
    assert code == 0, err
    assert "extends the chain of 1 backup(s) made since the last restore" in out


def test_verify_db_checks_an_anchor_read_off_paper(db_path, capsys):
    pid = _filled(db_path, temperatures=1)
    length, head = _head(db_path)
    with Store.open(db_path, keep_backups=0) as s:
        s.add_temperature(NURSE, pid, at=hours_ago(50), value=Decimal("38.1"), unit="C")
    code, out, err = _run(capsys, "verify-db", "--anchor", f"{length}:{head}")
    assert code == 0, err
    assert f"anchor {length}:{head[:12]}" in out
    code, out, err = _run(capsys, "verify-db", "--anchor", f"{length}:{head[:16]}")
    assert code == 0, err
    code, out, err = _run(capsys, "verify-db", "--anchor", f"{length}:{'ab' * 32}")
    assert code == 1 and "anchor" in err
    code, out, err = _run(capsys, "verify-db", "--anchor", "twelve")
    assert code == 2 and "--anchor" in err


def test_each_restore_record_names_the_head_of_the_backup_it_restored(db_path, tmp_path, monkeypatch, capsys):
    pid = _filled(db_path, temperatures=2)
    with Store.open(db_path, keep_backups=0) as s:
        copy = s.backup(tmp_path / "copies")
        s.add_temperature(NURSE, pid, at=hours_ago(50), value=Decimal("38.1"), unit="C")
        s.restore_from(NURSE, copy)
        record = s.audit(1)[0]
    length, head = copy.name.split("-chain-")[1].split(".")[0].split("-")[:2]
    assert copy.name in record["action"] and record["id"] == int(length) + 1
    code, out, err = _run(capsys, "verify-db")
    assert code == 0, err
    assert "1 restore record(s)" in out
    # rewritten before the restore, without the key: the restore record no longer follows its backup
    _another_installation(monkeypatch, tmp_path, "elsewhere")
    _recompute_everything(db_path, EDIT_TEMPERATURE)
    code, out, err = _run(capsys, "verify-db")
    assert code == 1
    assert f"does not follow the backup it restored (row {length}" in err


def test_a_key_is_never_written_over_a_file_and_a_wrong_file_is_not_imported(db_path, people, tmp_path, capsys):
    _filled(db_path, temperatures=1)
    taken = tmp_path / "taken.txt"
    taken.write_text("someone's notes")
    code, out, err = _run(capsys, "key", "export", "--out", str(taken), *people.of("admin"))
    assert code == 1 and "never written over" in err
    assert taken.read_text() == "someone's notes"
    code, out, err = _run(capsys, "key", "import", str(taken), *people.of("admin"))
    assert code == 1 and "not a PACER audit key file" in err
    with Store.open(db_path, keep_backups=0) as s:
        assert not any(r["action"].startswith("key ") for r in s.audit())


def test_verify_db_prints_the_anchor_to_write_down_and_the_store_gives_it(db_path, capsys):
    _filled(db_path, temperatures=1)
    length, head = _head(db_path)
    with Store.open(db_path, keep_backups=0) as s:
        assert s.chain_anchor() == f"{length}:{head[:16]}"
    code, out, err = _run(capsys, "verify-db")
    assert code == 0, err
    assert f"anchor to write down: {length}:{head[:16]}" in out
    code, out, err = _run(capsys, "verify-db", "--anchor", f"{length}:{head[:16]}")
    assert code == 0, err


def test_another_database_s_backups_in_the_same_folder_are_not_its_anchors(db_path, capsys):
    _filled(db_path, temperatures=1)
    other = db_path.with_name("other.sqlite3")
    _filled(other, temperatures=3)
    with Store.open(other, keep_backups=3) as s:
        s.backup()
    with Store.open(db_path, keep_backups=3) as s:
        s.backup()
    own = list((db_path.parent / "backups").glob("pacer-*.sqlite3"))
    assert own and len(list((db_path.parent / "backups").glob("*.sqlite3"))) > len(own)
    code, out, err = _run(capsys, "verify-db")
    assert code == 0, err
    assert f"extends the chain of {len(own)} backup(s)" in out
