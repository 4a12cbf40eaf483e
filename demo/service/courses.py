"""The demo service's courses for its foster carers: a few already run (so a worker can record
who attended) and a few to come (to book carers onto), dated from the day the demo is built."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from server.services import courses

#: Title, days from the build day (negative: already run), venue, places, what it covers.
COURSES = (
    ("Therapeutic parenting: the basics", -40, "Fennbridge Town Hall", 14,
     "Why children who have been hurt behave as they do, and how to respond."),
    ("Safer caring and allegations", -12, "Online", None,
     "Keeping children and your own family safe; what happens after an allegation."),
    ("Life story work with children in care", 18, "Fennbridge Town Hall", 12,
     "Helping a child make sense of their history, with the child's social worker."),
    ("Supporting contact with birth families", 33, "Riverside Family Centre", 10,
     "Preparing children for contact and helping them afterwards."),
    ("Caring for unaccompanied asylum-seeking young people", 61, "Online", None,
     "Culture, the asylum process and trauma; working with interpreters."),
)  # fmt: skip


def write(session: Session, today: date) -> int:
    for title, days, venue, places, summary in COURSES:
        courses.add_course(
            session,
            title=title,
            starts_on=today + timedelta(days=days),
            venue=venue,
            places=places,
            summary=summary,
            actor="demo",
        )
    return len(COURSES)
