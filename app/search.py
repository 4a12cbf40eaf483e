"""Search as you type across names and case text, using the FTS5 index in the encrypted store.

The worker's words are turned into quoted prefix terms, so punctuation or FTS syntax in what
they type ("O'Neil", "AND", a stray quote) is always searched for literally, never interpreted.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

#: Letters and digits only: the index's tokenizer splits words at everything else, underscores
#: included, and a quoted term holding a split ("case_note") would be a phrase, which the lean
#: index (0007) refuses with an error rather than a hit.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchHit:
    record_type: str
    record_id: uuid.UUID
    child_id: uuid.UUID | None
    household_id: uuid.UUID | None


def fts_query(typed: str) -> str | None:
    """Every word must match, each as a prefix: "jo smi" finds "Joanne Smith"."""
    words = _WORD.findall(typed)
    if not words:
        return None
    return " AND ".join(f'"{w}"*' for w in words[:12])


def search(session: Session, typed: str, *, limit: int = 50) -> list[SearchHit]:
    query = fts_query(typed)
    if query is None:
        return []
    rows = session.execute(
        text(
            "SELECT d.record_type, d.record_id, d.child_id, d.household_id"
            " FROM search_index JOIN search_doc AS d ON d.rowid = search_index.rowid"
            " WHERE search_index MATCH :q ORDER BY bm25(search_index) LIMIT :limit"
        ),
        {"q": query, "limit": limit},
    ).all()
    return [
        SearchHit(
            record_type=row[0],
            record_id=uuid.UUID(hex=row[1]),
            child_id=uuid.UUID(hex=row[2]) if row[2] else None,
            household_id=uuid.UUID(hex=row[3]) if row[3] else None,
        )
        for row in rows
    ]


#: Where each kind of record keeps the words the index holds for it (as in the index's
#: triggers), for showing the worker which words matched. The index itself keeps no text.
_TEXT_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "child": ("child", ("given_name", "family_name", "preferred_name", "about_me")),
    "visit": ("visit", ("who_was_seen", "wishes_and_feelings", "observations", "actions_agreed")),
    "case_note": ("case_note", ("subject", "text")),
    "review": ("review", ("chair", "attendees", "decisions")),
    "action": ("action", ("description", "owner")),
    "addendum": ("addendum", ("text",)),
    "care_plan": ("care_plan", ("summary", "iro_name")),
}
#: Words shown either side of the first match.
_AROUND = 6


def matched_words(session: Session, hit: SearchHit, typed: str) -> str:
    """The words around the first place the worker's words match in the record the hit names,
    ("…wants to join the school's climbing club"), or "" when they cannot be shown (an
    assessment's answers are a form's, not a passage)."""
    source = _TEXT_COLUMNS.get(hit.record_type)
    words = [w.casefold() for w in _WORD.findall(typed)]
    if source is None or not words:
        return ""
    table, columns = source
    listed = ", ".join(f"coalesce({c}, '')" for c in columns)
    row = session.execute(
        text(f"SELECT {listed} FROM {table} WHERE id = :id"),  # noqa: S608 - names are ours
        {"id": hit.record_id.hex},
    ).first()
    if row is None:
        return ""
    return snippet(" ".join(str(part) for part in row if part), words)


def snippet(body: str, words: list[str]) -> str:
    """A few words either side of the first word of ``body`` that starts with one of
    ``words`` (already casefolded); "" when none does."""
    tokens = body.split()
    for index, token in enumerate(tokens):
        found = _WORD.findall(token.casefold())
        if any(part.startswith(word) for part in found for word in words):
            start, end = max(0, index - _AROUND), min(len(tokens), index + _AROUND + 1)
            shown = " ".join(tokens[start:end])
            return f"{'…' if start else ''}{shown}{'…' if end < len(tokens) else ''}"
    return ""
