"""Work a colleague recorded on a case before it moved to this laptop's worker.

The service flags such work with a signed-off case note of kind ``LATE_WORK`` on the child or
household (``server.services.late_work``). The dashboard lists the recent ones so the worker
who holds the case now (and their manager) reads the work, not only the chronology.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app.models import CarerHousehold, CaseNote, Child
from app.store import Store

#: The case note kind the service writes (``resources/codes/service.toml``).
LATE_NOTE_KIND = "LATE_WORK"
#: How long a flag stays on the dashboard after the work arrived.
SHOWN_FOR = timedelta(days=28)


@dataclass(frozen=True)
class LateWork:
    child_id: uuid.UUID | None
    household_id: uuid.UUID | None
    #: The child's or household's name.
    about: str
    #: "Recorded by A before the case moved to you".
    heading: str
    arrived: date


def recent(store: Store, today: date) -> list[LateWork]:
    """Flags of late work from the last ``SHOWN_FOR``, newest first."""
    since = today - SHOWN_FOR
    with store.read() as session:
        notes = session.execute(
            select(CaseNote.child_id, CaseNote.household_id, CaseNote.subject, CaseNote.event_date)
            .where(
                CaseNote.kind == LATE_NOTE_KIND,
                CaseNote.deleted.is_(False),
                CaseNote.event_date >= since,
            )
            .order_by(CaseNote.event_date.desc())
        ).all()
        found = []
        for child_id, household_id, heading, arrived in notes:
            about = ""
            if child_id is not None:
                child = session.get(Child, child_id)
                about = f"{child.given_name} {child.family_name}" if child else ""
            elif household_id is not None:
                household = session.get(CarerHousehold, household_id)
                about = household.name if household else ""
            found.append(LateWork(child_id, household_id, about, heading, arrived))
    return found
