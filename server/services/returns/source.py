"""The records a return is computed from, read once from the service's ``record`` table.

Records are stored as JSON documents (see :mod:`server.models.records`); here they become plain
objects keyed the way every return needs them: by child, in date order. Deleted records are
left out; drafts are kept (a placement or legal status has no draft state), and each return
decides which signed-off records it counts.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import AllocationHistory, Record, Team, UserAccount

#: The record types a return reads.
RETURN_TYPES = (
    "child",
    "legal_status",
    "placement",
    "review",
    "assessment",
    "carer_household",
    "carer",
    "care_plan",
    "visit",
)


def as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


@dataclass
class Item:
    """One record: its id and its fields as the wire schema names them."""

    record_id: uuid.UUID
    fields: dict[str, Any]

    def get(self, name: str) -> Any:
        return self.fields.get(name)

    def day(self, name: str) -> date | None:
        return as_date(self.fields.get(name))


@dataclass
class ChildFile:
    """Everything the service holds about one child that a return reads."""

    child: Item
    legal: list[Item] = field(default_factory=list)
    placements: list[Item] = field(default_factory=list)
    reviews: list[Item] = field(default_factory=list)
    assessments: list[Item] = field(default_factory=list)
    care_plans: list[Item] = field(default_factory=list)
    visits: list[Item] = field(default_factory=list)

    @property
    def child_id(self) -> uuid.UUID:
        return self.child.record_id

    @property
    def born(self) -> date | None:
        return self.child.day("date_of_birth")

    @property
    def name(self) -> str:
        first = self.child.get("preferred_name") or self.child.get("given_name") or ""
        return f"{first} {self.child.get('family_name') or ''}".strip()


@dataclass(frozen=True)
class Holding:
    """One row of a child's allocation history: who held the case from when to when, and the
    903's reason the holding began."""

    worker: UserAccount
    start: date
    end: date | None
    reason: str


@dataclass
class Records:
    children: dict[uuid.UUID, ChildFile]
    households: dict[uuid.UUID, Item]
    carers: dict[uuid.UUID, list[Item]]
    #: Workers by username, for the names and teams a list shows.
    workers: dict[str, UserAccount]
    teams: dict[int, str] = field(default_factory=dict)
    #: Each child's allocation history, oldest first.
    holdings: dict[uuid.UUID, list[Holding]] = field(default_factory=dict)


def load(session: Session) -> Records:
    """Every current record a return may need, grouped by child and household."""
    rows: Iterable[Record] = session.scalars(
        select(Record).where(Record.record_type.in_(RETURN_TYPES), Record.deleted.is_(False))
    )
    by_type: dict[str, list[Item]] = defaultdict(list)
    for row in rows:
        by_type[row.record_type].append(Item(row.record_id, dict(row.fields)))
    children = {item.record_id: ChildFile(item) for item in by_type["child"]}
    lists = {
        "legal_status": "legal",
        "placement": "placements",
        "review": "reviews",
        "assessment": "assessments",
        "care_plan": "care_plans",
        "visit": "visits",
    }
    start_of = {
        "legal_status": "start_date",
        "placement": "start_date",
        "review": "review_date",
        "assessment": "started_date",
        "care_plan": "plan_date",
        "visit": "visit_date",
    }
    for record_type, attribute in lists.items():
        for item in sorted(by_type[record_type], key=lambda i: str(i.get(start_of[record_type]))):
            child_id = _uuid(item.get("child_id"))
            owner = children.get(child_id) if child_id else None
            if owner is not None:
                getattr(owner, attribute).append(item)
    households = {item.record_id: item for item in by_type["carer_household"]}
    carers: dict[uuid.UUID, list[Item]] = defaultdict(list)
    for item in by_type["carer"]:
        household = _uuid(item.get("household_id"))
        if household is not None:
            carers[household].append(item)
    workers = {user.username: user for user in session.scalars(select(UserAccount))}
    teams = {team.id: team.name for team in session.scalars(select(Team))}
    by_id = {user.id: user for user in workers.values()}
    holdings: dict[uuid.UUID, list[Holding]] = defaultdict(list)
    for held in session.scalars(
        select(AllocationHistory)
        .where(AllocationHistory.subject_type == "child")
        .order_by(AllocationHistory.start_date, AllocationHistory.id)
    ):
        holdings[held.subject_id].append(
            Holding(by_id[held.worker_id], held.start_date, held.end_date, held.reason)
        )
    return Records(children, households, dict(carers), workers, teams, dict(holdings))


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
