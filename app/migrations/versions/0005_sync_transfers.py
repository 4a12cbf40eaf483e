"""Attachment content the service holds in full; records seen during a full re-sync.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Without this a sync would have to ask the service about every attachment each time to learn
which still need uploading; with it, a sync with nothing new makes no attachment requests.
Content already on the laptop when this runs was either downloaded from the service or is
waiting to be uploaded; the sync asks once about each and marks it.

``resync_seen`` lists what a full re-sync has received so far, so that when it finishes the
laptop can let go of records the service no longer holds for this worker.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_upload",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "resync_seen",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )


def downgrade() -> None:
    op.drop_table("resync_seen")
    op.drop_table("attachment_upload")
