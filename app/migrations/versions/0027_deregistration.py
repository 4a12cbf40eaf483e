"""When and why an approved fostering household's approval ended, on its household record.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07

A deregistration sets the household's approval status to ENDED (which 0006's trigger already
watches, so its deadlines are redone and its annual review, TSD and unannounced visit stop) and
records the day and Ofsted's reason here, so the fostering data collection can count
deregistrations by reason. Both columns may be empty: households whose approval ended before
this revision keep their status and simply have no recorded reason.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("carer_household") as batch:
        batch.add_column(sa.Column("deregistered_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("deregistration_reason", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("carer_household") as batch:
        batch.drop_column("deregistration_reason")
        batch.drop_column("deregistered_date")
