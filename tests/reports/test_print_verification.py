"""`pacer-desktop print order` and the pharmacist's verification (issue 18): from the database the
sheet says who verified the current dose, or NOT VERIFIED (never, or stale after a new weight or an
escalation); from a case file (no database) always NOT VERIFIED. Example 01: 59 mg, 0.4 mL, 23.4 kg."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pacer_desktop.cli import main

from tests.reports.pdfcheck import STANDARD, pdf_text


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def patient(people):
    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.storage import Store, User
    with Store.open(keep_backups=0) as store:
        return store.import_case(User("PR", "prescriber", "ward"), parse_case(STANDARD.read_bytes()), mrn="X1",
                                 name="A")


def _verify(people) -> None:
    assert main(["verify-dose", "--mrn", "X1", "--weight-kg", "23.4", "--mg", "59", "--ml", "0.4",
                 *people.signed("PH")]) == 0


def _print(people, tmp_path, *source: str) -> str:
    out = tmp_path / "order.pdf"
    assert main(["print", "order", *source, "-o", str(out), *people.signed("PH")]) == 0
    return flat(pdf_text(out.read_bytes()))


def test_print_from_the_database_names_the_verification(people, patient, tmp_path):
    _verify(people)
    text = _print(people, tmp_path, "--mrn", "X1")
    assert "Verified by Phil Pharmacist (PH, pharmacist) — independent double check — at" in text
    assert "NOT VERIFIED" not in text


def test_print_from_the_database_before_any_verification_says_not_verified(people, patient, tmp_path):
    text = _print(people, tmp_path, "--mrn", "X1")
    assert "NOT VERIFIED" in text and "no pharmacist has verified this dose" in text


def test_a_new_weight_makes_the_printed_verification_stale(people, patient, tmp_path):
    from pacer_desktop.storage import Store, User
    _verify(people)
    with Store.open(keep_backups=0) as store:
        weighed = store.entries(patient, "weight")[-1].at + timedelta(days=3)
        store.add_weight(User("NU", "nurse", "ward"), patient, at=weighed, kg=Decimal("23.4"))
    text = _print(people, tmp_path, "--mrn", "X1")
    assert "NOT VERIFIED" in text and "a new weight was recorded since" in text
    assert "Verified by" not in text


def test_print_from_a_case_file_is_never_verified(people, tmp_path):
    text = _print(people, tmp_path, "--case", str(STANDARD))
    assert "NOT VERIFIED" in text and "printed from a case file" in text


def _signed_entry(people, kind: str, example: str, mrn: str, action: str, meaning: str) -> None:
    """Example ``example`` stored as ``mrn``, its ``kind`` entry signed by PR (the prescriber)."""
    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.storage import Store, User
    from pacer_desktop.storage.accounts import Accounts
    from pacer_desktop.storage.records import KINDS
    from tests.paths import EXAMPLES
    with Store.open(keep_backups=0) as store:
        case = parse_case(next(EXAMPLES.glob(f"{example}*.case.json")).read_bytes())
        pid = store.import_case(User("PR", "prescriber", "ward"), case, mrn=mrn, name="B")
        [entry] = store.entries(pid, kind, include_superseded=False)
        Accounts(store).sign("PR", people.pins["PR"], action=action, meaning=meaning, table=KINDS[kind],
                             row_id=entry.id, patient_id=pid)


def test_the_escalations_signature_is_printed_from_the_database(people, tmp_path):
    _signed_entry(people, "escalation", "02-", "X2", "escalate", "escalated to every 6 hours")
    text = _print(people, tmp_path, "--mrn", "X2")
    assert "escalated to every 6 hours — Pia Prescriber (PR, prescriber) —" in text


def test_the_investigators_sign_off_is_printed_from_the_database(people, tmp_path):
    out = tmp_path / "checklist.pdf"
    assert main(["print", "eligibility", "--mrn", "X3", "-o", str(out), *people.signed("PH")]) == 2  # no patient
    _signed_entry(people, "eligibility", "03-", "X3", "sign_eligibility", "signed eligibility")
    assert main(["print", "eligibility", "--mrn", "X3", "-o", str(out), *people.signed("PH")]) == 0
    assert "signed eligibility — Pia Prescriber (PR, prescriber) —" in flat(pdf_text(out.read_bytes()))
