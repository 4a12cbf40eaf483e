"""Insert triggers that a sync page can pause, doing their work once for the whole page.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27

A first sync writes tens of thousands of records, and every one fired the search and deadline
insert triggers: a row in ``search_doc``, a document in the FTS5 index and a guarded row in
``deadline_stale``, each statement planned and run per record. Measured on 10,000 pulled
records copied into SQLCipher with plain ``executemany``: about 3,200-5,500 records a second
with the triggers, 8,300-8,500 with the same work done as one statement per table for the page,
and 10,700-15,000 with no index at all.

So every AFTER INSERT trigger on a record table now carries
``WHEN NOT EXISTS (SELECT 1 FROM trigger_pause)``. The table is empty at every commit: sync puts
a row there only inside the transaction writing a page of new records and takes it out again
before committing (``app.replica.page_triggers``), having done the triggers' work for the page.
Every other write (the worker's own, sync's updates and deletions) fires the triggers as
before. The update and delete triggers are not touched.

The triggers' bodies are kept exactly as earlier revisions wrote them: each is read back from
``sqlite_master`` and recreated with the guard added (and without it on downgrade).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

GUARD = " WHEN NOT EXISTS (SELECT 1 FROM trigger_pause)"
_INSERT_TRIGGER = re.compile(r"(CREATE TRIGGER \w+ AFTER INSERT ON \w+)( BEGIN.*)", re.DOTALL)


def upgrade() -> None:
    op.create_table(
        "trigger_pause",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for name, sql in _insert_triggers():
        match = _INSERT_TRIGGER.fullmatch(sql)
        if match is None:
            raise RuntimeError(f"trigger {name} is not in the expected form")
        _replace(name, match.group(1) + GUARD + match.group(2))


def downgrade() -> None:
    for name, sql in _insert_triggers():
        _replace(name, sql.replace(GUARD, "", 1))
    op.drop_table("trigger_pause")


def _insert_triggers() -> list[tuple[str, str]]:
    rows = op.get_bind().execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND (name LIKE 'search\\_%\\_ai' ESCAPE '\\'"
            " OR name LIKE 'deadline\\_%\\_ai' ESCAPE '\\')"
            " ORDER BY name"
        )
    )
    return [(str(name), str(sql)) for name, sql in rows]


def _replace(name: str, sql: str) -> None:
    op.execute(f"DROP TRIGGER {name}")
    op.execute(sql)
