"""Print… and Save as PDF… in the window: the four documents of :mod:`pacer_desktop.reports`,
each shown in a preview first.

The PDF is made by ``reports.documents`` (the same code, so the same bytes, as ``pacer-desktop
print``); QtPdf rasterises it for the preview and, page by page, for the printer. Rendering,
printing and saving run on the window's one worker (:class:`~pacer_desktop.ui.ops.StoreOps`), and
every document printed or saved is recorded in the database exactly as the command line records
it (``documents.record_print``). reportlab, QtPdf and QtPrintSupport are imported inside the
functions that use them, so none of them is loaded before the first print.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from ..core import permissions
from ..reports import document_title
from .patient_state import PatientState
from .signing import tooltip_refusal

PAPERS = (("letter", "Letter"), ("a4", "A4"))

#: Resolution of the preview pages (a page fits a 1366×768 screen's width at this size).
PREVIEW_DPI = 96
#: A page is rendered whole at the printer's resolution up to this; above it (PDF output at
#: 1200 dpi) the page image would take over 500 MB, so it is drawn scaled up by the painter.
MAX_PRINT_DPI = 600


class PrintFailed(RuntimeError):
    """The printer could not be started or the PDF could not be read."""


class NotRecorded(RuntimeError):
    """The paper or file was made, but the database did not take the print record."""


@dataclass(frozen=True)
class RenderedDocument:
    """One document made for a patient: its PDF, content hash and the preview's page images."""

    job: Any            # reports.content.PrintJob
    pdf: bytes
    content_sha256: str
    pages: tuple[QImage, ...]
    patient_id: int
    user: Any           # storage.User who asked for it (printed on the page, recorded with it)

    @property
    def kind(self) -> str:
        return self.job.kind

    @property
    def title(self) -> str:
        return document_title(self.job.kind)

    def file_name(self) -> str:
        """A suggested file name: ``order-MRN-20261104-1100.pdf``."""
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.job.patient.mrn)
        stamp = self.job.printed_at.astimezone(self.job.zone).strftime("%Y%m%d-%H%M")
        return f"{self.job.kind}-{safe}-{stamp}.pdf"


# ---- PDF to pixels (any thread: QImage and QPainter on images and printers are thread-safe) ----

class _OpenPdf:
    """A QPdfDocument read from bytes; keeps the buffer alive as long as the document."""

    def __init__(self, pdf: bytes) -> None:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
        from PySide6.QtPdf import QPdfDocument
        self.buffer = QBuffer()
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self.buffer)
        if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() < 1:
            raise PrintFailed(f"the PDF could not be read ({self.document.error().name})")

    def close(self) -> None:
        self.document.close()
        self.buffer.close()

    def page_image(self, page: int, size: QSize) -> QImage:
        """The page at ``size`` pixels on white (QtPdf renders onto a transparent image)."""
        rendered = self.document.render(page, size)
        image = QImage(size, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.drawImage(0, 0, rendered)
        painter.end()
        return image

    def pixel_size(self, page: int, dpi: float) -> QSize:
        points = self.document.pagePointSize(page)
        return QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))


def rasterise(pdf: bytes, dpi: float = PREVIEW_DPI) -> list[QImage]:
    """Every page of ``pdf`` as an image on white at ``dpi``."""
    pdf_file = _OpenPdf(pdf)
    try:
        doc = pdf_file.document
        return [pdf_file.page_image(i, pdf_file.pixel_size(i, dpi)) for i in range(doc.pageCount())]
    finally:
        pdf_file.close()


def print_pdf(pdf: bytes, printer) -> int:
    """Paint every page of ``pdf`` onto ``printer`` (a QPrinter) through QPainter, each rendered at
    the printer's resolution (at most :data:`MAX_PRINT_DPI`) and fitted to its printable area.
    Returns the number of pages printed."""
    pdf_file = _OpenPdf(pdf)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise PrintFailed("the printer could not be started (is it connected and switched on?)")
        try:
            dpi = min(printer.resolution(), MAX_PRINT_DPI)
            for i in range(pdf_file.document.pageCount()):
                if i and not printer.newPage():
                    raise PrintFailed(f"the printer refused page {i + 1}")
                image = pdf_file.page_image(i, pdf_file.pixel_size(i, dpi))
                area = printer.pageLayout().paintRectPixels(printer.resolution())
                target = QSize(image.size()).scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(QPoint(0, 0), target), image)
        finally:
            painter.end()
        return pdf_file.document.pageCount()
    finally:
        pdf_file.close()


def _render(job, store) -> tuple[bytes, str, tuple[QImage, ...], Any]:
    """Worker side of a preview: the PDF, its content hash, the page images and the job, which
    carries the database's audit chain anchor (issue 17)."""
    from ..reports.content import content_sha256
    from ..reports.documents import render
    if store is not None:
        job = dataclasses.replace(job, chain_anchor=store.chain_anchor())
    pdf = render(job)
    return pdf, content_sha256(job), tuple(rasterise(pdf)), job


# ---- the preview dialog ------------------------------------------------------------------

class PrintPreviewDialog(QDialog):
    """The pages as they will print, their count, paper size, and Print… / Save as PDF…."""

    def __init__(self, document: RenderedDocument, printer: DocumentPrinter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.printer = document, printer
        job = document.job
        self.setWindowTitle(f"Print preview: {document.title}")
        count = len(document.pages)
        self.page_count = QLabel(f"{count} page{'s' if count != 1 else ''}", objectName="page_count")
        heading = QLabel(f"<b>{document.title}</b> for {job.patient.name} (MRN {job.patient.mrn}),"
                         f" printed by {job.printed_by}. Content SHA-256 {document.content_sha256[:16]}…")
        heading.setWordWrap(True)
        self.paper = QComboBox(objectName="paper")
        for value, text in PAPERS:
            self.paper.addItem(text, value)
        self.paper.setCurrentIndex([v for v, _ in PAPERS].index(job.paper))
        self.paper.currentIndexChanged.connect(self._on_paper_changed)
        pages = QWidget()
        pages_layout = QVBoxLayout(pages)
        self.page_labels: list[QLabel] = []
        for i, image in enumerate(document.pages):
            label = QLabel(objectName=f"page_{i + 1}")
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setStyleSheet("border: 1px solid #888; margin: 4px;")
            self.page_labels.append(label)
            pages_layout.addWidget(label)
            pages_layout.addWidget(QLabel(f"page {i + 1} of {count}"), 0, Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea()
        scroll.setWidget(pages)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.print_button = QPushButton("&Print…", objectName="print")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_)
        self.save_button = QPushButton("&Save as PDF…", objectName="save_pdf")
        self.save_button.clicked.connect(self.save_pdf)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        self.message = QLabel(objectName="print_message")
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(QLabel("Paper"))
        top.addWidget(self.paper)
        buttons = QHBoxLayout()
        buttons.addWidget(self.page_count)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(close)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        width = (document.pages[0].width() if document.pages else 800) + 80
        self.resize(width, 700)

    def _on_paper_changed(self) -> None:
        paper = self.paper.currentData()
        if paper != self.document.job.paper:
            self.printer.preview(self.document.kind, paper=paper)
            self.accept()

    def set_busy(self, text: str) -> None:
        self.message.setText(text)
        for button in (self.print_button, self.save_button, self.paper):
            button.setEnabled(not text)

    def print_(self) -> bool:
        return self.printer.print_document(self.document, self)

    def save_pdf(self) -> bool:
        return self.printer.save_pdf(self.document, self)


# ---- the controller ----------------------------------------------------------------------

def _print_dialog(printer, parent: QWidget):
    from PySide6.QtPrintSupport import QPrintDialog
    return QPrintDialog(printer, parent)


def _ask_save_path(parent: QWidget, suggested: str) -> str:
    path, _filter = QFileDialog.getSaveFileName(parent, "Save as PDF", suggested, "PDF files (*.pdf)")
    return path


class DocumentPrinter(QObject):
    """Makes, previews, prints and saves the patient's documents for the signed-in user.

    ``make_print_dialog(printer, parent)`` and ``ask_save_path(parent, suggested)`` are the two
    places a person is asked something; tests replace them instead of clicking a real dialog.
    """

    done = Signal(str)     # a document was printed or saved (and recorded); the text says which
    problem = Signal(str)  # nothing was printed or saved, or it was but not recorded

    def __init__(self, state: PatientState, parent: QWidget) -> None:
        super().__init__(parent)
        self.state = state
        self.window = parent
        self.dialog: PrintPreviewDialog | None = None
        self.make_print_dialog: Callable[[Any, QWidget], Any] = _print_dialog
        self.ask_save_path: Callable[[QWidget, str], str] = _ask_save_path
        self.last_saved: Path | None = None
        self._box: QMessageBox | None = None

    # ---- preview -------------------------------------------------------------------------
    def preview(self, kind: str, *, paper: str = "letter") -> bool:
        """Make the document on the worker, then show it; False (and why) when it cannot be made."""
        s = self.state
        if s.user is None:
            return self._refuse("Nobody is signed in: enter your initials and role first (Ctrl+L).")
        if not permissions.allowed(s.user.role, permissions.PRINT_ACTIONS[kind]):  # Ctrl+P, for any role
            return self._refuse(tooltip_refusal(s.user.role, permissions.PRINT_ACTIONS[kind]))
        if s.patient_id is None or s.record is None or s.case is None:
            return self._refuse("Select a patient first.")
        from ..reports.content import PatientHeader
        from ..reports.documents import make_job
        record, user, pid, now = s.record, s.user, s.patient_id, s.now()
        patient = PatientHeader(name=record.name, mrn=record.mrn, date_of_birth=record.date_of_birth,
                                sex_at_birth=record.sex_at_birth)
        try:
            from ..storage.dose_verification import for_print  # issue 18: the signatures it shows
            job = make_job(kind, dataclasses.replace(s.case, now=now), patient, printed_by=str(user),
                           paper=paper, printed_at=now, now=now,
                           **(for_print(s.store, pid, s.result, kind) if s.result is not None else {}))
        except Exception as exc:  # noqa: BLE001 - stored data the engine refuses: say so
            return self._refuse(f"{document_title(kind)} cannot be made: {exc}")

        def shown(made: tuple[bytes, str, tuple[QImage, ...], Any]) -> None:
            pdf, digest, pages, anchored = made
            self.show_preview(RenderedDocument(job=anchored, pdf=pdf, content_sha256=digest, pages=pages,
                                               patient_id=pid, user=user))

        self.state.ops.run(lambda store: _render(job, store), on_success=shown,
                           on_failure=lambda exc: self._report(document_title(kind), exc))
        return True

    def show_preview(self, document: RenderedDocument) -> None:
        if self.dialog is not None:
            self.dialog.done(0)
        self.dialog = PrintPreviewDialog(document, self, self.window)
        self.dialog.open()

    # ---- print and save ------------------------------------------------------------------
    def print_document(self, document: RenderedDocument, dialog: PrintPreviewDialog | None = None) -> bool:
        """Ask for the printer (Qt's print dialog), then print and record on the worker."""
        from PySide6.QtPrintSupport import QPrinter
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        _set_paper(printer, document.job.paper)
        printer.setDocName(document.file_name())
        ask = self.make_print_dialog(printer, dialog or self.window)
        if ask.exec() != QDialog.DialogCode.Accepted:
            return False
        where = (f"printed to file {Path(printer.outputFileName()).name}" if printer.outputFileName()
                 else f"printed on {printer.printerName() or 'the default printer'}")

        def work(store):
            pages = print_pdf(document.pdf, printer)
            self._record(store, document, f"from the window, {where}")
            return pages

        def printed(pages: int) -> None:
            self._finished(dialog, f"{document.title} {where} ({pages} page{'s' if pages != 1 else ''}),"
                                   f" recorded with content SHA-256 {document.content_sha256[:12]}")

        return self._run(dialog, "printing…", work, printed, document.title)

    def save_pdf(self, document: RenderedDocument, dialog: PrintPreviewDialog | None = None) -> bool:
        """Ask where, then write the PDF whole and record it on the worker."""
        chosen = self.ask_save_path(dialog or self.window, document.file_name())
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")

        def work(store):
            from ..reports.documents import write_pdf
            write_pdf(path, document.pdf)
            self._record(store, document, f"from the window, saved as PDF {path.name}")
            return path

        def saved(written: Path) -> None:
            self.last_saved = written
            self._finished(dialog, f"{document.title} saved as {written}, recorded with content SHA-256"
                                   f" {document.content_sha256[:12]}")

        return self._run(dialog, "saving…", work, saved, document.title)

    # ---- plumbing --------------------------------------------------------------------------
    @staticmethod
    def _record(store, document: RenderedDocument, source: str) -> None:
        from ..reports.documents import record_print
        try:
            record_print(store, document.user, document.patient_id, document.job, document.content_sha256,
                         source=source)
        except Exception as exc:  # noqa: BLE001 - the paper exists; the record's failure must be said
            raise NotRecorded(f"{document.title} was made but the print was NOT recorded: {exc}") from exc

    def _run(self, dialog, busy: str, work, on_done, title: str) -> bool:
        if dialog is not None:
            dialog.set_busy(busy)

        def failed(exc: BaseException) -> None:
            if dialog is not None:
                dialog.set_busy("")
            self._report(title, exc)

        self.state.ops.run(work, on_success=on_done, on_failure=failed)
        return True

    def _finished(self, dialog, text: str) -> None:
        if dialog is not None:
            dialog.set_busy("")
            dialog.message.setText(f"✓ {text}")
        self.done.emit(text)

    def _refuse(self, text: str) -> bool:
        self.problem.emit(text)
        self._show_box("Nothing printed", text)
        return False

    def _report(self, title: str, exc: BaseException) -> None:
        from ..reports.content import NothingToPrint
        if isinstance(exc, NothingToPrint):
            text = f"{title}: nothing to print. {exc}"
        elif isinstance(exc, NotRecorded):
            text = str(exc)
        else:
            text = f"{title} was not printed or saved: {exc}"
        self.problem.emit(text)
        self._show_box("Print", text)

    def _show_box(self, title: str, text: str) -> None:
        self._box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.window)
        self._box.open()


def _set_paper(printer, paper: str) -> None:
    from PySide6.QtGui import QPageSize
    size = QPageSize.PageSizeId.A4 if paper == "a4" else QPageSize.PageSizeId.Letter
    printer.setPageSize(QPageSize(size))
