"""Indexes nothing reads are dropped: every record table's on ``dirty``, the visit table's on
``child_id`` and ``household_id`` alone, and the search documents' on ``child_id``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

Each was written at every save and for every record a sync pulled in, and most of them at
random places (ids are random), so a page of a thousand pulled records dirtied hundreds of
their pages, each written out again at the page's commit:

- ``dirty``: nothing looks records up by it (what waits to be sent is the outbox's to say),
  and a settled push wrote it twice a record (its entry under "dirty" out, one under "clean"
  in);
- ``ix_visit_child_id`` and ``ix_visit_household_id``: the deadline indexes of migration 0004
  begin with the same column, so they answer the same lookups;
- ``ix_search_doc_child``: search finds documents through the full-text index and the record
  id, never by child.

Dropping them changes no data; the downgrade builds them again.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# The record tables as they are at this revision (a copy, not an import of the models: a
# migration keeps doing what it did).
TABLES = (
    "action",
    "addendum",
    "assessment",
    "attachment",
    "care_plan",
    "carer",
    "carer_household",
    "case_note",
    "child",
    "legal_status",
    "placement",
    "review",
    "training_record",
    "visit",
)

#: (index, table, columns) of the others.
OTHERS = (
    ("ix_visit_child_id", "visit", ["child_id"]),
    ("ix_visit_household_id", "visit", ["household_id"]),
    ("ix_search_doc_child", "search_doc", ["child_id"]),
)


def upgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_dirty", table_name=table)
    for name, table, _columns in OTHERS:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_dirty", table, ["dirty"], unique=False)
    for name, table, columns in OTHERS:
        op.create_index(name, table, columns, unique=False)
