"""verify-db reads in constant memory (issue 17: 255 MB on the ward's 455 MB file)."""

from __future__ import annotations

import functools
import sqlite3
import tracemalloc
from datetime import timedelta

from pacer_desktop.storage import Store, verification
from pacer_desktop.storage.verification import table_problems
from tests.storage.storehelp import NURSE, add_patient, hours_ago


def _peak_checking(path, check) -> int:
    conn = sqlite3.connect(path)
    try:
        tracemalloc.start()
        assert check(conn) == []
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        conn.close()


def _database(folder, n: int):
    path = folder / f"{n}.sqlite3"
    with Store.open(path, keep_backups=0) as s:
        pid = add_patient(s, infusion_at=hours_ago(24 * 40))
        with s._transaction():
            for i in range(n):
                s._insert(NURSE, "temperatures", {"patient_id": pid, "at": (hours_ago(900) + timedelta(minutes=i))
                                                  .isoformat(), "at_offset_s": 0, "value": "37.0", "unit": "C"},
                          "add temperature")
    return path


def test_checking_a_table_takes_the_same_memory_whatever_its_length(tmp_path):
    peaks = [_peak_checking(_database(tmp_path, n), lambda conn: table_problems(conn, "temperatures"))
             for n in (200, 4000)]
    assert peaks[1] < 2 * peaks[0] + 50_000


def test_the_whole_check_keeps_nothing_per_row(tmp_path):
    """Everything verify-db checks (chain, HMACs, rows): what it keeps must not grow with the rows."""
    small, large = 500, 6000
    paths = [_database(tmp_path, n) for n in (small, large)]
    check = functools.partial(verification.problems, integrity=False)
    _peak_checking(paths[0], check)  # imports and caches first, so that both runs measure only the check
    peaks = [_peak_checking(path, check) for path in paths]
    assert (peaks[1] - peaks[0]) / (large - small) < 4, f"{peaks}: bytes kept per row"
