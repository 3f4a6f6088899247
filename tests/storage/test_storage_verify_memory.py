"""verify-db reads in constant memory (issue 17: 255 MB on the ward's 455 MB file)."""

from __future__ import annotations

import sqlite3
import tracemalloc
from datetime import timedelta


from pacer_desktop.storage import Store
from pacer_desktop.storage.verification import table_problems
from tests.storage.storehelp import NURSE, add_patient, hours_ago


def _peak_checking(path) -> int:
    conn = sqlite3.connect(path)
    try:
        tracemalloc.start()
        assert table_problems(conn, "temperatures") == []
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        conn.close()


def test_checking_a_table_takes_the_same_memory_whatever_its_length(tmp_path):
    peaks = []
    for n in (200, 4000):
        path = tmp_path / f"{n}.sqlite3"
        with Store.open(path, keep_backups=0) as s:
            pid = add_patient(s, infusion_at=hours_ago(24 * 40))
            with s._transaction():
                for i in range(n):
                    s._insert(NURSE, "temperatures", {"patient_id": pid, "at": (hours_ago(900) + timedelta(minutes=i))
                                                      .isoformat(), "at_offset_s": 0, "value": "37.0", "unit": "C"},
                              "add temperature")
        peaks.append(_peak_checking(path))
    assert peaks[1] < 2 * peaks[0] + 50_000
