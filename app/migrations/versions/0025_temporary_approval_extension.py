"""Who agreed a connected person's extended temporary approval, on its household record.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07

CPPCR reg 25 lets a connected person's temporary approval be extended once, after seeking the
fostering panel's views, with the nominated officer's approval. The extension's end date was
already recorded (``temporary_extension_until``, watched by 0006's triggers); these columns keep
the panel's views and the officer's decision beside it. Nothing the deadline engine reads
changes, so no trigger is added. Existing households get empty values: an extension recorded
before this revision keeps its date and simply has no record of who agreed it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("carer_household") as batch:
        batch.add_column(sa.Column("extension_panel_date", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("extension_panel_view", sa.Text(), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column(
                "extension_decided_by", sa.String(length=120), nullable=False, server_default=""
            )
        )
        batch.add_column(sa.Column("extension_decided_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("carer_household") as batch:
        batch.drop_column("extension_decided_on")
        batch.drop_column("extension_decided_by")
        batch.drop_column("extension_panel_view")
        batch.drop_column("extension_panel_date")
