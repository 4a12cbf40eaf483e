"""Bodies of the team manager's API (``/v1/team/...``), shared by client and service.

The Team page shows figures the service works out from its own records, so every manager sees
the same numbers whatever their laptop holds; the laptop keeps the last answer (in its
encrypted store) to show offline, marked with ``as_of``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from sync.protocol.messages import WireModel


class Laptop(WireModel):
    """One of a worker's laptops: anything recorded on it since ``last_contact`` has not
    reached the service yet."""

    name: str
    last_contact: datetime | None


class WorkerFigures(WireModel):
    username: str
    display_name: str
    role: str
    children: int
    households: int
    overdue: int
    due_soon: int
    #: Drafts (visits, assessments, reviews, notes, care plans) started more than a week ago.
    old_drafts: int
    open_actions: int
    laptops: list[Laptop]


class SubjectFigures(WireModel):
    """A child or household of the team, for opening it and for allocation."""

    kind: Literal["child", "household"]
    subject_id: uuid.UUID
    name: str
    worker: str
    overdue: int
    due_soon: int
    #: The soonest item still to do, in words, and its date.
    next_item: str | None
    next_due: date | None


class TeamOverview(WireModel):
    team: str
    as_of: datetime
    today: date
    workers: list[WorkerFigures]
    subjects: list[SubjectFigures]


class Reentry(WireModel):
    """A child of the team who came back into care within the service's window after going
    home: the service is judged on returns home that last, so the manager sees each one."""

    subject_id: uuid.UUID
    name: str
    worker: str
    #: The day their looked-after status ended with a return-home reason (903 REC E4A).
    returned_home: date
    #: The day a looked-after status began again.
    came_back: date


class TeamReentries(WireModel):
    """The team's re-entries to care (``GET /v1/team/reentries``): children who came back into
    care within ``window_months`` of going home, on a day in the last ``shown_months``, latest
    first. A route of its own, not a field on the overview, because answers refuse unknown
    fields and an older laptop would then refuse the whole overview."""

    as_of: datetime
    today: date
    window_months: int
    shown_months: int
    reentries: list[Reentry]


class AllocationRequest(WireModel):
    kind: Literal["child", "household"]
    subject_id: uuid.UUID
    #: The username of the team member who is to hold it.
    worker: str


class AllocationDone(WireModel):
    kind: Literal["child", "household"]
    subject_id: uuid.UUID
    previous: str | None
    worker: str


class Person(WireModel):
    username: str
    display_name: str


class People(WireModel):
    """The names behind the login ids a laptop's records carry (``GET /v1/people``)."""

    people: list[Person]


class ServiceIdentity(WireModel):
    """How the service names itself on the records laptops export (``GET /v1/service``); a
    route of its own rather than a field on an older answer, because answers refuse unknown
    fields and an older laptop would then refuse the whole answer."""

    name: str = Field(min_length=1, max_length=120)
