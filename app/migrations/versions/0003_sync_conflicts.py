"""Conflicts kept for a person to resolve, and search entries removed with purged records.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Sync may now remove rows outright (records that left the worker's caseload are purged, not
tombstoned), so each indexed table gets an AFTER DELETE trigger that drops its search entry in
the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_INDEXED = (
    "child",
    "carer_household",
    "carer",
    "visit",
    "case_note",
    "review",
    "action",
    "addendum",
    "assessment",
    "care_plan",
)


def upgrade() -> None:
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("base_value", sa.JSON(), nullable=False),
        sa.Column("mine", sa.JSON(), nullable=False),
        sa.Column("theirs", sa.JSON(), nullable=False),
        sa.Column("theirs_by", sa.String(length=120), nullable=False),
        sa.Column("theirs_at", sa.DateTime(), nullable=True),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=True),
        sa.Column("choice", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflict_record_id"), ["record_id"], unique=False)
    for table in _INDEXED:
        op.execute(
            f"CREATE TRIGGER search_{table}_ad AFTER DELETE ON {table} BEGIN"
            " DELETE FROM search_index WHERE rowid ="
            "  (SELECT rowid FROM search_doc WHERE record_id = OLD.id);"
            " DELETE FROM search_doc WHERE record_id = OLD.id; END"
        )


def downgrade() -> None:
    for table in _INDEXED:
        op.execute(f"DROP TRIGGER IF EXISTS search_{table}_ad")
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflict_record_id"))
    op.drop_table("sync_conflict")
