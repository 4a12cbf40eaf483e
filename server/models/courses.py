"""The courses the service runs for its foster carers (capacity-building training).

A service-wide table, owned by the service: courses are set up by the service's training team
on the command line and read by every worker's laptop (``GET /v1/courses``), which books carers
onto them as the household's own training records. One owner per table: laptops never write
here, and the service never writes a household's bookings.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow


class CarerCourse(Base):
    __tablename__ = "carer_course"

    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(index=True)
    venue: Mapped[str] = mapped_column(String(200), default="")
    places: Mapped[int | None] = mapped_column(default=None)
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
