"""The dashboard's search: the children a worker's words find, one result a child, with where
the words were found and the words around the best match.

Why apart from ``app.search``: that module asks the full-text index; this one turns its hits
into what a worker reads (one line a child, in plain words), in one read of the store, so the
screen only shows what it is given.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from app.chronology import child_names
from app.search import SearchHit, matched_words, search
from app.store import Store

#: What a search hit's record type is called when saying where the words were found.
_FOUND_IN = {
    "child": "name or profile",
    "visit": "a visit",
    "case_note": "a case note",
    "review": "a review",
    "action": "an action",
    "addendum": "an addendum",
    "assessment": "an assessment",
    "care_plan": "a care plan",
}


@dataclass(frozen=True)
class SearchResult:
    """One child found by a search, with where the words were found (best match first)."""

    child_id: uuid.UUID
    name: str
    found_in: tuple[str, ...]
    #: The words around the best match, so the worker sees why the child was found.
    matched: str = ""

    @property
    def text(self) -> str:
        where = f"{self.name} — found in {', '.join(self.found_in)}"
        return f"{where}: “{self.matched}”" if self.matched else where


def group_hits(hits: list[SearchHit], names: dict[uuid.UUID, str]) -> list[SearchResult]:
    """One result per child, in the order of their best hit, naming where the words matched.
    Hits about a carer household alone are left out: the dashboard opens children."""
    order: list[uuid.UUID] = []
    found: dict[uuid.UUID, list[str]] = {}
    for hit in hits:
        if hit.child_id is None or hit.child_id not in names:
            continue
        if hit.child_id not in found:
            order.append(hit.child_id)
            found[hit.child_id] = []
        where = _FOUND_IN.get(hit.record_type, "a record")
        if where not in found[hit.child_id]:
            found[hit.child_id].append(where)
    return [SearchResult(c, names[c], tuple(found[c])) for c in order]


def find_children(store: Store, typed: str) -> list[SearchResult]:
    """The children ``typed`` finds, best first, with their names and matched words, read in
    one transaction (so a name and its hits never come from two states of the store)."""
    with store.read() as session:
        hits = search(session, typed)
        names = child_names(session, {h.child_id for h in hits if h.child_id is not None})
        grouped = group_hits(hits, names)
        best = {}
        for hit in hits:
            if hit.child_id is not None and hit.child_id not in best:
                best[hit.child_id] = hit
        return [
            replace(result, matched=matched_words(session, best[result.child_id], typed))
            for result in grouped
        ]
