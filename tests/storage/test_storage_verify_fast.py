"""verify-db's quick way (SQLite writes each row's canonical text, Python hashes it) finds exactly
what the store's own way (``audit.canonical`` of the row) finds (issue 17: speed)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from pacer_desktop.storage import verification
from pacer_desktop.storage.audit import canonical as _canonical
from tests.storage.storehelp import NURSE, add_patient, filled, hours_ago

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_VALUE = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), _TEXT)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12), _VALUE,
                       min_size=1, max_size=10))
def test_sqlite_writes_the_same_text_as_the_store(row):
    """Quotes, backslashes, control characters, non-ASCII and odd column names included."""
    names = list(row)
    if any("\x00" in n for n in names) or len({n.lower() for n in names}) < len(names):
        return  # no such column names: SQLite refuses NUL in them and does not tell case apart
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (" + ", ".join('"{}"'.format(n.replace('"', '""')) for n in names) + ")")
    conn.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(names))})", [row[n] for n in names])
    text = conn.execute(f"SELECT {verification._canonical_sql(names)} FROM t").fetchone()[0]
    assert text == _canonical(row).encode("utf-8")


def test_the_quick_way_is_taken_and_agrees(db_path, monkeypatch):
    with_odd_text = filled(db_path)
    from pacer_desktop.storage import Store
    with Store.open(db_path, keep_backups=0) as s:
        pid = add_patient(s, mrn="MRN002", name='Zoë "Ω" \\ O\'Brien')
        # a name is one line of plain text now; a reason may hold any character, as older names did
        s.add_medication(NURSE, pid, at=hours_ago(1), drug="tocilizumab", dose_mg=Decimal(280),
                         reason='given "early" \\ \u2028\x7f on call')
    slow_rows = []
    real = verification._row
    monkeypatch.setattr(verification, "_row", lambda *a: slow_rows.append(a[1:]) or real(*a))
    conn = sqlite3.connect(db_path)
    try:
        assert verification.problems(conn) == []
    finally:
        conn.close()
    assert with_odd_text and slow_rows == []  # no row needed the store's way


def test_an_edit_that_only_the_quick_text_would_miss_is_caught(db_path):
    """A name holding the escaped form of another ("A\\\\\\"" for 'A"'): the texts must differ."""
    from pacer_desktop.storage import Store
    with Store.open(db_path, keep_backups=0) as s:
        add_patient(s, name='A"B')
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("DROP TRIGGER patient_versions_no_update")
        conn.execute("UPDATE patient_versions SET name = ? WHERE name = ?", ('A\\"B', 'A"B'))
        conn.commit()
        found = verification.problems(conn)
    finally:
        conn.close()
    assert any("patient_versions row 1: differs from what was recorded" in p for p in found), found


def test_a_value_replaced_by_a_blob_is_reported_not_a_crash(db_path, capsys):
    filled(db_path)
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("DROP TRIGGER temperatures_no_update")
        conn.execute("UPDATE temperatures SET value = X'3337' WHERE id = 2")
        conn.commit()
    finally:
        conn.close()
    from pacer_desktop.cli import main
    assert main(["verify-db"]) == 1
    assert "temperatures row 2: differs from what was recorded" in capsys.readouterr().err


def test_the_hmac_states_verify_db_copies_give_the_store_s_hmac():
    """verify-db makes each key's HMAC state once (seals.mac_states); it must equal keys.mac."""
    import hashlib

    from pacer_desktop.storage import keys
    from pacer_desktop.storage.seals import mac_states
    row_sha = hashlib.sha256(b"a row").hexdigest()
    for key in (bytes(range(32)), bytes(range(100))):  # a 32-byte key, and one longer than a block
        prefix, inner, outer = mac_states({"any name": key})[keys.key_id(key)]
        h = inner.copy()
        h.update(row_sha.encode("ascii"))
        mac = outer.copy()
        mac.update(h.digest())
        assert prefix + mac.hexdigest() == keys.mac(key, row_sha)
