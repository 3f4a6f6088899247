"""Print… and Save as PDF… in the window: the preview, saving, printing through a QPrinter, and the
print record in the database (issue 5, point 2). No real print or file dialog is ever shown: the
tests replace ``make_print_dialog`` and ``ask_save_path``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from pacer_desktop.core.caseio import parse_case

from tests.ui.enter import as_user
from tests.ui.uihelp import EXAMPLES, wait_saved

LETTER_PT = (612, 792)
A4_PT = (595, 842)


def _pdf(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in _pdf(data).pages).split())


def _sizes(data: bytes) -> set[tuple[int, int]]:
    return {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in _pdf(data).pages}


@pytest.fixture
def example_window(make_window, store, nurse):
    """Example 01 stored as a patient; the window at the example's 'now', AB (nurse) signed in."""
    def make(name: str = "01-", **kwargs):
        case = parse_case(next(EXAMPLES.glob(f"{name}*.case.json")).read_bytes())
        pid = store.import_case(nurse, case, mrn="PR-0001", name="Petra Print")
        w = make_window(case.now, **kwargs)
        w.open_patient(pid)
        return w, pid
    return make


def _preview(qtbot, w, kind: str, **kwargs):
    if kind == "order":  # printed as verified: the pharmacist's (issue 18); the printer refuses others
        as_user(w, "PH")
    w.printing.dialog = None
    assert w.printing.preview(kind, **kwargs)
    assert w.printing.dialog is None  # made on the worker: the window is free meanwhile
    qtbot.waitUntil(lambda: w.printing.dialog is not None, timeout=20000)
    return w.printing.dialog


class FakePrintDialog:
    """Stands in for QPrintDialog: 'chooses' PDF output to a file, or cancels."""

    def __init__(self, printer, out: Path | None) -> None:
        self.printer, self.out = printer, out

    def exec(self) -> int:
        if self.out is None:
            return QDialog.DialogCode.Rejected
        from PySide6.QtPrintSupport import QPrinter
        self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer.setOutputFileName(str(self.out))
        return QDialog.DialogCode.Accepted


@pytest.mark.parametrize("kind, example", [("order", "01-"), ("mar", "01-"), ("eligibility", "03-"),
                                           ("grading", "01-")])
def test_preview_shows_every_page_of_the_document(qtbot, example_window, kind, example):
    w, _pid = example_window(example)
    d = _preview(qtbot, w, kind)
    pages = len(_pdf(d.document.pdf).pages)
    assert pages >= 1 and len(d.document.pages) == pages and len(d.page_labels) == pages
    assert d.page_count.text() == f"{pages} page{'s' if pages != 1 else ''}"
    assert d.document.kind == kind
    assert d.document.job.printed_by == ("PH (pharmacist)" if kind == "order" else "AB (nurse)")
    page = d.document.pages[0]
    assert (page.width(), page.height()) == (816, 1056)  # Letter at the preview's 96 dpi
    assert page.pixelColor(2, 2).name() == "#ffffff"  # painted on white, not transparent
    assert d.windowTitle().startswith("Print preview: ")


def test_save_as_pdf_writes_the_document_with_the_dose_and_records_it(qtbot, example_window, store, tmp_path):
    from pacer_desktop.reports.content import content_sha256
    from pacer_desktop.reports.documents import render
    w, pid = example_window()
    d = _preview(qtbot, w, "order")
    asked = []
    w.printing.ask_save_path = lambda parent, suggested: asked.append(suggested) or str(tmp_path / "order")
    assert d.save_pdf()
    wait_saved(qtbot, w)
    out = tmp_path / "order.pdf"
    assert asked == ["order-PR-0001-20261106-0800.pdf"]
    data = out.read_bytes()
    assert data == d.document.pdf == render(d.document.job)  # the bytes reports (and the CLI) make
    text = _text(data)
    assert "Anakinra 59 mg IV every 12 hours" in text and "0.4 mL" in text
    assert "Petra Print" in text and "PR-0001" in text and "PH (pharmacist)" in text
    assert _sizes(data) == {LETTER_PT}
    [doc] = store.documents(pid)
    assert doc["kind"] == "order" and doc["protocol"] == "pacer-1"
    assert doc["content_sha256"] == d.document.content_sha256 == content_sha256(d.document.job)
    assert f"content SHA-256 {doc['content_sha256'][:16]}" in text  # the paper names the record's hash
    assert (doc["entered_by"], doc["role"], doc["workstation"]) == ("PH", "pharmacist", "ward-3")
    assert doc["detail"] == "letter; printed at 2026-11-06T08:00:00-06:00; from the window, saved as PDF order.pdf"
    assert store.audit(limit=1)[0]["action"] == "print order"
    assert "saved as" in d.message.text() and "saved as" in w.statusBar().currentMessage()


def test_paper_size_a4_is_chosen_in_the_preview(qtbot, example_window, tmp_path):
    w, _pid = example_window()
    d = _preview(qtbot, w, "grading")
    w.printing.dialog = None
    d.paper.setCurrentIndex(d.paper.findData("a4"))  # the preview is made again on A4
    qtbot.waitUntil(lambda: w.printing.dialog is not None, timeout=20000)
    a4 = w.printing.dialog
    assert a4.document.job.paper == "a4" and _sizes(a4.document.pdf) == {A4_PT}


def test_print_goes_through_a_qprinter_page_by_page_and_is_recorded(qtbot, example_window, store, tmp_path):
    from pacer_desktop.ui.printing import rasterise
    w, pid = example_window()
    d = _preview(qtbot, w, "mar")
    out = tmp_path / "printed.pdf"
    w.printing.make_print_dialog = lambda printer, parent: FakePrintDialog(printer, out)
    assert d.print_()
    wait_saved(qtbot, w)
    printed = out.read_bytes()
    assert len(_pdf(printed).pages) == len(d.document.pages)
    assert _sizes(printed) == {LETTER_PT}
    # each page was painted (dark pixels where the text is), not left blank
    for page in rasterise(printed, dpi=60):
        inked = sum(page.pixelColor(x, y).lightness() < 200 for x in range(0, page.width(), 2)
                    for y in range(0, page.height(), 2))
        assert inked > 500
    [doc] = store.documents(pid)
    assert doc["kind"] == "mar" and doc["content_sha256"] == d.document.content_sha256
    assert doc["detail"].endswith("from the window, printed to file printed.pdf")
    assert "printed to file printed.pdf" in d.message.text()


def test_a_cancelled_print_dialog_prints_and_records_nothing(qtbot, example_window, store):
    w, pid = example_window()
    d = _preview(qtbot, w, "order")
    w.printing.make_print_dialog = lambda printer, parent: FakePrintDialog(printer, None)
    assert not d.print_()
    assert not w.ops.busy and store.documents(pid) == []


def test_print_pdf_paints_each_page_at_the_printer_resolution(qtbot, example_window, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from pacer_desktop.ui import printing
    w, _pid = example_window()
    d = _preview(qtbot, w, "grading")
    sizes = []
    real = printing._OpenPdf.page_image
    printing._OpenPdf.page_image = lambda self, page, size: sizes.append((size.width(), size.height())) or \
        real(self, page, size)
    try:
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "direct.pdf"))
        printer.setResolution(300)
        assert printing.print_pdf(d.document.pdf, printer) == len(d.document.pages)
    finally:
        printing._OpenPdf.page_image = real
    assert sizes == [(2550, 3300)] * len(d.document.pages)  # Letter at 300 dpi
    assert len(_pdf((tmp_path / "direct.pdf").read_bytes()).pages) == len(d.document.pages)


@pytest.mark.parametrize("screen, kind, example", [(0, "grading", "01-"), (1, "order", "01-"),
                                                   (2, "eligibility", "03-")])
def test_ctrl_p_previews_the_document_of_the_screen(qtbot, example_window, screen, kind, example):
    from PySide6.QtWidgets import QApplication
    w, _pid = example_window(example)
    if kind == "order":  # printed as verified: the pharmacist's (issue 18)
        as_user(w, "PH")
    w.show_screen(screen)
    w.raise_()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.printing.dialog = None
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.printing.dialog is not None, timeout=20000)
    assert w.printing.dialog.document.kind == kind


def test_the_print_menu_offers_all_four_documents(example_window):
    w, _pid = example_window()
    menu = w.findChild(type(w.menuBar().actions()[0].menu()), "print_menu")
    names = [a.objectName() for a in menu.actions() if a.objectName()]
    assert names == ["print_natural", "print_order", "print_mar", "print_eligibility", "print_grading"]
    assert [a.text() for a in menu.actions()][2:] == ["Anakinra order sheet…", "Bedside administration record…",
                                                      "Eligibility checklist…", "Daily grading summary…"]


def test_nobody_signed_in_prints_nothing(qtbot, example_window, store):
    w, pid = example_window(user=None, ask_who=False)
    assert not w.printing.preview("order")
    assert w.printing.dialog is None and "Nobody is signed in" in w.statusBar().currentMessage()
    assert store.documents(pid) == []


def test_a_document_with_nothing_to_print_says_so(qtbot, example_window, store):
    w, pid = example_window()  # example 01 holds no eligibility assessment
    assert w.printing.preview("eligibility") is True
    qtbot.waitUntil(lambda: "nothing to print" in w.statusBar().currentMessage(), timeout=20000)
    assert w.printing.dialog is None and store.documents(pid) == []
