"""A note of what was done, kept with an action when it is marked done.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

``action.completion_note`` (nullable: every action done before it has none) travels with the
action like its other fields (``sync.protocol.records``). It is not a deadline input, so the
deadline triggers of migration 0010 are left as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch rebuild: rebuilding the table would drop its triggers
    # (search, deadlines).
    op.add_column("action", sa.Column("completion_note", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("action", "completion_note")
