"""Why a child's wishes and feelings could not be gathered at a visit.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

``visit.wishes_not_gathered`` (nullable: a code of ``wishes_not_gathered_reason``, None where
they were gathered, and on every visit signed before the question was asked) travels with the
visit like its other fields (``sync.protocol.records``). Signing off a child's visit now needs
the child's wishes and feelings or this reason (``app.validation``). Not a deadline or search
input, so no trigger changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch rebuild: rebuilding the table would drop its triggers
    # (search, deadlines).
    op.add_column("visit", sa.Column("wishes_not_gathered", sa.String(32), nullable=True))


def downgrade() -> None:
    op.drop_column("visit", "wishes_not_gathered")
