"""Agreed actions are deadlines too: their changes mark their subject's saved answer stale.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27

An open action with a due date (agreed at a review, or added on its own) is a due item of its
child or carer household beside the statutory ones (``app.deadlines.engine.action_item``), so
the saved deadlines (migration 0006) must be redone when an action is added, completed,
re-dated, re-worded, moved to another subject or deleted: whether by the worker on this laptop
or by sync's bulk statements, which no ORM hook sees. These triggers list the action's
subjects in ``deadline_stale`` in the same transaction, exactly as 0006's do for the other
tables the deadline facts read.

Nothing is filled here: ``app.deadlines.cache.FORMAT`` changed with this revision, so the first
dashboard opening after it redoes every subject, open actions included.

(Numbered 0009, as reserved; chained after 0010, the head when it was written, so the chain
stays single-headed.)
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The columns the deadline facts read from ``action`` (``from_store._open_actions``).
_COLUMNS = (
    "child_id",
    "household_id",
    "description",
    "owner",
    "due_date",
    "completed_date",
    "deleted",
)
_SUBJECTS = (("child", "child_id"), ("household", "household_id"))


def upgrade() -> None:
    new, old = _mark("NEW"), _mark("OLD")
    op.execute(f"CREATE TRIGGER deadline_action_ai AFTER INSERT ON action BEGIN{new} END")
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _COLUMNS)
    op.execute(
        f"CREATE TRIGGER deadline_action_au AFTER UPDATE OF {', '.join(_COLUMNS)} ON action"
        f" WHEN {changed} BEGIN{old}{new} END"
    )
    op.execute(f"CREATE TRIGGER deadline_action_ad AFTER DELETE ON action BEGIN{old} END")


def downgrade() -> None:
    for suffix in ("ai", "au", "ad"):
        op.execute(f"DROP TRIGGER IF EXISTS deadline_action_{suffix}")


def _mark(row: str) -> str:
    """The statements that list ``row``'s (NEW or OLD) child and household as stale (a
    household named beside a child is an over-estimate, and a cheap one). A NOT EXISTS guard
    rather than ``INSERT OR IGNORE``, for the reason 0006 gives (sync's upserts)."""
    return "".join(
        f" INSERT INTO deadline_stale (subject_type, subject_id)"
        f" SELECT '{kind}', {row}.{column} WHERE {row}.{column} IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM deadline_stale AS s WHERE s.subject_type = '{kind}'"
        f" AND s.subject_id = {row}.{column});"
        for kind, column in _SUBJECTS
    )
