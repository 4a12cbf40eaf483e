"""A signed-off support plan starts the special guardianship support review clock.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

The SGO support review (rule S1, Special Guardianship Regs 2005 reg 17) is now counted from the
later of the last review and the day the latest support plan was agreed
(``app.deadlines.from_store``), so the saved deadlines (migration 0006) must be redone when a
support plan is signed off, moved, or deleted. A plan is recorded on the child or, for special
guardians, on their household: these triggers list the child, the household and the children
placed with that household as stale, in the same transaction, as 0006's do for its tables. Only
the columns the facts read fire the update trigger, so autosaving a plan's answers redoes
nothing. The insert trigger carries 0011's pause guard; ``app.replica.page_triggers`` does its
work for a sync page.

Nothing is filled here: ``app.deadlines.cache.FORMAT`` changed with this revision, so the first
dashboard opening after it redoes every subject.
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

#: The columns the deadline facts read from ``assessment`` (``from_store._support_plans_agreed``).
_COLUMNS = (
    "child_id",
    "household_id",
    "kind",
    "template_id",
    "status",
    "finalised_at",
    "deleted",
)
_SUBJECTS = (("child", "child_id"), ("household", "household_id"))
_GUARD = " WHEN NOT EXISTS (SELECT 1 FROM trigger_pause)"


def upgrade() -> None:
    new, old = _mark("NEW"), _mark("OLD")
    op.execute(
        f"CREATE TRIGGER deadline_assessment_ai AFTER INSERT ON assessment{_GUARD} BEGIN{new} END"
    )
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _COLUMNS)
    op.execute(
        f"CREATE TRIGGER deadline_assessment_au AFTER UPDATE OF {', '.join(_COLUMNS)}"
        f" ON assessment WHEN {changed} BEGIN{old}{new} END"
    )
    op.execute(f"CREATE TRIGGER deadline_assessment_ad AFTER DELETE ON assessment BEGIN{old} END")


def downgrade() -> None:
    for suffix in ("ai", "au", "ad"):
        op.execute(f"DROP TRIGGER IF EXISTS deadline_assessment_{suffix}")


def _mark(row: str) -> str:
    """The statements that list ``row``'s (NEW or OLD) child, household and the children placed
    with that household as stale. A NOT EXISTS guard rather than ``INSERT OR IGNORE``, for the
    reason 0006 gives (sync's upserts)."""
    out = "".join(
        f" INSERT INTO deadline_stale (subject_type, subject_id)"
        f" SELECT '{kind}', {row}.{column} WHERE {row}.{column} IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM deadline_stale AS s WHERE s.subject_type = '{kind}'"
        f" AND s.subject_id = {row}.{column});"
        for kind, column in _SUBJECTS
    )
    return out + (
        " INSERT INTO deadline_stale (subject_type, subject_id)"
        f" SELECT DISTINCT 'child', p.child_id FROM placement AS p"
        f" WHERE p.household_id = {row}.household_id"
        " AND NOT EXISTS (SELECT 1 FROM deadline_stale AS s"
        " WHERE s.subject_type = 'child' AND s.subject_id = p.child_id);"
    )
