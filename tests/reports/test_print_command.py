"""`pacer-desktop print …` end to end: files written, input errors without tracebacks, prints recorded."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pacer_desktop.cli import main
from pacer_desktop.cli.printing import _storage

from tests.reports.pdfcheck import A4_PT, ESCALATED, STANDARD, page_sizes, pdf_text, unsafe_notations

STORAGE = _storage()
needs_storage = pytest.mark.skipif(STORAGE is None, reason="the patient database is not part of this build")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("kind", ["order", "mar", "grading"])
def test_prints_each_document_from_a_case_file(kind, tmp_path, capsys, people):
    out = tmp_path / f"{kind}.pdf"
    code = main(["print", kind, "--case", str(STANDARD), "-o", str(out), "--paper", "a4",
                 *people.of("pharmacist"), "--name", "Ada Example", "--mrn-label", "MRN0012345"])
    assert code == 0, capsys.readouterr().err
    data = out.read_bytes()
    assert set(page_sizes(data)) == {A4_PT}
    text = flat(pdf_text(data))
    assert "Ada Example" in text and "MRN0012345" in text and "PH (pharmacist)" in text
    assert "Protocol pacer-1" in text
    assert unsafe_notations(text) == []


def test_without_name_and_mrn_the_page_says_not_given(tmp_path):
    out = tmp_path / "order.pdf"
    assert main(["print", "order", "--case", str(ESCALATED), "-o", str(out)]) == 0
    text = flat(pdf_text(out.read_bytes()))
    assert "MRN not given" in text
    assert "Anakinra 100 mg IV every 6 hours" in text


def test_bad_case_exits_2_naming_the_field(tmp_path, capsys):
    bad = tmp_path / "bad.case.json"
    bad.write_text('{"weights": [{"at": "yesterday", "kg": 20}]}')
    out = tmp_path / "order.pdf"
    assert main(["print", "order", "--case", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "weights[0].at" in err and "Traceback" not in err
    assert not out.exists()


def test_nothing_to_print_exits_2(tmp_path, capsys):
    out = tmp_path / "order.pdf"
    no_fever = tmp_path / "no-fever.case.json"
    no_fever.write_text('{"timezone": "America/Chicago", "now": "2026-11-06T08:00:00-06:00",'
                        ' "infusion_at": "2026-11-03T10:00:00-06:00"}')
    assert main(["print", "order", "--case", str(no_fever), "-o", str(out)]) == 2
    assert "persistent fever is not met" in capsys.readouterr().err
    assert main(["print", "eligibility", "--case", str(STANDARD), "-o", str(out)]) == 2
    assert "eligibility" in capsys.readouterr().err
    assert not out.exists()


def test_command_line_end_to_end_and_light_start(tmp_path):
    """A real process: the PDF is written, and parsing the command line loads no reportlab."""
    out = tmp_path / "order.pdf"
    done = subprocess.run([sys.executable, "-m", "pacer_desktop.cli", "print", "order", "--case", str(STANDARD),
                           "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "59 mg" in pdf_text(out.read_bytes())
    probe = subprocess.run([sys.executable, "-c", "import sys; from pacer_desktop.cli import build_parser;"
                            " build_parser(); print('reportlab' in sys.modules)"], capture_output=True, text=True)
    assert probe.stdout.strip() == "False", probe.stderr


@needs_storage
def test_print_from_a_case_file_is_recorded_without_a_patient(tmp_path, capsys, people):
    out = tmp_path / "order.pdf"
    assert main(["print", "order", "--case", str(STANDARD), "-o", str(out), *people.of("pharmacist")]) == 0
    digest = capsys.readouterr().err.split("content SHA-256 ")[1].split(")")[0]
    with STORAGE.Store.open() as store:
        rows = store.db.query("SELECT * FROM documents")
        rows = list(rows)
    assert [(r["patient_id"], r["kind"], r["content_sha256"], r["protocol"], r["entered_by"]) for r in rows] == [
        (None, "order", digest, "pacer-1", "PH")]


@needs_storage
def test_print_by_mrn_reads_the_database_and_records_the_print(tmp_path, capsys, people):
    from pacer_desktop.core.caseio import parse_case
    user = STORAGE.User("CD", "prescriber", "test workstation")
    with STORAGE.Store.open() as store:
        patient_id = store.import_case(user, parse_case(ESCALATED.read_bytes()), mrn="MRN777", name="Ben Example")
    out = tmp_path / "order.pdf"
    code = main(["print", "order", "--mrn", "MRN777", "-o", str(out), *people.of("pharmacist")])
    assert code == 0, capsys.readouterr().err
    text = flat(pdf_text(out.read_bytes()))
    assert "Ben Example" in text and "MRN777" in text and "Dosing weight: 64 kg" in text
    # printed on 1 Dec 2026 by the test's clock (conftest), after example 02's stop time (17 Nov 2026): no active
    # order (issue 14 §4)
    assert "Course complete — no doses due" in text and "Anakinra 100 mg IV every" not in text
    with STORAGE.Store.open() as store:
        documents = store.documents(patient_id)
    assert [(d["kind"], d["entered_by"], d["role"]) for d in documents] == [("order", "PH", "pharmacist")]


@needs_storage
def test_mrn_needs_a_user_and_a_known_patient(tmp_path, capsys, people):
    out = tmp_path / "order.pdf"
    assert main(["print", "order", "--mrn", "NOPE", "-o", str(out)]) == 2
    assert "--user" in capsys.readouterr().err
    assert main(["print", "order", "--mrn", "NOPE", "-o", str(out), *people.of("pharmacist")]) == 2
    assert "NOPE" in capsys.readouterr().err
    assert not out.exists()


def test_print_by_mrn_leaves_out_an_entry_ahead_of_the_clock_as_the_window_does(tmp_path, capsys, people,
                                                                              monkeypatch):
    """Found in review: with an entry later than the workstation's clock (a clock set back since),
    the window shows the patient as known now, but `print mar --mrn` evaluated every entry and
    refused: the downtime record could not be printed from the command line."""
    from datetime import timedelta
    from decimal import Decimal

    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.storage import store as store_module
    user = STORAGE.User("CD", "prescriber", "test workstation")
    with STORAGE.Store.open() as store:
        patient_id = store.import_case(user, parse_case(ESCALATED.read_bytes()), mrn="MRN778", name="Cal Clock")
        now = store.clock()
        store.add_temperature(user, patient_id, at=now, value=Decimal("37.2"), unit="C")
    monkeypatch.setattr(store_module, "real_clock", lambda: now - timedelta(hours=2))  # the clock set back
    out = tmp_path / "mar.pdf"
    code = main(["print", "mar", "--mrn", "MRN778", "-o", str(out), *people.of("pharmacist")])
    assert code == 0, capsys.readouterr().err
    assert "Cal Clock" in flat(pdf_text(out.read_bytes()))
