"""Drawing a printable document as a PDF with Qt's own writer, in memory, and saving it safely.

Why Qt's writer (``QPdfWriter``) and not a PDF library: it is already in the app, embeds the
fonts the text is laid out with, and its text can be searched and read aloud by a screen reader.
The body is laid out by ``QTextDocument`` from escaped HTML (``app.exports.html``); the service
header, the protective marking and "Page n of m" are painted on every page around it, because
a page torn from the rest must still say whose record it is and how it must be handled.

Why in memory, then one atomic write: the PDF is case content in plain text. Writing it
straight to the chosen path would leave a half-written copy there if the laptop died mid-way,
and writing it anywhere else first (the system temp folder) would leave a copy where nobody
looks. So the whole file is built in a ``QBuffer``, then written to a temp file in the chosen
folder itself (owner-only, 0600), flushed to disk and renamed over the final name; any failure
removes the temp file (``app.store.atomic``).

Thread safety: everything here may run on a worker thread. Qt documents ``QPainter`` on a
``QImage`` or a PDF/print device and ``QTextDocument`` as usable outside the GUI thread, as
long as each object is made and used on one thread and no ``QWidget`` or ``QPixmap`` is
involved; nothing here has a parent or touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextOption,
    QTextTable,
)

from app.exports.document import Document
from app.exports.html import body_html, table_pieces
from app.store.atomic import write_bytes_atomically

#: A4 with margins a council printer and a hole punch both leave alone.
PAGE_MARGINS_MM = QMarginsF(20, 12, 18, 12)
#: Dots per inch the PDF is laid out at: fine enough for exact text placement.
RESOLUTION = 300
#: Fonts in order of preference: Arial is the council standard on Windows; Liberation Sans
#: and DejaVu Sans stand in for it on Linux.
FONT_FAMILIES = ["Arial", "Liberation Sans", "DejaVu Sans"]
BODY_POINTS = 10.5
_INK = QColor("#0b0c0c")
_GREY = QColor("#505a5f")
_RULE = QColor("#b1b4b6")


class RenderFailed(RuntimeError):
    """Qt could not start drawing the PDF."""


@dataclass(frozen=True)
class Rendered:
    data: bytes
    pages: int


def render_pdf(document: Document) -> Rendered:
    """The document as the bytes of an A4 PDF, made entirely in memory."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            PAGE_MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setCreator("Casebook")
    # The PDF's own title shows in viewers' title bars and recent-file lists: the kind of
    # record and its marking, never whose it is.
    writer.setTitle(f"{document.title} ({document.header.marking})")
    painter = QPainter()
    if not painter.begin(writer):
        raise RenderFailed("the PDF writer could not start")

    def page(index: int) -> QPainter:
        if index:
            writer.newPage()
        return painter

    try:
        pages = _paint(document, writer, QSizeF(writer.width(), writer.height()), page)
    finally:
        painter.end()
    buffer.close()
    return Rendered(bytes(data.data()), pages)


def render_images(document: Document, *, dpi: int = 96) -> list[QImage]:
    """The same pages drawn as white A4 images, margins included (to look at a layout)."""
    points = QPageSize(QPageSize.PageSizeId.A4).sizePoints()
    width, height = round(points.width() * dpi / 72), round(points.height() * dpi / 72)
    mm = dpi / 25.4
    m = PAGE_MARGINS_MM
    inner = QSizeF(width - (m.left() + m.right()) * mm, height - (m.top() + m.bottom()) * mm)
    images: list[QImage] = []
    painters: list[QPainter] = []

    def blank() -> QImage:
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.setDotsPerMeterX(round(dpi / 0.0254))
        image.setDotsPerMeterY(round(dpi / 0.0254))
        image.fill(Qt.GlobalColor.white)
        return image

    def page(_index: int) -> QPainter:
        if painters:
            painters[-1].end()
        images.append(blank())
        painters.append(QPainter(images[-1]))
        painters[-1].translate(m.left() * mm, m.top() * mm)
        return painters[-1]

    _paint(document, blank(), inner, page)
    if painters:
        painters[-1].end()
    return images


def write_file(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` in one step, readable by its owner only (see the module
    docstring): the chosen folder never holds a partial copy, nor a stray temp file."""
    write_bytes_atomically(path, data, mode=0o600)


# ---- Private API


def _font(points: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(points)
    font.setBold(bold)
    # No ligatures: "signed off" must stay searchable and be read aloud as typed, not as one
    # ligature glyph a PDF reader may not map back to its letters.
    font.setFeature(QFont.Tag("liga"), 0)
    return font


def laid_out_body(document: Document, device: QPaintDevice, page: QSizeF) -> QTextDocument:
    """The record's body laid out in pages of ``page``'s size, with no table row cut in two
    by a page break. Lines break between words only: Qt's default would break a word that
    does not fit a narrow column anywhere ("Review- ing"), which reads as two words on paper.

    Qt's text layout has no "keep this row together": where a page ends inside a row it
    carries on with the row's remaining lines on the next page, so one chronology entry
    reads as two. So the body is laid out, the first row that straddles a page end is found,
    its table is cut there and carried on (header repeated) on a new page, and the body is
    laid out again, until no row straddles. A row taller than a page cannot fit anywhere
    whole; it starts a page and is let run on to the next."""
    px_per_point = device.logicalDpiY() / 72
    breaks: set[tuple[int, int]] = set()
    while True:
        body = QTextDocument()
        body.documentLayout().setPaintDevice(device)
        body.setDefaultFont(_font(BODY_POINTS))
        body.setDocumentMargin(0)
        option = body.defaultTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        body.setDefaultTextOption(option)
        body.setHtml(body_html(document, px_per_point=px_per_point, breaks=breaks))
        body.setPageSize(page)
        straddling = _first_straddling_row(document, body, page.height(), breaks)
        # Each pass adds a break after every earlier one (rows before it do not move), so
        # this ends after at most one pass per row.
        if straddling is None:
            return body
        breaks.add(straddling)


def _first_straddling_row(
    document: Document, body: QTextDocument, page_height: float, breaks: set[tuple[int, int]]
) -> tuple[int, int] | None:
    """The first (table, row), as ``body_html`` counts them, whose text begins on one page
    and ends on another; rows already made to start a page are left to run on."""
    sizes = ([len(document.meta)] if document.meta else []) + [
        len(s.table.rows) for s in document.sections if s.table is not None
    ]
    # Each table of the document is printed as one or more Qt tables (its pieces), in order.
    pieces = [
        (ordinal, start)
        for ordinal, rows in enumerate(sizes)
        for start, _end, _new_page in table_pieces(ordinal, rows, breaks)
    ]
    tables = [f for f in body.rootFrame().childFrames() if isinstance(f, QTextTable)]
    if len(tables) != len(pieces):
        return None  # not the tables body_html made: nothing safe to move
    layout = body.documentLayout()
    for table, (ordinal, start) in zip(tables, pieces, strict=True):
        header = table.format().headerRowCount()
        for row in range(header, table.rows()):
            key = (ordinal, start + row - header)
            if key in breaks:
                continue
            top, bottom = _row_extent(table, row, layout)
            if bottom > top and int(top // page_height) != int((bottom - 0.01) // page_height):
                return key
    return None


def _row_extent(
    table: QTextTable, row: int, layout: QAbstractTextDocumentLayout
) -> tuple[float, float]:
    """The top of the row's first line of text and the bottom of its last, on the body's
    continuous strip of pages."""
    top, bottom = float("inf"), float("-inf")
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        block, last = cell.firstCursorPosition().block(), cell.lastCursorPosition().block()
        while block.isValid():
            origin = layout.blockBoundingRect(block).top()
            lines = block.layout()
            for n in range(lines.lineCount()):
                rect = lines.lineAt(n).rect()
                top = min(top, origin + rect.top())
                bottom = max(bottom, origin + rect.bottom())
            if block == last:
                break
            block = block.next()
    return top, bottom


def _paint(
    document: Document, device: QPaintDevice, size: QSizeF, page: Callable[[int], QPainter]
) -> int:
    """Lay the body out in the space between header and footer, then paint each page: header,
    that page's slice of the body, footer. Returns the number of pages."""
    service_font, marking_font = _font(10, bold=True), _font(10, bold=True)
    small_font = _font(8.5)
    line = QFontMetricsF(service_font, device).lineSpacing()
    small = QFontMetricsF(small_font, device).lineSpacing()
    gap = small * 0.8
    header_height = line + small + gap * 1.5
    footer_height = small * 2 + gap * 1.5
    body_size = QSizeF(size.width(), size.height() - header_height - footer_height)

    body = laid_out_body(document, device, body_size)
    count = max(1, body.pageCount())

    context = QAbstractTextDocumentLayout.PaintContext()
    palette = QPalette()
    # Ink on paper whatever the desktop's colour scheme (a dark theme must not print white).
    palette.setColor(QPalette.ColorRole.Text, _INK)
    palette.setColor(QPalette.ColorRole.WindowText, _INK)
    context.palette = palette
    width = size.width()
    for index in range(count):
        painter = page(index)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Header: the service and the marking, then what the record is and whose.
        painter.setPen(_INK)
        painter.setFont(service_font)
        painter.drawText(
            QRectF(0, 0, width * 0.7, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            document.header.service,
        )
        painter.setFont(marking_font)
        painter.drawText(
            QRectF(0, 0, width, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            document.header.marking,
        )
        painter.setFont(small_font)
        painter.setPen(_GREY)
        about = QFontMetricsF(small_font, device).elidedText(
            f"{document.title}: {document.subject}", Qt.TextElideMode.ElideRight, width
        )
        painter.drawText(QRectF(0, line, width, small), Qt.AlignmentFlag.AlignLeft, about)
        rule = QPen(_RULE)
        rule.setWidthF(max(1.0, device.logicalDpiY() / 150))
        painter.setPen(rule)
        painter.drawLine(QPointF(0, line + small + gap / 2), QPointF(width, line + small + gap / 2))

        # This page's slice of the body.
        painter.save()
        painter.translate(0, header_height - index * body_size.height())
        context.clip = QRectF(0, index * body_size.height(), width, body_size.height())
        painter.setClipRect(context.clip)
        body.documentLayout().draw(painter, context)
        painter.restore()

        # Footer: who exported it and when, the page number, and the marking again.
        top = size.height() - footer_height + gap
        painter.setPen(rule)
        painter.drawLine(QPointF(0, top - gap / 2), QPointF(width, top - gap / 2))
        painter.setPen(_GREY)
        painter.setFont(small_font)
        painter.drawText(
            QRectF(0, top, width * 0.75, small), Qt.AlignmentFlag.AlignLeft, document.footer
        )
        painter.drawText(
            QRectF(0, top, width, small),
            Qt.AlignmentFlag.AlignRight,
            f"Page {index + 1} of {count}",
        )
        painter.setPen(_INK)
        painter.setFont(_font(8.5, bold=True))
        painter.drawText(
            QRectF(0, top + small, width, small),
            Qt.AlignmentFlag.AlignHCenter,
            document.header.marking,
        )
    return count
