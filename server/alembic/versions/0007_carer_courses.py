"""The courses the service runs for its foster carers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

A new service-wide table (``server.models.courses``); nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from server.models.base import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carer_course",
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("course_id"),
    )
    op.create_index("ix_carer_course_starts_on", "carer_course", ["starts_on"])


def downgrade() -> None:
    op.drop_index("ix_carer_course_starts_on", table_name="carer_course")
    op.drop_table("carer_course")
