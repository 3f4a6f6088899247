"""verify-db's second process (``shares``): it reads its job on stdin (the file, the audit keys,
where each table is cut), checks the rows from each cut on, and writes one line per range as it
finishes ("table<TAB>findings as JSON"). Started as ``sys.executable``: Python, or the frozen program
through ``shares.CHILD_FLAG``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import shares, verification
from .opening import readonly


def child() -> int:
    """The second process: checks the ranges from each cut on, in the order the first checks its own."""
    job = json.loads(sys.stdin.buffer.read())
    known = None if job["keys"] is None else {k: bytes.fromhex(v) for k, v in job["keys"].items()}
    conn = readonly(Path(job["path"]))
    try:
        for name, cut in job["cuts"].items():
            if name == "audit_log":
                found = verification.audit_part(conn, known, (cut, None))
            else:
                found = verification.table_part(conn, name, (cut, None))
            sys.stdout.buffer.write(name.encode() + b"\t" + json.dumps(found, default=shares.encode).encode() + b"\n")
            sys.stdout.buffer.flush()
    finally:
        conn.close()
    return 0
