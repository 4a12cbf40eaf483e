"""Whether a child is or was an unaccompanied asylum-seeking child, and when that status
ceased: the children looked after return's UASC table.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

Nullable, like 0020's columns: nothing recorded before changes meaning.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("child", sa.Column("uasc", sa.Boolean(), nullable=True))
    op.add_column("child", sa.Column("uasc_ceased", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("child", "uasc_ceased")
    op.drop_column("child", "uasc")
