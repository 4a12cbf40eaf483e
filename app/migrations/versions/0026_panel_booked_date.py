"""The day a prospective household is booked to go to the fostering panel, on its record.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

The service's panel administrator keeps the fostering panel's dates and who goes to each
(``server.services.panels``); booking a household for its approval sets this column on the
household's record at the service, and the sync brings it here, where nothing edits it. Rule
FA6 counts from it (the panel is due on the day booked), so, as in 0024, an update trigger lists
the household and the children placed with it as stale when it changes. Existing households
have no booking.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("carer_household") as batch:
        batch.add_column(sa.Column("panel_booked_date", sa.Date(), nullable=True))
    op.execute(
        "CREATE TRIGGER deadline_panel_booked_au AFTER UPDATE OF panel_booked_date"
        " ON carer_household WHEN OLD.panel_booked_date IS NOT NEW.panel_booked_date"
        f" BEGIN{_mark('NEW')} END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS deadline_panel_booked_au")
    with op.batch_alter_table("carer_household") as batch:
        batch.drop_column("panel_booked_date")


def _mark(row: str) -> str:
    """As 0024's: list the household and the children placed with it as stale."""
    return (
        " INSERT INTO deadline_stale (subject_type, subject_id)"
        f" SELECT 'household', {row}.id WHERE NOT EXISTS (SELECT 1 FROM deadline_stale AS s"
        f" WHERE s.subject_type = 'household' AND s.subject_id = {row}.id);"
        " INSERT INTO deadline_stale (subject_type, subject_id)"
        f" SELECT DISTINCT 'child', p.child_id FROM placement AS p WHERE p.household_id = {row}.id"
        " AND NOT EXISTS (SELECT 1 FROM deadline_stale AS s"
        " WHERE s.subject_type = 'child' AND s.subject_id = p.child_id);"
    )
