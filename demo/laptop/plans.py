"""What the laptop demo plans for a child or a household before writing a record: the dates
and choices made first, in memory, so visits can be shared out to an exact total and every
record is written afterwards in large transactions (``demo.laptop.caseload``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.models import Carer, CarerHousehold, Child, Record
from demo.laptop.scenarios import Scenario


@dataclass
class HouseholdPlan:
    household: CarerHousehold
    carers: list[Carer]
    current_children: int = 0
    records: list[Record] = field(default_factory=list)
    #: Behind with its TSD standards and its unannounced visit, so every demo shows both.
    late: bool = False


@dataclass
class Stay:
    """A placement while it is being planned."""

    place: str
    start: date
    household: HouseholdPlan | None
    end: date | None = None
    flags: frozenset[str] = frozenset()


@dataclass
class ChildPlan:
    scenario: Scenario
    child: Child
    looked_after_start: date
    statuses: list[tuple[str, date]]  # (code, start) in order; each ends when the next starts
    stays: list[Stay]
    #: When a permanence order ended the child's time in care (SGO, CAO, adoption).
    order_date: date | None = None
    order_reason: str = ""
    visit_target: str = "on_track"
    #: Candidate visits, newest first: (date, visit type). The first ``visit_count`` are made.
    candidates: list[tuple[date, str]] = field(default_factory=list)
    visit_count: int = 0
    draft: bool = False
    reviews: dict[str, list[date]] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)

    @property
    def current_stay(self) -> Stay | None:
        last = self.stays[-1] if self.stays else None
        return last if last is not None and last.end is None else None
