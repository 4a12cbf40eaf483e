"""The service's courses for foster carers: set up by the training team on the command line,
read by workers' laptops to book carers onto them.

Who may read the list: the service's case-holding staff (``worker``, ``manager``), as for the
carer register; a course is not personal data, so reads are not audited, but every course
added or cancelled is. The list runs from a year back (attendance is recorded after the day,
sometimes weeks after) to every course still to come.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.core.errors import ServiceError
from server.models import CarerCourse, utcnow
from server.services import audit
from server.services.accounts import AdminError
from sync.protocol.courses import Course, CourseList

READERS = frozenset({"worker", "manager"})
#: How far back the list reaches: attendance at a course is recorded after it.
LOOK_BACK = timedelta(days=365)


def add_course(
    session: Session,
    *,
    title: str,
    starts_on: date,
    venue: str = "",
    places: int | None = None,
    summary: str = "",
    actor: str,
) -> CarerCourse:
    title = title.strip()
    if not title or "\n" in title:
        raise AdminError("Give the course a title on one line.")
    if places is not None and places < 1:
        raise AdminError("A course takes at least one carer (leave --places out for no limit).")
    course = CarerCourse(
        title=title,
        summary=summary.strip(),
        starts_on=starts_on,
        venue=venue.strip(),
        places=places,
        created_by=actor,
    )
    session.add(course)
    session.flush()
    audit.record_event(
        session,
        actor=actor,
        action="course.add",
        detail=f"{course.course_id} {starts_on.isoformat()} {title}",
    )
    return course


def cancel_course(session: Session, *, course_id: uuid.UUID, actor: str) -> CarerCourse:
    course = session.get(CarerCourse, course_id)
    if course is None:
        raise AdminError(f"No course {course_id}.")
    course.cancelled = True
    audit.record_event(session, actor=actor, action="course.cancel", detail=str(course_id))
    return course


def all_courses(session: Session, *, since: date | None = None) -> list[CarerCourse]:
    query = select(CarerCourse).order_by(CarerCourse.starts_on, CarerCourse.title)
    if since is not None:
        query = query.where(CarerCourse.starts_on >= since)
    return list(session.scalars(query))


def course_list(session: Session, *, caller: Caller, now: datetime | None = None) -> CourseList:
    if caller.role not in READERS:
        raise ServiceError(
            403,
            "courses_refused",
            "The list of courses is for the service's social workers and managers.",
        )
    now = now or utcnow()
    return CourseList(
        as_of=now,
        courses=[
            Course(
                course_id=c.course_id,
                title=c.title,
                summary=c.summary,
                starts_on=c.starts_on,
                venue=c.venue,
                places=c.places,
                cancelled=c.cancelled,
            )
            for c in all_courses(session, since=now.date() - LOOK_BACK)
        ],
    )
