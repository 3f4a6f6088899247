"""Crash safety and two writers: what was committed survives SIGKILL; nobody sees "locked"."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pacer_desktop.storage import Store
from tests.storage.storehelp import add_patient

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("writer.py")


def _writer(db: Path, mrn: str, count: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(WRITER), str(db), mrn, str(count)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_committed_entries_survive_sigkill(db_path):
    with Store.open(db_path, keep_backups=0) as s:
        add_patient(s, mrn="CRASH")
    rng = random.Random(20261121)
    printed: list[int] = []
    kills = 0
    while kills < 20:
        child = _writer(db_path, "CRASH", 0)
        first = child.stdout.readline()  # wait until it is writing
        assert first.strip(), child.stderr.read()
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        assert child.returncode == -signal.SIGKILL
        printed += [int(line) for line in (first + out).split() if line.strip().isdigit()]
        kills += 1
    assert kills >= 20 and len(printed) > 20
    with Store.open(db_path, keep_backups=0) as s:
        assert s.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in s.db.execute("SELECT id FROM temperatures")}
        assert set(printed) <= stored
        # no partial row: every stored row is complete and has its audit row (verify checks both)
        assert s.verify() == []
        pid = s.patient_by_mrn("CRASH").id
        assert len(s.case_for(pid).temperatures) == len(stored)


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(db_path):
    with Store.open(db_path, keep_backups=0) as s:
        add_patient(s, mrn="P1")
        add_patient(s, mrn="P2", name="Grace Hopper")
    writers = [_writer(db_path, "P1", 200), _writer(db_path, "P2", 200)]
    results = [w.communicate(timeout=120) for w in writers]
    for w, (out, err) in zip(writers, results):
        assert w.returncode == 0, err
        assert "locked" not in err and "busy" not in err
        assert len(out.split()) == 200
    with Store.open(db_path, keep_backups=0) as s:
        ids = {int(i) for out, _ in results for i in out.split()}
        assert len(ids) == 400
        assert {row[0] for row in s.db.execute("SELECT id FROM temperatures")} == ids
        assert s.verify() == []
