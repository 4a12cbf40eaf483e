"""Each saved subject's first open due date and its items in one row, for the dashboard.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27

The dashboard opens on 5,000 children sorted most urgent first, which needs each subject's
first open due date; worked out from ``due_item`` on every opening that meant reading some
25,000 rows, most of the 100 ms budget on a 2-core laptop. ``due_subject`` now keeps that date
and the subject's items packed in one text (``app.deadlines.cache.pack``), written when the
answer is saved, so an opening reads one row per subject.

Nothing is filled here: ``app.deadlines.cache.FORMAT`` changed with this revision, so the first
dashboard opening after it redoes every subject and fills both columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("due_subject") as batch:
        batch.add_column(sa.Column("next_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("items", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("due_subject") as batch:
        batch.drop_column("items")
        batch.drop_column("next_due")
