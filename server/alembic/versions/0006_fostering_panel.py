"""The fostering panel's dates and agenda items.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

New tables only (``server.models.panels``): the panel administrator's sittings and the
households on each, with the panel's recommendation and the agency decision maker's decision.
Nothing existing changes; the households' own records gain ``panel_booked_date`` in their JSON
fields when first booked, which needs no migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from server.models.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "panel_meeting",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sits_on", sa.Date(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("panel_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_meeting_sits_on"), ["sits_on"], unique=False)
    op.create_table(
        "panel_item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("recommendation", sa.String(length=32), nullable=True),
        sa.Column("recommendation_notes", sa.Text(), nullable=False),
        sa.Column("recommended_by", sa.String(length=120), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["panel_meeting.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "household_id", "kind"),
    )
    with op.batch_alter_table("panel_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_item_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_panel_item_household_id"), ["household_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("panel_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_item_household_id"))
        batch_op.drop_index(batch_op.f("ix_panel_item_meeting_id"))
    op.drop_table("panel_item")
    with op.batch_alter_table("panel_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_meeting_sits_on"))
    op.drop_table("panel_meeting")
