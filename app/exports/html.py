"""A document's body as the small HTML subset Qt's rich text engine lays out for print.

Every value is escaped, always: case text is typed by people and may hold ``<``, ``&`` or
something that looks like markup, and it must print as typed, never be read as layout. The
service header, protective marking and page numbers are not here: the renderer paints them on
every page, which HTML flowing across pages cannot promise.

Qt's rich text supports only a subset of CSS (no flexbox, few selectors), so the styling is
plain: headings, label-and-answer paragraphs, and ruled tables with a repeated header row.
"""

from __future__ import annotations

from collections.abc import Collection
from html import escape
from itertools import count

from app.exports.document import NOT_ANSWERED, Answer, Document, Section, Table

#: Spacing in points (Qt's rich text takes margins in pixels of the device it lays out on,
#: so ``body_html`` converts them for that device's resolution).
_STYLE = """
h1 {{ font-size: 17pt; font-weight: bold; margin-bottom: {2}; }}
h2 {{ font-size: 13pt; font-weight: bold; margin-top: {14}; margin-bottom: {4}; }}
p {{ margin-top: 0; margin-bottom: {5}; }}
p.subject {{ font-size: 12pt; margin-bottom: {8}; }}
p.label {{ font-weight: bold; margin-top: {3}; margin-bottom: {1}; }}
p.value {{ margin-left: {12}; }}
p.missing {{ margin-left: {12}; font-style: italic; color: #505a5f; }}
p.entry {{ font-weight: bold; margin-left: {12}; margin-bottom: {1}; }}
p.field {{ margin-left: {24}; margin-bottom: {2}; }}
p.note-head {{ font-weight: bold; margin-top: {4}; margin-bottom: {1}; }}
table.rows {{ font-size: 9.5pt; }}
th {{ background-color: #e8eaeb; font-weight: bold; text-align: left; }}
td.meta-label {{ font-weight: bold; }}
"""


def body_html(
    document: Document,
    *,
    px_per_point: float = 1.0,
    breaks: Collection[tuple[int, int]] = (),
) -> str:
    """The document from its title to its last addendum, as one HTML string, for a device
    with ``px_per_point`` pixels to the point (its dots per inch / 72).

    ``breaks`` names rows that must start a new page, as (table, row): the table counted in
    the document's order (the meta table first, when there is one), the row counted from 0
    after the header. The table is ended before each such row and started again, header and
    all, on a new page: Qt's layout can push a table but not one of its rows, and the
    renderer uses this so no row is cut in two by a page break (``table_pieces``)."""
    style = _STYLE.format(*(f"{n * px_per_point:.1f}px" for n in range(25)))
    ordinals = count()
    parts = [
        f"<html><head><style>{style}</style></head><body>",
        f"<h1>{_text(document.title)}</h1>",
        f'<p class="subject">{_text(document.subject)}</p>',
    ]
    if document.meta:
        pad = round(2 * px_per_point)
        meta = [
            f'<tr><td class="meta-label" width="28%">{_text(row.label)}</td>'
            f"<td>{_text(row.value)}</td></tr>"
            for row in document.meta
        ]
        for start, end, new_page in table_pieces(next(ordinals), len(meta), breaks):
            parts.append(
                f'<table cellspacing="0" cellpadding="{pad}" width="100%"{_new_page(new_page)}>'
                + "".join(meta[start:end])
                + "</table>"
            )
    for section in document.sections:
        ordinal = next(ordinals) if section.table is not None else -1
        rows = len(section.table.rows) if section.table is not None else 0
        parts.append(_section(section, px_per_point, table_pieces(ordinal, rows, breaks)))
    if document.addenda:
        parts.append("<h2>Addenda (corrections and additions after sign-off)</h2>")
        for note in document.addenda:
            parts.append(
                f'<p class="note-head">{_text(note.written)}, {_text(note.written_by)}</p>'
                f'<p class="value">{_text(note.text)}</p>'
            )
    parts.append("</body></html>")
    return "".join(parts)


def table_pieces(
    ordinal: int, rows: int, breaks: Collection[tuple[int, int]]
) -> list[tuple[int, int, bool]]:
    """The pieces table ``ordinal`` (of ``rows`` rows) is printed in, given ``breaks``: each
    piece's first row, the row after its last, and whether it starts a new page. One piece
    when no row of the table must start a page."""
    asked = {row for table, row in breaks if table == ordinal and 0 <= row < rows}
    starts = sorted({0} | asked)
    ends = [*starts[1:], rows]
    return [(start, end, start in asked) for start, end in zip(starts, ends, strict=True)]


def _new_page(starts_page: bool) -> str:
    return ' style="page-break-before: always;"' if starts_page else ""


def _section(section: Section, px_per_point: float, pieces: list[tuple[int, int, bool]]) -> str:
    parts = [f"<h2{_new_page(section.starts_page)}>{_text(section.title)}</h2>"]
    for answer in section.answers:
        parts.append(_answer(answer))
    for paragraph in section.paragraphs:
        parts.append(f"<p>{_text(paragraph)}</p>")
    if section.table is not None:
        parts.append(_table(section.table, px_per_point, pieces))
    if not (section.answers or section.paragraphs or section.table) and section.empty:
        parts.append(f'<p class="missing">{_text(section.empty)}</p>')
    return "".join(parts)


def _answer(answer: Answer) -> str:
    head = f'<p class="label">{_text(answer.label)}</p>'
    if not answer.answered:
        return head + f'<p class="missing">{NOT_ANSWERED}</p>'
    if not answer.is_group:
        return head + f'<p class="value">{_text(answer.text)}</p>'
    parts = [head]
    for n, item in enumerate(answer.items, start=1):
        parts.append(f'<p class="entry">Entry {n}</p>')
        if not item:
            parts.append(f'<p class="field"><i>{NOT_ANSWERED}</i></p>')
        for field in item:
            value = _text(field.text) if field.answered else f"<i>{NOT_ANSWERED}</i>"
            parts.append(f'<p class="field"><b>{_text(field.label)}:</b> {value}</p>')
    return "".join(parts)


def _table(table: Table, px_per_point: float, pieces: list[tuple[int, int, bool]]) -> str:
    # <thead> becomes the table's header row count in Qt, so the header repeats on every page.
    # Qt takes a column's width from its cells, so every cell carries its column's share.
    widths = [f' width="{w}%"' if w else "" for w in table.widths or (0,) * len(table.columns)]
    head = "".join(
        f"<th{width}>{_text(column)}</th>"
        for column, width in zip(table.columns, widths, strict=True)
    )
    rows = [
        "<tr>"
        + "".join(f"<td{width}>{_text(cell)}</td>" for cell, width in zip(row, widths, strict=True))
        + "</tr>"
        for row in table.rows
    ]
    pad = round(3 * px_per_point)
    return "".join(
        f'<table class="rows" border="1" cellspacing="0" cellpadding="{pad}" width="100%" '
        'style="border-collapse: collapse; border-color: #b1b4b6;'
        f'{" page-break-before: always;" if new_page else ""}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows[start:end])}</tbody></table>"
        for start, end, new_page in pieces
    )


def _text(value: str) -> str:
    """Escaped, with the writer's own line breaks kept."""
    return escape(value, quote=True).replace("\r\n", "\n").replace("\n", "<br>")
