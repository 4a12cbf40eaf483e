"""The record tables' insert triggers, done once for a whole page of new records.

Each record table's AFTER INSERT triggers index the new row for search (``search_<table>_ai``,
migrations 0002 and 0007) and list its child or household as needing its deadlines redone
(``deadline_<table>_ai``, migrations 0006 and 0010). Run per row they cost more than the rows
themselves on a first sync (tens of thousands of records), so sync writes a page of new records
with them paused (migration 0011) and calls :func:`after_insert`, which does the same work as
one statement per table for the page.

Records the laptop already holds are rewritten with the search update triggers paused the same
way (migration 0012) and re-indexed by :func:`reindex`; their deadline triggers still fire.

The two must stay the same work: ``tests/app/test_page_triggers.py`` writes a record of every
type both ways and compares the search documents, what a search finds and the stale subjects,
and fails if a table gains an insert or search update trigger that is not mirrored here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session

#: table -> (child id, household id, indexed text), over the new row ``t``: what
#: ``search_<table>_ai`` writes to ``search_doc`` and ``search_index``.
SEARCH: dict[str, tuple[str, str, str]] = {
    "child": (
        "t.id",
        "NULL",
        "t.given_name || ' ' || t.family_name || ' ' || coalesce(t.preferred_name, '')"
        " || ' ' || coalesce(t.upn, '') || ' ' || t.about_me",
    ),
    "carer_household": ("NULL", "t.id", "t.name || ' ' || t.address"),
    "carer": ("NULL", "t.household_id", "t.given_name || ' ' || t.family_name"),
    "visit": (
        "t.child_id",
        "t.household_id",
        "t.who_was_seen || ' ' || t.wishes_and_feelings || ' ' || t.observations"
        " || ' ' || t.actions_agreed",
    ),
    "case_note": ("t.child_id", "t.household_id", "t.subject || ' ' || t.text"),
    "review": (
        "t.child_id",
        "t.household_id",
        "t.chair || ' ' || t.attendees || ' ' || t.decisions",
    ),
    "action": ("t.child_id", "t.household_id", "t.description || ' ' || t.owner"),
    "addendum": ("t.child_id", "t.household_id", "t.text"),
    "assessment": ("t.child_id", "t.household_id", "CAST(t.answers AS TEXT)"),
    "care_plan": ("t.child_id", "NULL", "t.summary || ' ' || t.iro_name"),
}

#: table -> (subject kind, id column) pairs: what ``deadline_<table>_ai`` lists as stale.
DEADLINE: dict[str, tuple[tuple[str, str], ...]] = {
    "child": (("child", "id"),),
    "legal_status": (("child", "child_id"),),
    "placement": (("child", "child_id"),),
    "care_plan": (("child", "child_id"),),
    "visit": (("child", "child_id"), ("household", "household_id")),
    "review": (("child", "child_id"), ("household", "household_id")),
    "training_record": (("household", "household_id"),),
    "carer_household": (("household", "id"),),
    "action": (("child", "child_id"), ("household", "household_id")),
    "assessment": (("child", "child_id"), ("household", "household_id")),
}

#: Tables whose rows also reach the children placed with the household they name (``{key}``:
#: the household id column): migration 0006's ``_PLACED_WITH`` and 0018's support plans.
PLACED_WITH: dict[str, str] = {"carer_household": "id", "assessment": "household_id"}

#: SQLite allows 32,766 bound values a statement; ids go in chunks well below that.
_CHUNK = 900


@contextmanager
def paused(session: Session) -> Iterator[None]:
    """Insert rows with the insert triggers off; the caller then runs :func:`after_insert`.

    The pause row is taken out again whatever happens, so it can never be committed (and if
    the transaction is rolled back instead, it goes with it).
    """
    session.connection().exec_driver_sql("INSERT INTO trigger_pause (id) VALUES (1)")
    try:
        yield
    finally:
        session.connection().exec_driver_sql("DELETE FROM trigger_pause")


def after_insert(session: Session, table: str, ids: Sequence[uuid.UUID]) -> None:
    """Index these just-inserted rows of ``table`` and list their subjects as stale, exactly as
    the paused insert triggers would have, row by row.

    Every name put into the SQL comes from this module's tables, never from data; the ids go
    in as bound values.
    """
    _run(session, _statements(table), ids)


def reindex(session: Session, table: str, ids: Sequence[uuid.UUID]) -> None:
    """Re-index these just-rewritten rows of ``table`` for search, as the paused
    ``search_<table>_au`` trigger would have row by row (migration 0012): their old words go,
    and the rows are indexed again as they now are.

    Unlike the trigger, a row keeps its ``search_doc`` entry (and so its index rowid) unless
    it was deleted or changed child or household: a page of colleagues' edits touches records
    all over the table, and taking out and putting back each one's entry rewrote a page of
    ``search_doc`` and of each of its three indexes per record, about two thirds of the pages
    such a page's transaction wrote. What search finds is the same either way
    (``tests/app/test_page_triggers.py``).
    """
    if table not in SEARCH:
        return
    child, household, _body = SEARCH[table]
    statements = [
        "DELETE FROM search_index WHERE rowid IN"
        " (SELECT rowid FROM search_doc WHERE record_id IN ({ids}))",
        "DELETE FROM search_doc WHERE record_id IN ({ids}) AND NOT EXISTS"  # noqa: S608 (names from this module)
        f" (SELECT 1 FROM {table} AS t WHERE t.id = search_doc.record_id AND t.deleted = 0"
        f" AND {child} IS search_doc.child_id AND {household} IS search_doc.household_id)",
        *_indexing(table, held=True),
    ]
    _run(session, statements, ids)


def _run(session: Session, statements: list[str], ids: Sequence[uuid.UUID]) -> None:
    """Each statement for the ids, a chunk of them at a time (``{ids}`` marks where they go)."""
    conn = session.connection()
    for start in range(0, len(ids), _CHUNK):
        chunk = tuple(record_id.hex for record_id in ids[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        for statement in statements:
            conn.exec_driver_sql(statement.format(ids=marks), chunk)


def _indexing(table: str, *, held: bool) -> list[str]:
    """Give each row a ``search_doc`` entry (``held``: unless it has one already, as rows the
    laptop holds do) and index its text under that entry's rowid."""
    child, household, body = SEARCH[table]
    unless_held = " AND NOT EXISTS (SELECT 1 FROM search_doc AS d WHERE d.record_id = t.id)"
    return [
        "INSERT INTO search_doc (record_type, record_id, child_id, household_id)"  # noqa: S608 (names from this module)
        f" SELECT '{table}', t.id, {child}, {household} FROM {table} AS t"
        " WHERE t.id IN ({ids}) AND t.deleted = 0" + (unless_held if held else ""),
        f"INSERT INTO search_index (rowid, body) SELECT d.rowid, {body}"  # noqa: S608 (names from this module)
        f" FROM search_doc AS d JOIN {table} AS t ON t.id = d.record_id"
        " WHERE d.record_id IN ({ids})",
    ]


def _statements(table: str) -> list[str]:
    """The set-based twins of ``table``'s insert triggers, with ``{ids}`` for the id list."""
    out = _indexing(table, held=False) if table in SEARCH else []
    for kind, column in DEADLINE.get(table, ()):
        out.append(
            "INSERT INTO deadline_stale (subject_type, subject_id)"  # noqa: S608 (names from this module)
            f" SELECT DISTINCT '{kind}', t.{column} FROM {table} AS t"
            f" WHERE t.id IN ({{ids}}) AND t.{column} IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM deadline_stale AS s"
            f" WHERE s.subject_type = '{kind}' AND s.subject_id = t.{column})"
        )
    if table in PLACED_WITH:
        # A household's changes reach the children placed with it (0006's _PLACED_WITH, 0018).
        out.append(
            "INSERT INTO deadline_stale (subject_type, subject_id)"  # noqa: S608 (names from this module)
            " SELECT DISTINCT 'child', p.child_id FROM placement AS p"
            f" JOIN {table} AS t ON p.household_id = t.{PLACED_WITH[table]}"
            " WHERE t.id IN ({ids})"
            " AND NOT EXISTS (SELECT 1 FROM deadline_stale AS s"
            " WHERE s.subject_type = 'child' AND s.subject_id = p.child_id)"
        )
    return out
