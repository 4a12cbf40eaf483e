"""A prospective fostering household's way from enquiry to approval, on its household record.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07

Every column is new and may be empty, so households recorded before this revision (already
approved, or temporarily approved connected persons) are untouched. The assessment stages'
deadlines (rules FA1 to FA5) are worked out from these dates, so the saved deadlines (migration
0006) must be redone when one changes: 0006's update trigger on ``carer_household`` fires only
for the columns it knew, so a second update trigger lists the household and the children
placed with it as stale when a pipeline date or the decision changes. Inserts and deletes are
already covered by 0006's (and 0011's pausable) triggers.

Nothing is filled here: the rule table changed with this revision, so the first dashboard
opening after it redoes every subject (``app.deadlines.cache.fingerprint``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

_DATES = (
    "enquiry_date",
    "initial_visit_date",
    "application_date",
    "stage1_completed",
    "stage2_completed",
    "panel_date",
    "decision_date",
    "withdrawn_date",
)
_CODES = (
    ("panel_recommendation", 32),
    ("decision", 32),
    ("approval_type", 32),
    ("withdrawal_reason", 16),
)
#: The columns the deadline facts read (``app.deadlines.from_store.household_facts``).
_WATCHED = (*_DATES, "decision")


def upgrade() -> None:
    with op.batch_alter_table("carer_household") as batch:
        for name in _DATES:
            batch.add_column(sa.Column(name, sa.Date(), nullable=True))
        for name, length in _CODES:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _WATCHED)
    op.execute(
        f"CREATE TRIGGER deadline_carer_pipeline_au AFTER UPDATE OF {', '.join(_WATCHED)}"
        f" ON carer_household WHEN {changed} BEGIN{_mark('NEW')} END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS deadline_carer_pipeline_au")
    with op.batch_alter_table("carer_household") as batch:
        for name, _length in reversed(_CODES):
            batch.drop_column(name)
        for name in reversed(_DATES):
            batch.drop_column(name)


def _mark(row: str) -> str:
    """List the household and the children placed with it as stale; a NOT EXISTS guard rather
    than ``INSERT OR IGNORE``, for the reason 0006 gives (sync's upserts)."""
    return (
        " INSERT INTO deadline_stale (subject_type, subject_id)"
        f" SELECT 'household', {row}.id WHERE NOT EXISTS (SELECT 1 FROM deadline_stale AS s"
        f" WHERE s.subject_type = 'household' AND s.subject_id = {row}.id);"
        " INSERT INTO deadline_stale (subject_type, subject_id)"
        f" SELECT DISTINCT 'child', p.child_id FROM placement AS p WHERE p.household_id = {row}.id"
        " AND NOT EXISTS (SELECT 1 FROM deadline_stale AS s"
        " WHERE s.subject_type = 'child' AND s.subject_id = p.child_id);"
    )
