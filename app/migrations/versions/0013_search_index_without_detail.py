"""The full-text index keeps no per-column detail (``detail = none``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27

The index has a single column, ``body``, so the column lists that ``detail = column`` stored
for every word of every record said nothing: each word is in ``body``. Search never used them
either: the typed words are matched as separate prefix terms, never as phrases or by column,
and ``bm25`` already counted each word once per record (that is what ``detail = column`` gives
it, and ``detail = none`` gives the same). Without them the index is about a third of the size
(5 against 15 MB for the benchmark's 55,000 records) and a first sync of 50,000 records spends
about 5% less time writing it; search as you type takes the same time (``make bench``).

Like 0007, the index is rebuilt from ``search_doc`` and the record tables; the triggers refer
to it by name and need no change. An older plain SQLite (a schema check in the tests only)
keeps the index 0002 made.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

LEAN = (
    "CREATE VIRTUAL TABLE search_index USING fts5("
    " body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2',"
    " content = '', contentless_delete = 1, detail = {detail})"
)

# table -> indexed text expression over alias ``t``: a copy of 0007's, not an import, because a
# migration must keep doing what it did when it was written, whatever later ones change.
_BODIES: dict[str, str] = {
    "child": "t.given_name || ' ' || t.family_name || ' ' || coalesce(t.preferred_name, '')"
    " || ' ' || coalesce(t.upn, '') || ' ' || t.about_me",
    "carer_household": "t.name || ' ' || t.address",
    "carer": "t.given_name || ' ' || t.family_name",
    "visit": "t.who_was_seen || ' ' || t.wishes_and_feelings || ' ' || t.observations"
    " || ' ' || t.actions_agreed",
    "case_note": "t.subject || ' ' || t.text",
    "review": "t.chair || ' ' || t.attendees || ' ' || t.decisions",
    "action": "t.description || ' ' || t.owner",
    "addendum": "t.text",
    "assessment": "CAST(t.answers AS TEXT)",
    "care_plan": "t.summary || ' ' || t.iro_name",
}


def upgrade() -> None:
    if _supports_contentless_delete():
        _rebuild("none")


def downgrade() -> None:
    if _supports_contentless_delete():
        _rebuild("column")


def _supports_contentless_delete() -> bool:
    version = op.get_bind().execute(text("SELECT sqlite_version()")).scalar_one()
    return tuple(int(p) for p in str(version).split(".")[:2]) >= (3, 43)


def _rebuild(detail: str) -> None:
    op.execute("DROP TABLE search_index")
    op.execute(LEAN.format(detail=detail))
    for table, body in _BODIES.items():
        op.execute(
            f"INSERT INTO search_index (rowid, body)"  # noqa: S608 (names from this module)
            f" SELECT d.rowid, {body} FROM search_doc AS d"
            f" JOIN {table} AS t ON t.id = d.record_id WHERE d.record_type = '{table}'"
        )
