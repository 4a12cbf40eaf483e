"""Record tables lose their index on ``dirty``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

Every record table had an index on its ``dirty`` flag, and nothing ever looked a record up by
it: what waits to be sent is the outbox's to say. Yet each index was written whenever the flag
was: at every save, for every record a sync pulled in, and twice for every record a push
settled (its entry under "dirty" out, one under "clean" in). Dropping them changes no data.
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


def upgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_dirty", table_name=table)


def downgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_dirty", table, ["dirty"], unique=False)
