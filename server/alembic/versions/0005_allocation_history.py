"""Social Work England numbers on accounts and a durable, dated allocation history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

The 903's social worker episodes need each worker's registration number (SW_ID) and who held
each child from when to when. Scope events cannot give that (they are purged after the offline
limit), so every allocation is now also recorded in ``allocation_history``.

Backfill: each existing allocation becomes one open history row starting on the day it was
last allocated (``allocation.allocated_at``, the only date the service kept), with reason
FCONTA; earlier holders were never recorded and cannot be recovered.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from server.models.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE (SQLite has ADD/DROP COLUMN): a batch copy of user_account would break
    # the foreign keys every other table holds to it.
    op.add_column("user_account", sa.Column("swe_number", sa.String(length=16), nullable=True))
    history = op.create_table(
        "allocation_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=6), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["worker_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("allocation_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_allocation_history_subject", ["subject_type", "subject_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_allocation_history_worker_id"), ["worker_id"], unique=False
        )
    allocation = sa.table(
        "allocation",
        sa.column("subject_type", sa.String()),
        sa.column("subject_id", sa.Uuid()),
        sa.column("worker_id", sa.Integer()),
        sa.column("allocated_at", UTCDateTime()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            allocation.c.subject_type,
            allocation.c.subject_id,
            allocation.c.worker_id,
            allocation.c.allocated_at,
        )
    ).all()
    if rows:
        now = max(row.allocated_at for row in rows)
        op.bulk_insert(
            history,
            [
                {
                    "subject_type": row.subject_type,
                    "subject_id": row.subject_id,
                    "worker_id": row.worker_id,
                    "start_date": row.allocated_at.date(),
                    "end_date": None,
                    "reason": "FCONTA",
                    "recorded_by": "migration 0005",
                    "recorded_at": now,
                }
                for row in rows
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("allocation_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_history_worker_id"))
        batch_op.drop_index("ix_allocation_history_subject")
    op.drop_table("allocation_history")
    op.drop_column("user_account", "swe_number")
