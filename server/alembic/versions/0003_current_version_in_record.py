"""The history keeps the versions a record has replaced; its current one is its ``record`` row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

Until now every version was written twice: as the record row and as a history row with the
same text. Most of what laptops push is new records, so the history doubled the text a push
wrote (and the service's file). Now a version enters the history only when a newer one replaces
it (``server.services.records``), so this drops each record's current version from the history:
the record row holds exactly the same thing. Downgrading copies the current versions back.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM record_version WHERE EXISTS (SELECT 1 FROM record "
        "WHERE record.record_id = record_version.record_id "
        "AND record.revision = record_version.revision)"
    )


def downgrade() -> None:
    op.execute(
        "INSERT INTO record_version (record_id, revision, deleted, fields, author, device_id, at) "
        "SELECT record_id, revision, deleted, fields, updated_by, updated_device, updated_at "
        "FROM record"
    )
