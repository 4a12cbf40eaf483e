"""A place for pulled versions that arrive before a record they refer to.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

The service lists a laptop's records by their latest revision, so a child edited after its
visits were written is listed after them, and a pull's page can end in between. Applied as it
came, such a page held a visit pointing at no child, its commit failed the foreign key check,
and so did every retry: the laptop's first sync could never finish. ``sync_waiting`` keeps such
versions (deflated, like the outbox's fields) until what they refer to has arrived.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_waiting",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("version", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )


def downgrade() -> None:
    # Versions still waiting would be lost with the table: the pull starts from the beginning
    # of the feed again instead, which sends them again (what the laptop holds is skipped).
    op.execute(
        "DELETE FROM profile_state WHERE key = 'pull_cursor' "
        "AND EXISTS (SELECT 1 FROM sync_waiting)"
    )
    op.drop_table("sync_waiting")
