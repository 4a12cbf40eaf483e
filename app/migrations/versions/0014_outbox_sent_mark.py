"""What may have been sent is one mark, not a stamp on each outbox entry.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

Each entry's ``first_sent_at`` (and ``attempts``, which nothing read) was written just before
its batch left the laptop, rewriting every queued change, whole records' text included, only
to record "this may have arrived". A push takes entries strictly in seq order, so the entries
that may have arrived are always a prefix of the outbox: the highest such seq, kept in
``profile_state`` (``app.replica.sent_mark``), says the same with one row.

That needs seqs never to be reused, or an entry queued after the outbox emptied could take a
seq under the mark and be taken as sent. The table is rebuilt ``AUTOINCREMENT``, keeping every
entry and its seq; the mark starts at the highest seq stamped as sent.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# A copy of app.replica.sent_mark's key, not an import: a migration keeps doing what it did.
KEY = "outbox_sent_through"


def upgrade() -> None:
    bind = op.get_bind()
    through = bind.execute(
        text("SELECT max(seq) FROM outbox WHERE first_sent_at IS NOT NULL")
    ).scalar()
    if through is not None:
        bind.execute(
            text("INSERT OR REPLACE INTO profile_state (key, value) VALUES (:key, :value)"),
            {"key": KEY, "value": str(through)},
        )
    with op.batch_alter_table(
        "outbox", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("first_sent_at")
        batch_op.drop_column("attempts")


def downgrade() -> None:
    bind = op.get_bind()
    through = bind.execute(
        text("SELECT value FROM profile_state WHERE key = :key"), {"key": KEY}
    ).scalar()
    with op.batch_alter_table(
        "outbox", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ) as batch_op:
        batch_op.add_column(sa.Column("first_sent_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    if through is not None:
        bind.execute(
            text("UPDATE outbox SET first_sent_at = created_at, attempts = 1 WHERE seq <= :seq"),
            {"seq": int(through)},
        )
    bind.execute(text("DELETE FROM profile_state WHERE key = :key"), {"key": KEY})
