"""Helpers shared by the storage tests: users, a patient, file hashes."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pacer_desktop.storage import Store, User

NURSE = User("AB", "nurse", "ward-3-pc1")
PRESCRIBER = User("CD", "prescriber", "ward-3-pc2")


def hours_ago(h: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=h)


def add_patient(store: Store, mrn: str = "MRN001", name: str = "Ada Lovelace", **kw) -> int:
    values = dict(date_of_birth=date(2015, 4, 12), sex_at_birth="female", developmental_delay=False,
                  infusion_at=hours_ago(72), timezone="America/Chicago")
    values.update(kw)
    return store.add_patient(NURSE, mrn=mrn, name=name, **values)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(path: Path) -> list[str]:
    """SQLite side files next to ``path`` (there must be none beside a refused file)."""
    return [p.name for p in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                             path.with_name(path.name + "-journal")) if p.exists()]


def filled(path: Path, temperatures: int = 3) -> int:
    """A database at ``path`` with one patient and ``temperatures`` readings; the patient's id."""
    from decimal import Decimal
    with Store.open(path, keep_backups=0) as s:
        pid = add_patient(s)
        for i in range(temperatures):
            s.add_temperature(NURSE, pid, at=hours_ago(60 - i / 10), value=Decimal("37.2"), unit="C")
    return pid
