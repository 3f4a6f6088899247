"""verify-db on two cores (issue 17: ≤ 3× integrity_check): the rows from a cut on are checked in a
second process, and the report is word for word the one a single process gives, wherever the cut
falls, with tampering right at the cut; a second process that fails only costs time."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from pacer_desktop.storage import checkup, shares, verification
from tests.storage.storehelp import filled


def _tampered(path) -> None:
    """One patient, 12 readings (audit rows 1 to 13), then edits on both sides of audit row 6 and
    temperature 6."""
    filled(path, temperatures=12)
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.executescript("""
        UPDATE temperatures SET value = '36.6' WHERE id IN (5, 6);
        DELETE FROM temperatures WHERE id = 9;
        UPDATE audit_log SET hmac = substr(hmac, 1, length(hmac) - 1) || 'x' WHERE id IN (5, 6);
        UPDATE audit_log SET hmac = NULL WHERE id = 8;
        DELETE FROM audit_log WHERE id = 10;
        UPDATE audit_log SET prev_sha256 = iif(prev_sha256 LIKE 'f%', 'e', 'f') || substr(prev_sha256, 2) WHERE id = 12;
    """)
    conn.close()


def _report(path, monkeypatch, cuts: dict | None):
    """verify-db's report, in one process (``cuts`` None) or cut at ``cuts`` (table: first id of the
    second process's range)."""
    if cuts is None:
        monkeypatch.setattr(shares, "start", lambda conn, known, names: shares.Split())
    else:
        monkeypatch.setattr(shares, "start", lambda conn, known, names: shares._TwoProcesses(
            path, known, {n: c for n, c in cuts.items() if n in names}))
    found = checkup.verify_report(path)
    return found.problems, found.checked, found.not_here


@pytest.fixture
def here(monkeypatch):
    """The ranges checked in this process (so a test sees that the other process did its share)."""
    seen = []
    audit, table = verification.audit_part, verification.table_part
    monkeypatch.setattr(verification, "audit_part", lambda conn, known, bounds, *a: seen.append(
        ("audit_log", bounds)) or audit(conn, known, bounds, *a))
    monkeypatch.setattr(verification, "table_part", lambda conn, name, bounds, *a: seen.append(
        (name, bounds)) or table(conn, name, bounds, *a))
    return seen


@pytest.mark.parametrize("audit_cut, temperature_cut", [(6, 6), (5, 9), (8, 5), (10, 1), (11, 13),
                                                              (12, 2), (13, 12), (1, 2), (40, 40)])
def test_a_split_check_says_word_for_word_what_one_process_says(db_path, monkeypatch, here, audit_cut,
                                                                temperature_cut):
    _tampered(db_path)
    one = _report(db_path, monkeypatch, None)
    assert any("HMAC does not match" in p for p in one[0]) and any("temperatures row 9" in p for p in one[0])
    here.clear()
    two = _report(db_path, monkeypatch, {"audit_log": audit_cut, "temperatures": temperature_cut})
    assert two == one
    assert ("audit_log", (None, audit_cut)) in here and ("audit_log", (audit_cut, None)) not in here
    assert ("temperatures", (temperature_cut, None)) not in here  # the second process checked those


def test_tampering_at_the_cut_is_found_on_both_sides(db_path, monkeypatch):
    _tampered(db_path)
    problems = _report(db_path, monkeypatch, {"audit_log": 6, "temperatures": 6})[0]
    assert "audit log rows 5 to 6: their HMAC does not match" in " ".join(problems)  # one run across the cut
    assert any(p.startswith("temperatures row 5: differs") for p in problems)
    assert any(p.startswith("temperatures row 6: differs") for p in problems)
    assert "audit log rows 8: their HMAC was removed (changed outside PACER)" in problems
    assert "audit log: rows 10 to 10 are missing" in problems
    assert "audit log row 12: does not follow the row before it (chain broken)" in problems


def test_a_second_process_that_fails_costs_time_not_findings(db_path, monkeypatch, here):
    _tampered(db_path)
    one = _report(db_path, monkeypatch, None)
    monkeypatch.setattr(shares, "_command", lambda: [sys.executable, "-c", "import sys; print('x'); sys.exit(3)"])
    here.clear()
    assert _report(db_path, monkeypatch, {"audit_log": 6, "temperatures": 6}) == one
    assert ("audit_log", (6, None)) in here and ("temperatures", (6, None)) in here  # checked here instead


def test_a_program_that_cannot_start_costs_time_not_findings(db_path, monkeypatch):
    _tampered(db_path)
    one = _report(db_path, monkeypatch, None)
    monkeypatch.setattr(shares, "_command", lambda: [str(db_path.parent / "no-such-program")])
    assert _report(db_path, monkeypatch, {"audit_log": 6, "temperatures": 6}) == one


def test_a_small_file_is_checked_in_one_process(db_path):
    filled(db_path, temperatures=3)
    conn = sqlite3.connect(db_path)
    try:
        assert type(shares.start(conn, {}, ["audit_log", "temperatures"])) is shares.Split
    finally:
        conn.close()


def test_each_range_is_a_where_clause_with_no_gap():
    assert shares.between("id", (None, None)) == ("", ())
    assert shares.between("id", (None, 7)) == ("WHERE id < ?", (7,))
    assert shares.between("id", (7, None)) == ("WHERE id >= ?", (7,))


@pytest.mark.parametrize("where", ["unsigned", "first signed", "signed"])
def test_rows_signed_only_after_an_upgrade_read_the_same_from_either_side_of_the_cut(db_path, monkeypatch, where):
    """Whether a row without an HMAC was written before the upgrade or had it removed depends on the
    rows before it: the second process must tell them apart just as one pass does."""
    import shutil
    from pathlib import Path

    from pacer_desktop.storage import Store
    from tests.storage.storehelp import add_patient
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "pacer-schema-4.sqlite3", db_path)
    conn = sqlite3.connect(db_path)
    old = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    conn.close()
    with Store.open(db_path, keep_backups=0) as s:
        add_patient(s, mrn="NEW1")
        add_patient(s, mrn="NEW2")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET hmac = NULL WHERE id = ?", (old + 3,))
    conn.close()
    one = _report(db_path, monkeypatch, None)
    assert f"audit log rows {old + 3}: their HMAC was removed (changed outside PACER)" in one[0]
    cut = {"unsigned": old // 2 or 1, "first signed": old + 1, "signed": old + 3}[where]
    assert _report(db_path, monkeypatch, {"audit_log": cut}) == one


def _edit(path, *sql: str) -> None:
    """What someone with the sqlite3 program does: the triggers dropped, the edits, nothing
    recomputed, the triggers put back exactly as they were."""
    conn = sqlite3.connect(path, isolation_level=None)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for statement in sql:
        conn.execute(statement)
    for _, trigger_sql in triggers:
        conn.execute(trigger_sql)
    conn.close()


NEWEST = "(SELECT max(id) FROM audit_log)"


@pytest.mark.parametrize("audit_cut", [2, 7, 14, 15, 40])
def test_the_newest_row_s_hmac_changed_alone_is_caught_wherever_the_cut_falls(db_path, monkeypatch, audit_cut):
    """One HMAC per key is computed, the newest row's, whichever process read that row."""
    filled(db_path, temperatures=12)  # audit rows 1 to 14
    _edit(db_path, "UPDATE audit_log SET hmac = substr(hmac, 1, length(hmac) - 1)"
                   f" || iif(hmac LIKE '%0', '1', '0') WHERE id = {NEWEST}")
    one = _report(db_path, monkeypatch, None)
    assert one[0] == ["audit log rows 14: their HMAC does not match (a row was changed outside PACER and its hashes"
                      " recomputed; the first of these rows, or an entry it records, is where)"]
    assert _report(db_path, monkeypatch, {"audit_log": audit_cut, "temperatures": 6}) == one


def test_a_clean_file_says_the_same_in_one_process_and_in_two(db_path, monkeypatch):
    filled(db_path, temperatures=12)
    one = _report(db_path, monkeypatch, None)
    assert one[0] == [] and "14 vouched for by this workstation's keys" in one[1][0]
    for cut in (2, 7, 14):
        assert _report(db_path, monkeypatch, {"audit_log": cut, "temperatures": cut}) == one


@pytest.mark.parametrize("column, row, said", [
    ("sha256", "5", "audit log row 5: its content does not match its hash (changed)"),
    ("hmac", NEWEST, "audit log rows 14: their HMAC does not match")])
def test_a_blob_put_into_an_audit_row_s_hash_or_hmac_is_reported_not_a_crash(db_path, monkeypatch, column, row, said):
    """Before, verify-db stopped with a Python error (AttributeError, TypeError) instead of reporting."""
    filled(db_path, temperatures=12)
    _edit(db_path, f"UPDATE audit_log SET {column} = CAST(CAST({column} AS BLOB) || x'00' AS BLOB) WHERE id = {row}")
    one = _report(db_path, monkeypatch, None)
    assert said in " ".join(one[0])
    assert _report(db_path, monkeypatch, {"audit_log": 6, "temperatures": 6}) == one


def test_an_older_row_s_hmac_changed_alone_goes_unreported_as_docs_integrity_says(db_path, monkeypatch):
    """The one thing given up for speed (docs/integrity.md): no entry changed, the chain intact, the
    newest row's HMAC valid. If this starts failing, the check grew stronger: update that page."""
    filled(db_path, temperatures=12)
    _edit(db_path, "UPDATE audit_log SET hmac = substr(hmac, 1, length(hmac) - 1)"
                   " || iif(hmac LIKE '%0', '1', '0') WHERE id = 5")
    assert _report(db_path, monkeypatch, None)[0] == []
