"""Covering indexes for the deadline engine's caseload queries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

The dashboard needs only the latest signed-off visit per child. Without these indexes SQLite
reads (and SQLCipher decrypts) every page of the visit table, case text included; with them it
walks a small index instead.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_visit_deadline ON visit"
        " (child_id, visit_type, status, deleted, welfare_concern, visit_date)"
    )
    op.execute(
        "CREATE INDEX ix_visit_household_deadline ON visit"
        " (household_id, visit_type, status, deleted, visit_date)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_visit_household_deadline")
    op.execute("DROP INDEX ix_visit_deadline")
