"""A printable record as plain values: what goes on paper, not how it is drawn.

Why a model of its own between the store and the PDF writer: what a printed visit or
assessment must say (whose record it is, who signed it and when, every question with its
answer or "Not answered", every addendum, the protective marking) is a rule about records, and
is tested here without a display; the Qt side only decides fonts and page breaks. The model is
frozen and holds only strings, so it crosses from the worker thread that reads the store to the
one that renders without sharing anything that could change underneath.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from app.errors import CasebookError

#: The Government Security Classifications marking councils put on personal case records:
#: printed at the top and bottom of every page, as the scheme asks.
PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"

#: Printed when the service's name has not been set in the profile's settings.
DEFAULT_SERVICE_NAME = "Children's permanency service"

#: What an unanswered question reads as on paper: a gap must be visible, not silently skipped.
NOT_ANSWERED = "Not answered"


@dataclass(frozen=True)
class ExportContext:
    """Who is exporting, for which service, and when (the footer of every page)."""

    service_name: str
    exported_by: str
    exported_at: datetime

    @property
    def header(self) -> Header:
        return Header(self.service_name.strip() or DEFAULT_SERVICE_NAME)

    @property
    def footer(self) -> str:
        return f"Exported by {self.exported_by or 'an unknown user'} on {when(self.exported_at)}"


@dataclass(frozen=True)
class Header:
    service: str
    marking: str = PROTECTIVE_MARKING


@dataclass(frozen=True)
class MetaRow:
    """A line of the record's own facts under the title: recorded, signed off, approved."""

    label: str
    value: str


@dataclass(frozen=True)
class Answer:
    """A question (or field) and its answer in words.

    ``items`` holds a repeating group's entries, each a tuple of the answers given for that
    entry; ``answered`` is False for a question left empty, printed as ``NOT_ANSWERED``.
    """

    label: str
    text: str = ""
    answered: bool = True
    items: tuple[tuple[Answer, ...], ...] = ()
    is_group: bool = False

    @staticmethod
    def of(label: str, text: str) -> Answer:
        """An answer from text, "Not answered" when the text is empty."""
        return Answer(label, text, answered=bool(text.strip()))


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: Each column's share of the page width in percent (empty: the layout decides).
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Section:
    """A heading with, in this order, answers (label and value), paragraphs and a table."""

    title: str
    answers: tuple[Answer, ...] = ()
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None
    #: Shown in place of the content when the section has nothing in it.
    empty: str = ""
    #: Begins on a new page (a part of a pack: a panel member finds each report's start).
    starts_page: bool = False


@dataclass(frozen=True)
class Note:
    """An addendum as printed: when, by whom, what."""

    written: str
    written_by: str
    text: str


@dataclass(frozen=True)
class Document:
    #: What was exported, for the audit trail (``visit``, ``assessment``, ``child``) and its id.
    record_type: str
    record_id: uuid.UUID
    title: str
    #: Whose record it is: the child's name and date of birth, or the household's name.
    subject: str
    header: Header
    footer: str
    meta: tuple[MetaRow, ...] = ()
    sections: tuple[Section, ...] = ()
    addenda: tuple[Note, ...] = ()
    #: The file name offered in the save dialog (see ``ui.exports.actions`` for why no names).
    suggested_name: str = "Record.pdf"
    #: Words for "this" in messages: "visit", "assessment", "chronology".
    noun: str = field(default="record")


class NotExportable(CasebookError):
    """The record cannot be exported (a draft, or no longer on this laptop); the message says
    why in words the worker can act on."""


def day(on: date | None) -> str:
    """A date as a UK reader writes it on paper: 20 Nov 2026."""
    return f"{on:%d %b %Y}" if on is not None else ""


def when(moment: datetime | None) -> str:
    """A stored UTC instant in the laptop's local time: 20 Nov 2026 at 14:03."""
    if moment is None:
        return ""
    local = moment.astimezone()
    return f"{local:%d %b %Y} at {local:%H:%M}"
