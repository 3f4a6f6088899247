"""`pacer-desktop print order` and the pharmacist's verification (issue 18): from the database the
sheet says who verified the current dose, or NOT VERIFIED (never, or stale after a new weight or an
escalation); from a case file (no database) always NOT VERIFIED. Example 01: 59 mg, 0.4 mL, 23.4 kg."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pacer_desktop.cli import main

from tests.reports.pdfcheck import STANDARD, pdf_text

XFAIL = pytest.mark.xfail(strict=True, reason="the verification on the printed order sheet (issue 18) not built yet")


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


@XFAIL
def test_print_from_the_database_names_the_verification(people, patient, tmp_path):
    _verify(people)
    text = _print(people, tmp_path, "--mrn", "X1")
    assert "Verified by Phil Pharmacist (PH, pharmacist) — independent double check — at" in text
    assert "NOT VERIFIED" not in text


@XFAIL
def test_print_from_the_database_before_any_verification_says_not_verified(people, patient, tmp_path):
    text = _print(people, tmp_path, "--mrn", "X1")
    assert "NOT VERIFIED" in text and "no pharmacist has verified this dose" in text


@XFAIL
def test_a_new_weight_makes_the_printed_verification_stale(people, patient, tmp_path):
    from pacer_desktop.storage import Store, User
    _verify(people)
    with Store.open(keep_backups=0) as store:
        weighed = store.entries(patient, "weight")[-1].at + timedelta(days=3)
        store.add_weight(User("NU", "nurse", "ward"), patient, at=weighed, kg=Decimal("23.4"))
    text = _print(people, tmp_path, "--mrn", "X1")
    assert "NOT VERIFIED" in text and "a new weight was recorded since" in text
    assert "Verified by" not in text


@XFAIL
def test_print_from_a_case_file_is_never_verified(people, tmp_path):
    text = _print(people, tmp_path, "--case", str(STANDARD))
    assert "NOT VERIFIED" in text and "printed from a case file" in text
