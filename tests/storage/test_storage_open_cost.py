"""Opening a database costs the same whatever its size (issue 17: a ward's 455 MB file took 161 ms
to open against 1 ms for a small one, because the open check scanned every table)."""

from __future__ import annotations

from datetime import timedelta


from pacer_desktop.storage import Store, opening
from tests.storage.storehelp import NURSE, add_patient, hours_ago


def _steps_to_open(path, monkeypatch) -> int:
    """SQLite virtual-machine steps the open check runs (counted every 100 steps)."""
    counted = []
    real = opening.readonly

    def counting(p):
        conn = real(p)
        conn.set_progress_handler(lambda: counted.append(1) and 0, 100)
        return conn

    monkeypatch.setattr(opening, "readonly", counting)
    Store.open(path, keep_backups=0).close()
    monkeypatch.setattr(opening, "readonly", real)
    return len(counted)


def test_opening_does_not_grow_with_the_file(tmp_path, monkeypatch):
    small, large = tmp_path / "small.sqlite3", tmp_path / "large.sqlite3"
    for path, readings in ((small, 2), (large, 3000)):
        with Store.open(path, keep_backups=0) as s:
            pid = add_patient(s, infusion_at=hours_ago(24 * 40))
            rows = [{"patient_id": pid, "at": (hours_ago(24 * 39) + timedelta(minutes=i)).isoformat(),
                     "at_offset_s": 0, "value": "37.0", "unit": "C"} for i in range(readings)]
            with s._transaction():
                for row in rows:
                    s._insert(NURSE, "temperatures", row, "add temperature")
    assert _steps_to_open(large, monkeypatch) <= _steps_to_open(small, monkeypatch) + 5
