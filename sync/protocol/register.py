"""The carer register's body (``GET /v1/register``), shared by client and service.

Every approved fostering household with its terms of approval, the children placed with it
now and its free places, worked out by the service from its own records so that the
placements team matches a child against the whole service, not one laptop's caseload. A
laptop keeps the last answer to show offline, marked with ``as_of``.

Placed children appear by age only: matching needs the household's mix of ages, not who the
children are, and a worker searching the register may hold none of them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sync.protocol.messages import WireModel


class RegisterEntry(WireModel):
    household_id: uuid.UUID
    name: str
    #: Codes from ``carer_type`` and ``fostering_approval_type`` (None: terms not recorded).
    carer_type: str
    approval_type: str | None
    approval_date: date | None
    #: The ages the household is approved for (None: no bound recorded).
    age_range_min: int | None
    age_range_max: int | None
    #: How many children it may care for at once (None: not recorded, so no vacancy is
    #: counted: a place nobody approved is not a place).
    max_children: int | None
    approval_terms: str
    #: The supervising social worker's login and name (the person to ask about a match).
    supervising_worker: str
    supervising_worker_name: str
    #: Ages in whole years today of the children placed there now, youngest first (None: the
    #: child's date of birth is not recorded).
    placed_ages: list[int | None]
    vacancies: int


class CarerRegister(WireModel):
    as_of: datetime
    today: date
    entries: list[RegisterEntry]


def matches(
    entry: RegisterEntry,
    *,
    age: int | None = None,
    approval_type: str | None = None,
    vacant_only: bool = False,
) -> bool:
    """Whether a household could be asked about a child of ``age`` needing ``approval_type``:
    the service and the laptop's offline search both use this, so they cannot disagree."""
    if age is not None:
        if entry.age_range_min is not None and age < entry.age_range_min:
            return False
        if entry.age_range_max is not None and age > entry.age_range_max:
            return False
    if approval_type is not None and entry.approval_type != approval_type:
        return False
    return not (vacant_only and entry.vacancies <= 0)
