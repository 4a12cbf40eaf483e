"""The service's courses for foster carers (``GET /v1/courses``), shared by client and service.

Courses are the service's, not any one household's: the service's training team sets them up
(``casebook-server course add``) and every worker books their carers onto them. A laptop keeps
the last list it was sent, marked ``as_of``, so a worker can book a carer at a supervision visit
with no signal; the booking itself is the household's own training record, synced as usual.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sync.protocol.messages import WireModel


class Course(WireModel):
    course_id: uuid.UUID
    title: str
    #: What the course covers, in a line or two (shown when choosing it).
    summary: str
    starts_on: date
    venue: str
    #: How many carers it takes (None: no limit set).
    places: int | None
    #: A cancelled course is still listed (bookings name it) but cannot be booked.
    cancelled: bool


class CourseList(WireModel):
    as_of: datetime
    courses: list[Course]
