"""PostgreSQL takes revisions from a sequence instead of the counter row.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

The counter row's lock made every push on PostgreSQL commit one after another (see
``server.services.revisions``). The sequence continues from the counter's value; SQLite keeps
the counter, and so does the table on PostgreSQL, where it is no longer changed.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE revision_seq AS bigint MINVALUE 1 START 1 CACHE 1")
    op.execute(
        "SELECT setval('revision_seq', value, true) FROM revision_counter "
        "WHERE id = 1 AND value > 0"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "UPDATE revision_counter SET value = "
        "coalesce(pg_sequence_last_value('revision_seq'::regclass), value) WHERE id = 1"
    )
    op.execute("DROP SEQUENCE revision_seq")
