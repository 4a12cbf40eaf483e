"""What a case's move must not lose: the cursor a change was made under, and kept removals.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

A change made while the laptop held a case must still reach the case after it moved to someone
else; the service decides that from the pull cursor the laptop held when the change was made
(``outbox.made_under``). A removal the service sends for a record the worker still has work on
is carried out only once that work has reached the service or a person has decided about it
(``sync_kept_removal``). A change refused because the record it refers to was not on the
service yet waits for that record (``outbox.waits_for``) and is sent again once it is. Entries
queued before this revision have no cursor: the service judges
them by the push's own cursor, as it would have before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("made_under", sa.Text(), nullable=True))
        batch.add_column(sa.Column("waits_for", sa.Uuid(), nullable=True))
    op.create_table(
        "sync_kept_removal",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("kept_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )


def downgrade() -> None:
    # Removals still kept would be forgotten with the table: the records stay on the laptop
    # (nothing is lost), and a full re-sync would remove them once their work is sent.
    op.drop_table("sync_kept_removal")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("waits_for")
        batch.drop_column("made_under")
