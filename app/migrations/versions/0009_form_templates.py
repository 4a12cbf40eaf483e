"""Form templates fetched from the central service.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27

A service may publish a new version of an assessment form without a new release of the app;
sync fetches it into ``form_template`` so an assessment started with it opens offline and keeps
opening with its own version (``app.forms.registry``). Templates shipped with the app stay in
``resources/forms`` and are never copied here.

Nothing is filled here: the next sync fetches whatever the service publishes that the app did
not ship with.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_template",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_index("ix_form_template_version", "form_template", ["template_id", "version"])


def downgrade() -> None:
    op.drop_index("ix_form_template_version", table_name="form_template")
    op.drop_table("form_template")
