"""The outbox keeps each entry's fields deflated (``app.models.packed``).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

A new record's entry holds all its fields, about 2.4 KB of JSON, so each entry filled a page on
its own; deflated, several share one, and writing, pushing and settling a day's work moves a
third of the pages. The text deflated is exactly the JSON the column held, so nothing about an
entry's meaning changes. The table is rebuilt with the column as a BLOB, keeping every entry,
its seq and the table's AUTOINCREMENT counter: seqs must never be reused (``app.store.
sent_mark``), even when the outbox is empty at the time of the upgrade.
"""

from __future__ import annotations

import zlib
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Raw deflate at level 1, as app.models.packed writes it (a copy, not an import: a migration
# keeps doing what it did). Any deflate reader reads it, ISA-L's included.
_WBITS = -15


def _pack(value: str) -> bytes:
    compressor = zlib.compressobj(1, zlib.DEFLATED, _WBITS)
    return compressor.compress(value.encode("utf-8")) + compressor.flush()


def _unpack(value: bytes) -> str:
    return zlib.decompress(value, _WBITS).decode("utf-8")


def upgrade() -> None:
    _rebuild(
        sa.LargeBinary(),
        sa.JSON(),
        lambda value: value if isinstance(value, bytes) else _pack(value),
    )


def downgrade() -> None:
    _rebuild(
        sa.JSON(),
        sa.LargeBinary(),
        lambda value: _unpack(value) if isinstance(value, bytes) else value,
    )


def _rebuild(new_type: Any, old_type: Any, convert: Any) -> None:
    bind = op.get_bind()
    counter = bind.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")).scalar()
    rows = bind.execute(text("SELECT seq, fields FROM outbox")).all()
    with op.batch_alter_table(
        "outbox", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.alter_column(
            "fields", type_=new_type, existing_type=old_type, existing_nullable=False
        )
    for seq, value in rows:
        bind.execute(
            text("UPDATE outbox SET fields = :fields WHERE seq = :seq"),
            {"fields": convert(value), "seq": seq},
        )
    if counter is not None:
        # The copy set the counter from the entries it copied: from none, or from fewer than
        # the outbox has ever held, it would hand out seqs again.
        bind.execute(text("DELETE FROM sqlite_sequence WHERE name = 'outbox'"))
        bind.execute(
            text("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', :seq)"),
            {"seq": counter},
        )
