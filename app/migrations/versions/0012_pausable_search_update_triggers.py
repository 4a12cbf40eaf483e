"""The search index's update triggers can be paused for a page too (see 0011).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27

A sync that brings newer versions of records the laptop holds (a colleague's edits) rewrites
each with one upsert, and ``search_<table>_au`` then re-indexed it row by row: on a 50,000-record
profile that was most of the time to apply 450 edited case notes. The search update triggers now
carry the same guard as the insert triggers, and sync re-indexes the page's records in a few
statements instead (``app.replica.page_triggers.reindex``). The deadline update triggers are left
as they are: they fire only when a column the deadlines read has changed, which a per-row
comparison does exactly and cheaply.
"""

from __future__ import annotations

import re

from alembic import op
from sqlalchemy import text

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

GUARD = " WHEN NOT EXISTS (SELECT 1 FROM trigger_pause)"
_UPDATE_TRIGGER = re.compile(r"(CREATE TRIGGER \w+ AFTER UPDATE OF [\w, ]+ ON \w+)( BEGIN.*)", re.S)


def upgrade() -> None:
    for name, sql in _search_update_triggers():
        match = _UPDATE_TRIGGER.fullmatch(sql)
        if match is None:
            raise RuntimeError(f"trigger {name} is not in the expected form")
        _replace(name, match.group(1) + GUARD + match.group(2))


def downgrade() -> None:
    for name, sql in _search_update_triggers():
        _replace(name, sql.replace(GUARD, "", 1))


def _search_update_triggers() -> list[tuple[str, str]]:
    rows = op.get_bind().execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND name LIKE 'search\\_%\\_au' ESCAPE '\\' ORDER BY name"
        )
    )
    return [(str(name), str(sql)) for name, sql in rows]


def _replace(name: str, sql: str) -> None:
    op.execute(f"DROP TRIGGER {name}")
    op.execute(sql)
