"""Signatures on paper (issue 18): the order sheet says who verified the dose, or in red NOT
VERIFIED; every printed document shows each signature that concerns it (name, role, meaning, time).

Example 01 doses 59 mg (0.4 mL) on 23.4 kg (rules §4); example 02 is escalated (rules §5)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pacer_desktop.core.caseio import parse_case
from pacer_desktop.reports.content import PatientHeader
from pacer_desktop.reports.documents import make_job, render

from tests.reports.pdfcheck import ELIGIBILITY, ESCALATED, PRINTED_AT, STANDARD, pdf_text

#: 14:05 UTC is 08:05 in Chicago (the examples' zone), where every printed time is shown.
SIGNED_AT = datetime(2026, 11, 6, 14, 5, tzinfo=UTC)


def PrintedSignature(**fields):  # noqa: N802 - stands for the class, imported when the test runs
    from pacer_desktop.reports.content import PrintedSignature as Signed
    return Signed(**fields)


def _pharmacist():
    return PrintedSignature(name="Phil Pharmacist", initials="PH", role="pharmacist", meaning="verified dose",
                            at=SIGNED_AT)


def flat(text: str) -> str:
    return " ".join(text.split())


def _job(path, kind: str, **signed):
    case = parse_case(path.read_bytes())
    patient = PatientHeader(name="Ada Example", mrn="MRN0012345", date_of_birth=case.patient.date_of_birth,
                            sex_at_birth=case.patient.sex_at_birth)
    return make_job(kind, case, patient, printed_by="PH (pharmacist)", printed_at=PRINTED_AT, **signed)


def _text(path, kind: str, **signed) -> str:
    return flat(pdf_text(render(_job(path, kind, **signed))))


def test_a_verified_order_sheet_names_the_pharmacist_and_the_time():
    text = _text(STANDARD, "order", verification=(_pharmacist(), ()))
    assert ("Verified by Phil Pharmacist (PH, pharmacist) — independent double check — at 6 Nov 2026 08:05"
            in text)
    assert "NOT VERIFIED" not in text


def test_an_order_sheet_without_a_verification_says_not_verified():
    for signed in ({}, {"verification": (None, ("never_verified",))}):
        text = _text(STANDARD, "order", **signed)
        assert "NOT VERIFIED" in text and "Verified by" not in text
        assert "no pharmacist has verified this dose" in text


@pytest.mark.parametrize(("reasons", "words"), [
    (("new_weight",), "a new weight was recorded since"),
    (("escalated",), "escalated since"),
    (("new_weight", "dose_changed"), "a new weight was recorded since; the dose changed since"),
])
def test_a_stale_verification_prints_not_verified_and_why(reasons, words):
    text = _text(STANDARD, "order", verification=(None, reasons))
    assert "NOT VERIFIED" in text and "Verified by" not in text
    assert words in text


def _red_pixels(pdf: bytes, tmp_path) -> int:
    import subprocess

    from PIL import Image
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", str(tmp_path / "sheet.pdf"),
                    str(tmp_path / "sheet")], check=True)
    image = Image.open(tmp_path / "sheet.png").convert("RGB")
    pixels = image.load()
    return sum(1 for x in range(image.width) for y in range(image.height)
               if pixels[x, y][0] > 150 and pixels[x, y][1] < 90 and pixels[x, y][2] < 90)


def test_not_verified_is_printed_in_red(tmp_path):
    """NOT VERIFIED is drawn in the warning colour: an unverified sheet has far more red ink than the
    same sheet verified (example 01 has no warning of its own at its 'now')."""
    verified = _red_pixels(render(_job(STANDARD, "order", verification=(_pharmacist(), ()))), tmp_path)
    not_verified = _red_pixels(render(_job(STANDARD, "order")), tmp_path)
    assert not_verified > verified + 100


def test_the_escalation_signature_is_printed_on_the_order_sheet():
    escalation = PrintedSignature(name="Pia Prescriber", initials="PR", role="prescriber",
                                  meaning="escalated to every 6 hours",
                                  at=datetime(2026, 11, 11, 15, 5, tzinfo=UTC))
    text = _text(ESCALATED, "order", verification=(None, ("escalated",)), signatures=(escalation,))
    assert "escalated to every 6 hours — Pia Prescriber (PR, prescriber) — 11 Nov 2026 09:05" in text


def test_the_investigators_sign_off_is_printed_on_the_checklist():
    signed = PrintedSignature(name="Pia Prescriber", initials="PR", role="prescriber", meaning="signed eligibility",
                              at=datetime(2026, 10, 20, 20, 30, tzinfo=UTC))
    text = _text(ELIGIBILITY, "eligibility", signatures=(signed,))
    assert "signed eligibility — Pia Prescriber (PR, prescriber) — 20 Oct 2026 15:30" in text
    assert "No investigator sign-off" not in _text(ELIGIBILITY, "eligibility", signatures=(signed,))
    assert "No investigator sign-off is recorded" in _text(ELIGIBILITY, "eligibility")


def test_the_content_hash_follows_the_signatures_and_is_unchanged_without_them():
    """A verified and an unverified sheet are different content; an unsigned one hashes as before."""
    from pacer_desktop.reports.content import content_sha256
    plain = _job(STANDARD, "order")
    verified = _job(STANDARD, "order", verification=(_pharmacist(), ()))
    assert content_sha256(plain) != content_sha256(verified)
    assert content_sha256(plain) == content_sha256(_job(STANDARD, "order", verification=(None, ("never_verified",))))
