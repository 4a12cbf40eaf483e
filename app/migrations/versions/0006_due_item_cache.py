"""Saved deadlines for the dashboard, and triggers that say whose deadlines need redoing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

``due_item`` holds each child's and each carer household's due items as the deadline engine
last worked them out (``due_subject`` says for which days that answer holds), so the
dashboard reads them instead of working out 5,000 children's deadlines on every opening.

``deadline_stale`` lists the subjects whose items may be out of date. Triggers fill it in the
same transaction as the change, on every table the deadline facts are read from
(``app.deadlines.from_store``): the store's own saves, sync's bulk statements and purges alike,
which no ORM hook would see. An update marks the subject only when a column the engine reads
actually changed, so sync's bookkeeping (revisions, dirty flags) redoes nothing. A carer
household's changes also mark the children placed with it: whether their carers are only
temporarily approved changes the visit rules for those children.

Nothing is filled here: with no rule fingerprint saved yet, the first dashboard opening works
out every subject and saves the result (``app.deadlines.cache``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# table -> (columns the deadline facts read, (subject type, subject id expression) pairs)
_FEEDS: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
    "child": (["case_open", "deleted"], [("child", "{r}.id")]),
    "legal_status": (
        ["child_id", "code", "start_date", "end_date", "deleted"],
        [("child", "{r}.child_id")],
    ),
    "placement": (
        [
            "child_id",
            "household_id",
            "placement_type",
            "start_date",
            "end_date",
            "placement_plan_date",
            "long_term_designated",
            "intended_until_18",
            "child_agrees_less_frequent_visits",
            "before_assessment_complete",
            "deleted",
        ],
        [("child", "{r}.child_id")],
    ),
    "care_plan": (
        ["child_id", "plan_date", "status", "deleted"],
        [("child", "{r}.child_id")],
    ),
    "visit": (
        [
            "child_id",
            "household_id",
            "visit_type",
            "visit_date",
            "status",
            "welfare_concern",
            "deleted",
        ],
        [("child", "{r}.child_id"), ("household", "{r}.household_id")],
    ),
    "review": (
        [
            "child_id",
            "household_id",
            "kind",
            "review_date",
            "visit_interval_weeks",
            "status",
            "deleted",
        ],
        [("child", "{r}.child_id"), ("household", "{r}.household_id")],
    ),
    "training_record": (
        ["household_id", "kind", "completed_date", "deleted"],
        [("household", "{r}.household_id")],
    ),
    "carer_household": (
        [
            "carer_type",
            "approval_status",
            "approval_date",
            "temporary_approval_date",
            "temporary_extension_until",
            "deleted",
        ],
        [("household", "{r}.id")],
    ),
}

#: The children placed with a household (any placement: a cheap, safe over-estimate).
_PLACED_WITH = (
    "INSERT INTO deadline_stale (subject_type, subject_id)"
    " SELECT DISTINCT 'child', p.child_id FROM placement AS p WHERE p.household_id = {r}.id"
    " AND NOT EXISTS (SELECT 1 FROM deadline_stale AS s"
    " WHERE s.subject_type = 'child' AND s.subject_id = p.child_id);"
)


def upgrade() -> None:
    op.create_table(
        "due_subject",
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("computed_for", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("subject_type", "subject_id"),
    )
    op.create_table(
        "due_item",
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("obligation", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("rule_ref", sa.String(length=64), nullable=False),
        sa.Column("regulation", sa.String(length=200), nullable=False),
        sa.Column("last_done", sa.Date(), nullable=True),
        sa.Column("unverified", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("subject_type", "subject_id", "obligation"),
    )
    op.create_table(
        "deadline_stale",
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("subject_type", "subject_id"),
    )
    for table, (columns, subjects) in _FEEDS.items():
        _create_triggers(table, columns, subjects)


def downgrade() -> None:
    for table in _FEEDS:
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER IF EXISTS deadline_{table}_{suffix}")
    op.drop_table("deadline_stale")
    op.drop_table("due_item")
    op.drop_table("due_subject")


def _mark(subjects: list[tuple[str, str]], row: str, table: str) -> str:
    """The statements that list ``row``'s (NEW or OLD) subjects as stale.

    A guard with NOT EXISTS rather than ``INSERT OR IGNORE``: inside a trigger SQLite replaces
    the inner statement's conflict policy with the outer one's, so a sync upsert (``ON CONFLICT
    DO UPDATE``) that fires this trigger would turn the IGNORE into an error.
    """
    r = {"r": row}
    out = "".join(
        f" INSERT INTO deadline_stale (subject_type, subject_id)"
        f" SELECT '{kind}', {expr.format(**r)} WHERE {expr.format(**r)} IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM deadline_stale AS s WHERE s.subject_type = '{kind}'"
        f" AND s.subject_id = {expr.format(**r)});"
        for kind, expr in subjects
    )
    if table == "carer_household":
        out += " " + _PLACED_WITH.format(**r)
    return out


def _create_triggers(table: str, columns: list[str], subjects: list[tuple[str, str]]) -> None:
    new, old = _mark(subjects, "NEW", table), _mark(subjects, "OLD", table)
    op.execute(f"CREATE TRIGGER deadline_{table}_ai AFTER INSERT ON {table} BEGIN{new} END")
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    op.execute(
        f"CREATE TRIGGER deadline_{table}_au AFTER UPDATE OF {', '.join(columns)} ON {table}"
        f" WHEN {changed} BEGIN{old}{new} END"
    )
    op.execute(f"CREATE TRIGGER deadline_{table}_ad AFTER DELETE ON {table} BEGIN{old} END")
