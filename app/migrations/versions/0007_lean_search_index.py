"""A leaner full-text index: contentless, per-column detail, one prefix index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

The index from 0002 kept a second copy of every record's text inside FTS5 (its own content
table), word positions, and prefix indexes for 2, 3 and 4 characters. Search needs none of the
copy (hits are mapped back to records through ``search_doc``), nor positions (the typed words
are matched as separate prefix terms, never as phrases), and the 3- and 4-character prefixes
only repeat what the 2-character one already makes fast. Measured on 50,000 case notes of 300
words: indexing went from about 1,300 to about 5,500 records a second, with the same search
times, and the index is a fraction of the size. Keeping a first sync of a caseload fast depends
on it, because every record pulled is indexed in the same transaction.

``contentless_delete=1`` (SQLite 3.43+) lets the existing triggers keep deleting rows by rowid
as before; the triggers refer to the index by name and need no change. The store always runs on
the SQLCipher bundled with ``sqlcipher3`` (SQLite 3.50 and newer); an older plain SQLite, which
only a schema check in the tests uses, keeps the 0002 index.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LEAN = (
    "CREATE VIRTUAL TABLE search_index USING fts5("
    " body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2',"
    " content = '', contentless_delete = 1, detail = column)"
)
FULL = (
    "CREATE VIRTUAL TABLE search_index USING fts5("
    " body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
)

# table -> indexed text expression over alias ``t`` (as in 0002)
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
        _rebuild(LEAN)


def downgrade() -> None:
    if _supports_contentless_delete():
        _rebuild(FULL)


def _supports_contentless_delete() -> bool:
    version = op.get_bind().execute(text("SELECT sqlite_version()")).scalar_one()
    return tuple(int(p) for p in str(version).split(".")[:2]) >= (3, 43)


def _rebuild(create: str) -> None:
    op.execute("DROP TABLE search_index")
    op.execute(create)
    for table, body in _BODIES.items():
        op.execute(
            f"INSERT INTO search_index (rowid, body)"
            f" SELECT d.rowid, {body} FROM search_doc AS d"
            f" JOIN {table} AS t ON t.id = d.record_id WHERE d.record_type = '{table}'"
        )
