"""The carer register: every approved household's terms, placements and free places.

Worked out from the service's records (``carer_household``, ``placement``, ``child``), not
from what one laptop holds, so a placements worker sees every household whoever supervises
it. A placement counts while it has started and not ended (``end_date`` after today, or
none); a household's vacancies are its approved number of children less those placed now,
never below zero.

Who may read it: the service's case-holding staff (roles ``worker`` and ``manager``), any
team. Matching a child to carers is done by the child's social worker with the placements
team, who are workers of the service like any other, and a household's terms are not
confidential within the service. Admins (who run the service, not cases) and performance
officers (who have the figures) are refused. The register carries no address and no placed
child's name or id, only ages. The check is made on every request, and every read is audited.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import codes
from app.chronology import age_on
from server.core.caller import Caller
from server.core.errors import ServiceError
from server.models import Record, UserAccount, utcnow
from sync.protocol.register import CarerRegister, RegisterEntry, matches

#: Roles that may read the register (see the module's docstring for why).
READERS = frozenset({"worker", "manager"})
#: The approval statuses the register lists: a household approved and able to take children.
LISTED = "APPROVED"


def check_reader(caller: Caller) -> None:
    if caller.role not in READERS:
        raise ServiceError(
            403,
            "register_refused",
            "The carer register is for the service's social workers and managers.",
        )


def carer_register(
    session: Session,
    *,
    caller: Caller,
    age: int | None = None,
    approval_type: str | None = None,
    vacant_only: bool = False,
    today: date | None = None,
    now: datetime | None = None,
) -> CarerRegister:
    """The register, narrowed to households approved for a child of ``age`` and of
    ``approval_type`` (and with a free place, if ``vacant_only``)."""
    check_reader(caller)
    if approval_type is not None and not codes.is_valid("fostering_approval_type", approval_type):
        raise ServiceError(
            422,
            "unknown_approval_type",
            f"{approval_type!r} is not a kind of fostering approval.",
            field="approval_type",
        )
    now = now or utcnow()
    today = today or now.date()
    households = {
        record_id: fields
        for record_id, fields in session.execute(
            select(Record.record_id, Record.fields).where(
                Record.deleted.is_(False),
                Record.record_type == "carer_household",
                Record.fields["approval_status"].as_string() == LISTED,
            )
        )
    }
    placed: dict[uuid.UUID, list[uuid.UUID]] = {household: [] for household in households}
    if households:
        for (fields,) in session.execute(
            select(Record.fields).where(
                Record.deleted.is_(False),
                Record.record_type == "placement",
                Record.fields["household_id"].as_string().in_([str(h) for h in households]),
            )
        ):
            if _current(fields, today):
                placed[uuid.UUID(str(fields["household_id"]))].append(
                    uuid.UUID(str(fields["child_id"]))
                )
    children = {child for ids in placed.values() for child in ids}
    born: dict[uuid.UUID, date | None] = {}
    if children:
        for record_id, fields in session.execute(
            select(Record.record_id, Record.fields).where(
                Record.record_type == "child", Record.record_id.in_(children)
            )
        ):
            raw = fields.get("date_of_birth")
            born[record_id] = date.fromisoformat(str(raw)) if raw else None

    logins = {str(fields.get("supervising_worker") or "") for fields in households.values()}
    names: dict[str, str] = {
        username: display_name
        for username, display_name in session.execute(
            select(UserAccount.username, UserAccount.display_name).where(
                UserAccount.username.in_(sorted(logins))
            )
        )
    }

    entries = []
    for household_id, fields in households.items():
        login = str(fields.get("supervising_worker") or "")
        ages = sorted(
            (_age(born.get(child), today) for child in placed[household_id]),
            key=lambda a: (a is None, a or 0),
        )
        limit = fields.get("max_children")
        entry = RegisterEntry(
            household_id=household_id,
            name=str(fields.get("name") or ""),
            carer_type=str(fields.get("carer_type") or ""),
            approval_type=fields.get("approval_type"),
            approval_date=fields.get("approval_date"),
            age_range_min=fields.get("age_range_min"),
            age_range_max=fields.get("age_range_max"),
            max_children=limit,
            approval_terms=str(fields.get("approval_terms") or ""),
            supervising_worker=login,
            supervising_worker_name=names.get(login) or login,
            placed_ages=ages,
            vacancies=max(0, int(limit) - len(ages)) if limit is not None else 0,
        )
        if matches(entry, age=age, approval_type=approval_type, vacant_only=vacant_only):
            entries.append(entry)
    entries.sort(key=lambda e: (-e.vacancies, e.name.casefold(), str(e.household_id)))
    return CarerRegister(as_of=now, today=today, entries=entries)


def _age(born: date | None, today: date) -> int | None:
    return age_on(born, today) if born is not None else None


def _current(fields: dict[str, object], today: date) -> bool:
    start, end = fields.get("start_date"), fields.get("end_date")
    if not start or date.fromisoformat(str(start)) > today:
        return False
    return not end or date.fromisoformat(str(end)) > today
