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
