"""A child process for the crash and concurrency tests: writes entries, printing each committed id.

    python tests/storage/writer.py DB MRN COUNT

Writes COUNT temperatures (0: until killed) for the patient with that MRN; each id is printed
only after its transaction committed. Exits 1 with the message on a storage error.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path


def main() -> int:
    from pacer_desktop.storage import Store, StorageError, User
    path, mrn, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    user = User("WR", "nurse", f"writer-{mrn}")
    try:
        with Store.open(path, keep_backups=0) as store:
            pid = store.patient_by_mrn(mrn).id
            i = 0
            while count == 0 or i < count:
                at = datetime.now(UTC) - timedelta(hours=60, seconds=i)
                row_id = store.add_temperature(user, pid, at=at, value=Decimal("37.1"), unit="C")
                print(row_id, flush=True)
                i += 1
    except StorageError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
