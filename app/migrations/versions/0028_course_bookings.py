"""Bookings on the service's courses for foster carers, on the household's training records.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07

A carer booked onto one of the service's courses (listed by the service, ``sync.courses``) is a
training record of the household with the course's id and day and whether they are booked,
attended or did not. All three columns may be empty: training recorded before this revision,
or without a booking, has none. The TSD deadline reads only the kind and completed date, so no
trigger changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("training_record") as batch:
        batch.add_column(sa.Column("course_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("course_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("booking_status", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("training_record") as batch:
        batch.drop_column("booking_status")
        batch.drop_column("course_date")
        batch.drop_column("course_id")
