"""The page every document shares: embedded fonts, styles, running header and footer, page x of y.

This is the only module besides the documents that imports reportlab; the documents and this
module are imported only when something is printed.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from ..resource_files import resource
from ..core.wording import full_date
from .content import PatientHeader, PrintJob, or_not_given, zone_line

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE_SIZES = {"letter": LETTER, "a4": A4}
MARGIN = 14 * mm
HEADER_H = 16 * mm
FOOTER_H = 13 * mm
INK = colors.black
GREY = colors.Color(0.4, 0.4, 0.4)
RULE = colors.Color(0.55, 0.55, 0.55)
SHADE = colors.Color(0.92, 0.92, 0.92)
WARN = colors.Color(0.75, 0.1, 0.1)


def register_fonts() -> None:
    """Embed DejaVu Sans (shipped in resources/fonts) once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        with resource(f"fonts/{file}").open("rb") as handle:
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(handle.read())))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _style(name: str, size: float, *, bold: bool = False, leading: float | None = None,
           color=INK, space_before: float = 0, space_after: float = 0, with_next: bool = False) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=BOLD if bold else FONT, fontSize=size,
                          leading=leading or size * 1.25, textColor=color, alignment=TA_LEFT,
                          spaceBefore=space_before, spaceAfter=space_after, keepWithNext=with_next)


BODY = _style("body", 9)
SMALL = _style("small", 7.5)
LABEL = _style("label", 7, color=GREY)
CELL = _style("cell", 8.5)
CELL_BOLD = _style("cell-bold", 8.5, bold=True)
HEADING = _style("heading", 10.5, bold=True, space_before=7, space_after=2, with_next=True)  # never alone at a page's foot
TITLE = _style("title", 15, bold=True, leading=18)
ORDER = _style("order", 12, leading=15.5)
WARNING = _style("warning", 9, bold=True, color=WARN)


#: A number followed by a unit (or a day by its month): the space between them is a no-break space
#: on paper, so that "21" at the end of a line is never read without the "kg" that starts the next.
_NUMBER_UNIT = re.compile(r"(\d) (?=(?:mg/kg|mg|kg|mL|hours?|minutes?|days?|years?|min|h)\b|°[CF]|%"
                          r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b)")


def markup(text: str) -> str:
    """Plain text as paragraph markup: escaped (our text is never markup; paragraph markup is XML,
    and no escaped text goes into an attribute, so ``&``, ``<`` and ``>`` are all there is to
    escape), each number kept on the line of its unit."""
    return _NUMBER_UNIT.sub("\\1\u00a0", escape(text))


def p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (:func:`markup`)."""
    return Paragraph(markup(text), style)


def grid(rows: list[list], widths: list[float], *, header_rows: int = 1, row_heights=None,
         extra: list | None = None, repeat: bool = True) -> Table:
    """A ruled table; the first ``header_rows`` rows shaded and repeated on every page."""
    table = Table(rows, colWidths=widths, rowHeights=row_heights, repeatRows=header_rows if repeat else 0,
                  hAlign="LEFT")
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header_rows:
        commands += [("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE),
                     ("FONT", (0, 0), (-1, header_rows - 1), BOLD, 8)]
    table.setStyle(TableStyle(commands + (extra or [])))
    return table


def write_in(label: str) -> list:
    """A box with a small label at the top, to be filled in by hand."""
    return [p(label, LABEL)]


#: The height of a box left to be written in by hand (allergies not recorded).
WRITE_IN_PT = 30


#: The smallest size a piece of a name or MRN is set at to stay whole in its box (points); below it,
#: a piece longer than its box (no real name or MRN has one) may still be cut.
SMALLEST_WHOLE_WORD_PT = 5


def whole_words(value: str, style: ParagraphStyle, width: float) -> Paragraph:
    """``value`` (a name, an MRN) in lines of ``width`` that break only between words or after a
    hyphen inside one: never inside a name ("Wolfeschlegelstein / hausen…" is misread), nor between
    a number and its unit or month (:func:`markup`). A piece still longer than the box sets the
    whole value smaller until it fits."""
    words = [w for w in _NUMBER_UNIT.sub("\\1\u00a0", value).split(" ") if w]  # no-break spaces stay inside
    pieces = [piece for word in words for piece in _after_hyphens(word)]
    longest = max((pdfmetrics.stringWidth(piece, style.fontName, style.fontSize) for piece in pieces), default=0)
    if longest > width:
        size = max(SMALLEST_WHOLE_WORD_PT, math.floor(10 * style.fontSize * width / longest) / 10)  # tenths, never over
        style = ParagraphStyle(f"{style.name}-whole", parent=style, fontSize=size,
                               leading=style.leading * size / style.fontSize,
                               splitLongWords=int(longest * size / style.fontSize > width))

    def fits(text: str) -> bool:
        return pdfmetrics.stringWidth(text, style.fontName, style.fontSize) <= width

    lines = [""]
    for word in words:
        parts = [word] if fits(word) else _after_hyphens(word)  # whole if it fits a line
        for i, part in enumerate(parts):
            joined = f"{lines[-1]}{' ' if i == 0 else ''}{part}" if lines[-1] else part
            if lines[-1] and not fits(joined):
                lines.append(part)
            else:
                lines[-1] = joined
    return Paragraph("<br/>".join(escape(line) for line in lines), style)


def _after_hyphens(word: str) -> list[str]:
    """``Wolfe-Oyelaran`` → ``["Wolfe-", "Oyelaran"]``: where a line may end inside a word."""
    return re.split(r"(?<=-)(?=.)", word)


def patient_grid(patient: PatientHeader, job: PrintJob, width: float, age: str) -> Table:
    """Name, MRN, date of birth, age, sex at birth and allergies: a box to write them in when
    they are not recorded, else as long as the list. Each word stays whole in its box."""
    w = width / 5
    widths = [w * 1.5, w, w, w * 0.75, w * 0.75]

    def field(label: str, value: str, box: float) -> list:
        return [p(label, LABEL), whole_words(value, CELL_BOLD, box - 6)]  # grid's paddings 3 + 3

    recorded = bool(patient.allergies.strip())
    allergies = (field("Allergies", patient.allergies, width) if recorded
                 else write_in("Allergies (not recorded: write in, or NKDA, and initial)"))
    values = [("Patient name", or_not_given(patient.name)), ("MRN", or_not_given(patient.mrn)),
              ("Date of birth", full_date(patient.date_of_birth)), ("Age", age),
              ("Sex at birth", or_not_given(patient.sex_at_birth))]
    rows = [[field(label, value, box) for (label, value), box in zip(values, widths)],
            [allergies, "", "", "", ""]]
    return grid(rows, widths, header_rows=0,
                row_heights=[None, None if recorded else WRITE_IN_PT], repeat=False,
                extra=[("SPAN", (0, 1), (-1, 1)), ("VALIGN", (0, 0), (-1, -1), "TOP")])


class QrCode(Flowable):
    """A QR code of ``payload`` (error correction M, 4-module quiet zone), ``size`` points square.

    Drawn straight from the encoder's module matrix, one rectangle per run of dark modules: the
    graphics widget encodes twice (bounds, then drawing) and costs more than the rest of the page.
    """

    QUIET_ZONE = 4

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self.payload, self.size = payload, size
        self.width = self.height = size

    def draw(self) -> None:
        qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        qr.addData(self.payload)
        qr.make()
        count = qr.getModuleCount()
        module = self.size / (count + 2 * self.QUIET_ZONE)
        self.canv.setFillColor(INK)
        for row in range(count):
            y = self.size - (self.QUIET_ZONE + row + 1) * module
            col = 0
            while col < count:
                if not qr.isDark(row, col):
                    col += 1
                    continue
                start = col
                while col < count and qr.isDark(row, col):
                    col += 1
                self.canv.rect((self.QUIET_ZONE + start) * module, y, (col - start) * module, module,
                               stroke=0, fill=1)


def build(job: PrintJob, title: str, story: list, content_hash: str) -> bytes:
    """Lay out ``story`` on ``job.paper`` with the running header and footer; the PDF's bytes."""
    register_fonts()
    page_w, page_h = PAGE_SIZES[job.paper]
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=(page_w, page_h), leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_H, bottomMargin=MARGIN + FOOTER_H,
        title=f"{title}: {or_not_given(job.patient.name)}", author=job.printed_by,
        subject=f"{job.protocol.title} ({job.protocol.id})", creator=job.result.application,
        invariant=True,  # the same job gives the same bytes (no random id, no clock in the file)
        # reportlab starts every page in Helvetica, which it never embeds: start in our embedded
        # font, so that every font the file names is in the file (issue 14 §4).
        initialFontName=FONT,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        _header(canvas, job, title, page_w, page_h)
        _footer(canvas, job, content_hash, page, total, page_w)

    doc.build(story, canvasmaker=_numbered(decorate))
    return out.getvalue()


def _numbered(decorate: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that holds its pages back until the end, so each can say "page x of y"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                decorate(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


#: The patient's name beside the title: this size, smaller down to the least if it is long.
HEADER_NAME_PT, HEADER_NAME_LEAST_PT, TITLE_PT, TITLE_GAP = 9, 7, 12, 12


def header_name(name: str, title: str, page_w: float) -> tuple[str, float]:
    """The name as the page header draws it beside ``title``, and its size: smaller for a long
    name, and cut with "…" only when even the least size does not fit (the MRN and date of birth
    under it, and page 1's identity box, still name the patient)."""
    room = page_w - 2 * MARGIN - pdfmetrics.stringWidth(title, BOLD, TITLE_PT) - TITLE_GAP
    for size in range(HEADER_NAME_PT, HEADER_NAME_LEAST_PT - 1, -1):
        if pdfmetrics.stringWidth(name, BOLD, size) <= room:
            return name, size
    size = HEADER_NAME_LEAST_PT
    while name and pdfmetrics.stringWidth(name + "…", BOLD, size) > room:
        name = name[:-1]
    return name.rstrip() + "…", size


def _header(canvas: Canvas, job: PrintJob, title: str, page_w: float, page_h: float) -> None:
    top = page_h - MARGIN
    patient = job.patient
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, TITLE_PT)
    canvas.drawString(MARGIN, top - 10, title)
    canvas.setFont(FONT, 8)
    canvas.drawString(MARGIN, top - 21, zone_line(job))
    name, size = header_name(or_not_given(patient.name), title, page_w)
    canvas.setFont(BOLD, size)
    canvas.drawRightString(page_w - MARGIN, top - 10, name)
    canvas.setFont(FONT, 8)
    canvas.drawRightString(page_w - MARGIN, top - 21,
                           f"MRN {or_not_given(patient.mrn)} · born {full_date(patient.date_of_birth)}")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.7)
    canvas.line(MARGIN, top - 26, page_w - MARGIN, top - 26)


def _footer(canvas: Canvas, job: PrintJob, content_hash: str, page: int, total: int, page_w: float) -> None:
    y = MARGIN
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.7)
    canvas.line(MARGIN, y + 26, page_w - MARGIN, y + 26)
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 7)
    canvas.drawString(MARGIN, y + 17, f"Protocol {job.protocol.id} · SHA-256 {job.protocol.sha256}")
    canvas.drawString(MARGIN, y + 8, f"{job.result.application} · printed {job.time(job.printed_at)}"
                                     f" by {job.printed_by} · content SHA-256 {content_hash[:16]}")
    canvas.drawString(MARGIN, y - 1, f"Calculated at {job.time(job.result.now)}."
                                     " Paper copy: check against the application when it is available.")
    if job.chain_anchor:  # for `verify-db --anchor` (issue 17)
        canvas.setFont(FONT, 6)
        canvas.drawRightString(page_w - MARGIN, y + 17, f"audit chain {job.chain_anchor}")
    canvas.setFont(BOLD, 9)
    canvas.drawRightString(page_w - MARGIN, y + 8, f"page {page} of {total}")

