"""The switch that lets a sync page pause the tables' insert triggers (migration 0011).

While this table holds a row, every AFTER INSERT trigger on a record table does nothing. It
only ever holds one inside the transaction that writes a pulled page of new records, which
removes it again before committing (``app.replica.page_triggers.paused``) and does the triggers'
work itself, once for the whole page. No other code writes here.
"""

from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class TriggerPause(Base):
    __tablename__ = "trigger_pause"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
