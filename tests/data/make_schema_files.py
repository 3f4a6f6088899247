"""Write ``pacer-schema-<N>.sqlite3``: a database of the current schema version with sample rows.

Run once when a schema version is released (``python tests/data/make_schema_files.py``) and commit
the file; it is never regenerated afterwards, so the upgrade tests keep opening the bytes that
version of the application wrote. The rows are the first worked example, imported with
``import-case``, plus one correction, one printed document and one eligibility assessment; from
schema 2 on, one acknowledged prompt; from schema 3 on, one line held (rules §5a); from schema 4 on,
the sample patient has the study ID PACER-000 (issue 19); from schema 5 on, the audit rows carry
an HMAC made with the key of the installation that ran this script (issue 17, point 8; that key is
not kept, so on any other workstation these rows read as "cannot be checked here"); from schema 6
on, an administrator AD (PIN 135790) and one signature of hers (issue 18).
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pacer_desktop.core.caseio import parse_case  # noqa: E402
from pacer_desktop.storage import Store, User  # noqa: E402
from pacer_desktop.storage.schema import schema_version  # noqa: E402

EXAMPLE = ROOT / "resources" / "examples" / "01-standard-course.case.json"
MRN = "SCHEMA-SAMPLE"


def main() -> Path:
    out = Path(__file__).parent / f"pacer-schema-{schema_version()}.sqlite3"
    if out.exists():
        sys.exit(f"{out} exists: a released schema file is never rewritten")
    user = User("ZZ", "research", "schema-file-maker")
    with Store.open(out, keep_backups=0) as store:
        pid = store.import_case(user, parse_case(EXAMPLE.read_bytes()), mrn=MRN, name="Sample Patient",
                                study_id="PACER-000")
        from pacer_desktop.evaluation import evaluate_case
        line = next(d for d in evaluate_case(store.case_for(pid)).doses if d.given_at is None)
        store.add_dose_outcome(user, pid, line=line.line, outcome="held", at=line.due, reason="sample")
        first = store.entries(pid, "temperature")[-1]
        store.correct(user, "temperature", first.id, reason="entered in error")
        store.record_document(user, pid, kind="order_sheet", content_sha256="00" * 32, protocol="pacer-1")
        store.add_weight(user, pid, at=first.at, kg=Decimal("23.5"))
        latest = store.entries(pid, "assessment")[-1]
        store.acknowledge(user, pid, alert="consider_escalation", assessment_at=latest.at, note="sample")
        from pacer_desktop.storage.accounts import Accounts
        accounts = Accounts(store, workstation="schema-file-maker")
        accounts.create_first_admin("AD", name="Ada Admin", pin="135790")
        accounts.sign("AD", "135790", action="restore", meaning="sample signature")
    return out


if __name__ == "__main__":
    print(main())
