"""Which device wrote each record's current version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

A laptop already holds what it pushed (the push answer carries the new revision), so its next
pull can leave those records out instead of sending them straight back: for a worker's end of
day push of a few hundred records that halves the bytes on the wire. Existing rows get NULL
(written before this was kept), which simply means they are not left out.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record") as batch_op:
        batch_op.add_column(sa.Column("updated_device", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("record") as batch_op:
        batch_op.drop_column("updated_device")
