"""The fostering panel's dates and the items on each: kept by the service, not by a laptop.

A panel sits for the whole service (the panel administrator sets its dates), so its dates and
agenda are the service's own tables rather than records a worker's laptop owns: one owner. What
a panel decides about a household's approval reaches the household's own record (its panel
day, recommendation and the agency decision maker's decision), written here by the service and
carried to the assessing worker's laptop by the sync (``server.services.panels``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow


class PanelMeeting(Base):
    """One sitting of the fostering panel."""

    __tablename__ = "panel_meeting"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sits_on: Mapped[date] = mapped_column(Date, index=True)
    #: Where, or anything the members need to know ("Room 2, Town Hall").
    details: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PanelItem(Base):
    """A household on a panel's agenda for one purpose (``panel_item_kind``: approval, first
    review, change of terms, deregistration), with the panel's recommendation and the agency
    decision maker's decision once made."""

    __tablename__ = "panel_item"
    __table_args__ = (UniqueConstraint("meeting_id", "household_id", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("panel_meeting.id"), index=True)
    #: The ``carer_household`` record's id.
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(24))
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    recommendation: Mapped[str | None] = mapped_column(String(32), default=None)
    recommendation_notes: Mapped[str] = mapped_column(Text, default="")
    recommended_by: Mapped[str | None] = mapped_column(String(120), default=None)
    decision: Mapped[str | None] = mapped_column(String(32), default=None)
    decided_on: Mapped[date | None] = mapped_column(Date, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(120), default=None)
