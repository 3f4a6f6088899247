"""Every document printed from the database carries the audit chain's anchor (issue 17, point 8):
the order sheet's QR code names it (``chain=LENGTH:HEAD``) and every page's footer prints it, so
``verify-db --anchor`` can later check the database against a head read off paper."""

from __future__ import annotations

import pytest

from pacer_desktop.cli import main
from pacer_desktop.reports import pdf as pdf_module
from pacer_desktop.cli.printing import _storage
from tests.reports.pdfcheck import ESCALATED, pdf_text

STORAGE = _storage()
pytestmark = pytest.mark.skipif(STORAGE is None, reason="the patient database is not part of this build")


def _patient_in_database() -> str:
    """A patient stored from example 02; the database's anchor once it is stored."""
    from pacer_desktop.core.caseio import parse_case
    with STORAGE.Store.open() as store:
        store.import_case(STORAGE.User("CD", "prescriber", "test workstation"), parse_case(ESCALATED.read_bytes()),
                          mrn="MRN777", name="Ben Example")
        return store.chain_anchor()


def _qr_payloads(monkeypatch) -> list[str]:
    """What each QR code drawn is built from, as the order sheet hands it to the QR encoder."""
    seen: list[str] = []
    real = pdf_module.QrCode.__init__

    def recording(self, payload, *args, **kwargs):
        seen.append(payload)
        real(self, payload, *args, **kwargs)

    monkeypatch.setattr(pdf_module.QrCode, "__init__", recording)
    return seen


def test_the_order_sheet_s_qr_code_names_the_database_s_anchor_at_print_time(tmp_path, capsys, monkeypatch, people):
    stored = _patient_in_database()
    payloads = _qr_payloads(monkeypatch)
    out = tmp_path / "order.pdf"
    assert main(["print", "order", "--mrn", "MRN777", "-o", str(out), *people.of("pharmacist")]) == 0, \
        capsys.readouterr().err
    assert len(payloads) == 1
    fields = dict(part.split("=", 1) for part in payloads[0].split(";")[1:])
    length, head = fields["chain"].split(":")
    # the chain as the page was made: after the pharmacist signed in (issue 18), before the print record
    with STORAGE.Store.open() as store:
        after = store.chain_anchor()
    assert payloads[0].startswith("PACER-ORDER;") and int(stored.split(":")[0]) < int(length)
    assert int(length) == int(after.split(":")[0]) - 1 and len(head) == 16
    capsys.readouterr()
    # the head read off paper checks out after the print was recorded, and a rewritten chain does not
    assert main(["verify-db", "--anchor", fields["chain"]]) == 0, capsys.readouterr().err
    assert main(["verify-db", "--anchor", f"{length}:{'0' * 16}"]) == 1


@pytest.mark.parametrize("kind", ["order", "mar", "grading"])
def test_every_document_s_footer_carries_the_anchor(tmp_path, capsys, kind, people):
    _patient_in_database()
    out = tmp_path / f"{kind}.pdf"
    assert main(["print", kind, "--mrn", "MRN777", "-o", str(out), *people.of("pharmacist")]) == 0, \
        capsys.readouterr().err
    with STORAGE.Store.open() as store:  # the page was made before its print record was written
        length, _ = store.chain_anchor().split(":")
    capsys.readouterr()
    text = pdf_text(out.read_bytes())
    anchor = text.split("audit chain ")[1].split()[0]
    pages = text.count("page ")
    assert anchor.startswith(f"{int(length) - 1}:") and main(["verify-db", "--anchor", anchor]) == 0
    assert pages >= 1 and text.count(f"audit chain {anchor}") == pages


def test_the_window_s_preview_takes_the_anchor_from_the_store():
    """The worker side of the window's preview reads the anchor from the store it is given."""
    pytest.importorskip("PySide6")
    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.reports.content import PatientHeader
    from pacer_desktop.reports.documents import make_job
    from pacer_desktop.ui.printing import _render

    class Store:
        def chain_anchor(self) -> str:
            return "42:9f86d081884c7d65"

    case = parse_case(ESCALATED.read_bytes())
    job = make_job("mar", case, PatientHeader("Ben Example", "MRN777", case.patient.date_of_birth,
                                              case.patient.sex_at_birth), printed_by="AB (nurse)")
    pdf, _, _, anchored = _render(job, Store())
    assert anchored.chain_anchor == "42:9f86d081884c7d65" and "audit chain 42:9f86d081884c7d65" in pdf_text(pdf)
