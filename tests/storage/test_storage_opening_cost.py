"""Opening a database that is up to date stays cheap: sqlite_utils (about 50 ms to import) is loaded
only when a database is created or upgraded, or when its ``db`` is asked for."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pacer_desktop.storage import Store, schema
from tests.storage.storehelp import add_patient

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

OPEN_AND_READ = """
import sys
from pacer_desktop.storage import Store
with Store.open(sys.argv[1]) as s:
    patients = s.patients()
    s.case_for(patients[0].id)
    print(len(patients), "sqlite_utils" in sys.modules, s._migrations_pending())
    from sqlite_utils import Database
    assert isinstance(s.db, Database) and s.db.conn is s._conn  # the same connection, when asked for
"""


def _run(code: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_an_up_to_date_database_opens_and_reads_without_sqlite_utils(db_path):
    with Store.open(db_path, keep_backups=0) as s:
        add_patient(s)
    assert _run(OPEN_AND_READ, str(db_path)) == "1 False False"


def test_an_old_database_is_still_upgraded_by_sqlite_utils(tmp_path):
    old = tmp_path / "old.sqlite3"
    shutil.copy(DATA / "pacer-schema-1.sqlite3", old)
    with Store.open(old, keep_backups=0) as s:
        assert [m.name for m in schema.migrations.applied(s.db)] == sorted(schema.known_migration_names())
        assert not s._migrations_pending() and not schema.migrations.pending(s.db)
