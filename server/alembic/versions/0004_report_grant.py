"""Admins' explicit grants to run the service's reports and returns.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

A performance officer (the new ``performance`` role, which needs no schema change: roles are
text) runs reports by their role; an admin only with a grant recorded here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from server.models.base import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_grant",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by", sa.String(length=120), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("report_grant")
