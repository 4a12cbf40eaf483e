"""What the children looked after return (SSDA903) needs that a child's record and a placement
did not hold: the postcodes the return's distance and placing authority are worked out from,
the placement's Ofsted URN, whether a young woman is a mother (and her first child's birth), and
a child's previous permanence order (asked when a child starts to be looked after).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

All new columns are nullable: nothing recorded before is made invalid, and a record synced from
a laptop that does not know them keeps them empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_CHILD = (
    ("home_postcode", sa.String(length=8)),
    ("is_mother", sa.Boolean()),
    ("first_child_born", sa.Date()),
    ("previous_permanence", sa.String(length=2)),
    ("previous_permanence_date", sa.Date()),
    ("previous_permanence_la", sa.String(length=3)),
)
_PLACEMENT = (("postcode", sa.String(length=8)), ("urn", sa.String(length=8)))


# Plain ADD/DROP COLUMN rather than batch mode: a batch that rebuilt the table would drop the
# search and change-tracking triggers on it.


def upgrade() -> None:
    for name, kind in _CHILD:
        op.add_column("child", sa.Column(name, kind, nullable=True))
    for name, kind in _PLACEMENT:
        op.add_column("placement", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(_PLACEMENT):
        op.drop_column("placement", name)
    for name, _ in reversed(_CHILD):
        op.drop_column("child", name)
