"""The caseload dashboard's rows: each child with their next statutory items and agreed actions
(``app.deadlines.engine.action_item``), most urgent first.

Qt-free on purpose: the text front end prints these rows today and the Qt table model will
present the same rows later, so what a worker sees, and in what order, is decided in one place
and tested without a display.

The deadlines are the engine's answers as saved by ``app.deadlines.cache`` (redone first for the
few subjects whose records changed or whose answer expired), because working them out afresh for
5,000 children takes seconds and the budget is 100 ms; ``worked_out`` still asks the engine
directly, as the reference the saved answers must equal. This module adds only what a row shows
beside them (name, age, legal status, placement, carers) in a few whole-caseload queries, never
one query per child, read in the same transaction as the deadlines.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import (
    Connection,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from app import codes, gcpause
from app.deadlines import cache, return_home
from app.deadlines import rules as rule_table
from app.deadlines.engine import STATUS_WORDS, DueItem, Status, is_action
from app.deadlines.from_store import CaseloadDeadlines, caseload_deadlines
from app.models import CarerHousehold, Child, DueSubject, LegalStatus, Placement
from app.models.due_cache import CHILD, HOUSEHOLD

#: The legal status column of a child not looked after because they went home, whom the
#: service supports after return (``_legal_now``): its own value, shown in words.
RETURNED_HOME = "RETURNED_HOME"

if TYPE_CHECKING:
    from app.store import Store

#: Most urgent first. A child with nothing outstanding sorts after everyone with something due.
URGENCY = (Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.DONE)
_RANK = {status: rank for rank, status in enumerate(URGENCY)}

#: What the placement column says for a child who has left care under a permanence order.
_NOT_PLACED = {
    "SGO": "With special guardians",
    "CAO": "With carers under a CAO",
    "AO": "Adopted",
}


@dataclass(frozen=True)
class DashboardRow:
    """One child on the dashboard. ``items`` are all their deadlines, most urgent first;
    ``worst`` and ``next_due`` are worked out once, when the row is made, because the table
    sorts and colours by them on every repaint."""

    child_id: uuid.UUID
    name: str
    age: int
    legal_status_code: str | None
    legal_status: str
    placement_code: str | None
    placement: str
    carers: str | None
    items: tuple[DueItem, ...]
    worst: Status
    next_due: date | None

    @property
    def open_items(self) -> tuple[DueItem, ...]:
        """What is still to do, most urgent first."""
        return tuple(i for i in self.items if i.status is not Status.DONE)

    @property
    def next_item(self) -> DueItem | None:
        """The open item that falls due first."""
        live = self.open_items
        return min(live, key=lambda i: i.due) if live else None

    def summary(self, limit: int = 3) -> str:
        """The most urgent items in words, e.g. "Statutory visit: Overdue (due 03 Nov 2026)",
        then every other open agreed action (what the worker promised someone is never left
        out). Status is always spelt out, never left to colour, so it reads the same in any
        view."""
        live = self.open_items
        shown = live[:limit] + tuple(i for i in live[limit:] if is_action(i.obligation))
        return (
            "; ".join(f"{i.title}: {STATUS_WORDS[i.status]} (due {i.due:%d %b %Y})" for i in shown)
            or "Nothing due"
        )


@dataclass(frozen=True)
class HouseholdRow:
    """A carer household with its own deadlines (reviews, TSD, unannounced visits...)."""

    household_id: uuid.UUID
    name: str
    carer_type: str
    approval_status: str
    items: tuple[DueItem, ...]
    worst: Status
    next_due: date | None
    carer_type_code: str
    approval_code: str

    @property
    def open_items(self) -> tuple[DueItem, ...]:
        return tuple(i for i in self.items if i.status is not Status.DONE)


@dataclass(frozen=True)
class Dashboard:
    children: list[DashboardRow]
    households: list[HouseholdRow]


#: One child or carer household as the dashboard's table first needs it, raw values only, as
#: a plain tuple (read at C speed, no Python code per field), so that words and dates are worked
#: out only for the rows on screen (``ui.models.dashboard_model``). Its fields, by index:
#: KIND (CHILD or HOUSEHOLD), KEY (the subject's id as stored, 32 hex digits), NAME, AGE
#: (children only), LEGAL (a child's current legal status code), APPROVAL (a household's
#: approval status code), PLACE (a child's placement type, a household's carer type code),
#: CARERS (the name of the household a child is placed with), NEXT_DUE (the first open item's
#: due date, ISO text, which sorts as the date does), ITEMS (every item, most urgent first, as
#: ``app.deadlines.cache.pack`` writes them) and RANK (the most urgent status's place in
#: URGENCY; 3, DONE, when nothing is open).
CaseloadLine = tuple[
    str, str, str, int | None, str | None, str | None, str | None, str | None, str | None, str, int
]
KIND: Final = 0
KEY: Final = 1
NAME: Final = 2
AGE: Final = 3
LEGAL: Final = 4
APPROVAL: Final = 5
PLACE: Final = 6
CARERS: Final = 7
NEXT_DUE: Final = 8
ITEMS: Final = 9
RANK: Final = 10


@dataclass(frozen=True)
class Caseload:
    """Every open child and every carer household as of ``today``, in no particular order (the
    table sorts them); items due on or before ``soon`` and not overdue are due soon."""

    today: date
    soon: date
    lines: list[CaseloadLine]


def rows(store: Store, today: date) -> list[DashboardRow]:
    """Every open child with their items, most urgent first: overdue, then due soon, then
    upcoming, then nothing due; within each, the soonest due date first, then by name. Read
    with the cycle collector paused, as ``caseload`` is: 20,000 items and their rows made
    collections that cost as much as the read itself."""
    with gcpause.paused(), cache.current(store, today) as session:
        return _child_rows(session, today, cache.read(session, today, households=False))


def build(store: Store, today: date) -> Dashboard:
    """Children and carer households with their deadlines, each list most urgent first, from
    the saved deadlines (redoing first those that need it), in one transaction, with the
    cycle collector paused (as ``rows``)."""
    with gcpause.paused(), cache.current(store, today) as session:
        deadlines = cache.read(session, today)
        return Dashboard(
            _child_rows(session, today, deadlines), _household_rows(session, deadlines)
        )


def caseload(store: Store, today: date) -> Caseload:
    """The dashboard's opening: what ``build`` says, as lines (``caseload_of``), from one row
    per subject (each subject's first open due date and packed items are saved with its
    deadlines, ``due_subject``) plus the current legal statuses and placements; no item rows
    are read, and nothing is made per row but the line itself. Read with the cycle collector
    paused (``app.gcpause``)."""
    with gcpause.paused():
        return _caseload(store, today)


def _caseload(store: Store, today: date) -> Caseload:
    soon = _soon(today)
    due = type_coerce(DueSubject.next_due, String(10))
    rank = case(
        (DueSubject.next_due.is_(None), 3),
        (due < today.isoformat(), 0),
        (due <= soon.isoformat(), 1),
        else_=2,
    )
    items = func.coalesce(DueSubject.items, "")
    with cache.current(store, today) as session:
        db = session.connection()
        status_of = _legal_now(db, today)
        placed = _current_placements(db, today)
        children = db.execute(
            select(
                _hex(Child.id),
                func.coalesce(Child.preferred_name, Child.given_name) + " " + Child.family_name,
                _age_in_sql(Child.date_of_birth, today),
                due,
                items,
                rank,
            )
            .outerjoin(
                DueSubject,
                and_(DueSubject.subject_type == CHILD, DueSubject.subject_id == Child.id),
            )
            .where(Child.deleted.is_(False), Child.case_open.is_(True))
        ).all()
        households = db.execute(
            select(
                literal(HOUSEHOLD, String(16)),
                _hex(CarerHousehold.id),
                CarerHousehold.name,
                null(),
                null(),
                CarerHousehold.approval_status,
                CarerHousehold.carer_type,
                null(),
                due,
                items,
                rank,
            )
            .outerjoin(
                DueSubject,
                and_(
                    DueSubject.subject_type == HOUSEHOLD,
                    DueSubject.subject_id == CarerHousehold.id,
                ),
            )
            .where(CarerHousehold.deleted.is_(False))
        ).all()
    # The carers' names come from the households just read (the same open households) rather
    # than a query of their own.
    household_names: dict[str, str] = {row[1]: row[2] for row in households}
    no_place: tuple[str | None, str | None] = (None, None)
    lines: list[CaseloadLine] = []
    add = lines.append
    for key, name, age, next_due, packed, worst in children:
        place, household = placed.get(key, no_place)
        carers = household_names.get(household) if household else None
        add(
            (
                CHILD,
                key,
                name,
                age,
                status_of.get(key),
                None,
                place,
                carers,
                next_due,
                packed,
                worst,
            )
        )
    lines += map(tuple, households)
    return Caseload(today, soon, lines)


def caseload_of(dashboard: Dashboard, today: date) -> Caseload:
    """The same lines made from a ``Dashboard`` (``build``'s or the engine's), children then
    households in its order: the reference ``caseload`` must equal, line for line."""
    soon = _soon(today)
    lines: list[CaseloadLine] = [
        (
            CHILD,
            row.child_id.hex,
            row.name,
            row.age,
            row.legal_status_code,
            None,
            row.placement_code,
            row.carers,
            row.next_due.isoformat() if row.next_due else None,
            cache.pack(list(row.items)),
            _rank(row.next_due, today, soon),
        )
        for row in dashboard.children
    ]
    lines += [
        (
            HOUSEHOLD,
            row.household_id.hex,
            row.name,
            None,
            None,
            row.approval_code,
            row.carer_type_code,
            None,
            row.next_due.isoformat() if row.next_due else None,
            cache.pack(list(row.items)),
            _rank(row.next_due, today, soon),
        )
        for row in dashboard.households
    ]
    return Caseload(today, soon, lines)


def status_label(code: str | None) -> str:
    """A child's legal status in words (a permanence order's too)."""
    return _status_label(code)


def placement_label(place: str | None, status: str | None) -> str:
    """A child's placement in words, or what a child not placed is living under."""
    return _placement_label(place, status)


def worked_out(session: Session, today: date) -> Dashboard:
    """The same dashboard with every deadline worked out afresh by the engine, ignoring the
    saved ones: seconds on a full caseload, so only the reference the saved ones must equal."""
    deadlines = caseload_deadlines(session, today)
    return Dashboard(_child_rows(session, today, deadlines), _household_rows(session, deadlines))


# ---- Private API


def _child_rows(session: Session, today: date, deadlines: CaseloadDeadlines) -> list[DashboardRow]:
    # Column queries run as Core statements: ORM rows cost more than the queries here.
    db = session.connection()
    status_of = _legal_now(db, today)
    placed = _current_placements(db, today)
    household_names = _household_names(db)
    # Each child's id object is the one their items already hold, found by its stored form.
    found = {child_id.hex: (child_id, items) for child_id, items in deadlines.children.items()}
    out: list[DashboardRow] = []
    for key, given, preferred, family, born in db.execute(
        select(
            _hex(Child.id),
            Child.given_name,
            Child.preferred_name,
            Child.family_name,
            Child.date_of_birth,
        ).where(Child.deleted.is_(False), Child.case_open.is_(True))
    ).all():
        if key in found:
            child_id, listed = found[key]
            items = tuple(listed)
        else:
            child_id, items = uuid.UUID(hex=key), ()
        status = status_of.get(key)
        place, household = placed.get(key, (None, None))
        out.append(
            DashboardRow(
                child_id,
                f"{preferred or given} {family}",
                _age(born, today),
                status,
                _status_label(status),
                place,
                _placement_label(place, status),
                household_names.get(household) if household else None,
                items,
                *_urgency(items),
            )
        )
    out.sort(key=lambda r: (_RANK[r.worst], r.next_due or date.max, r.name))
    return out


def _household_rows(session: Session, deadlines: CaseloadDeadlines) -> list[HouseholdRow]:
    out: list[HouseholdRow] = []
    for household_id, name, carer_type, approval in session.execute(
        select(
            CarerHousehold.id,
            CarerHousehold.name,
            CarerHousehold.carer_type,
            CarerHousehold.approval_status,
        ).where(CarerHousehold.deleted.is_(False))
    ):
        items = tuple(deadlines.households.get(household_id, ()))
        out.append(
            HouseholdRow(
                household_id,
                name,
                codes.label("carer_type", carer_type),
                codes.label("approval_status", approval),
                items,
                *_urgency(items),
                carer_type,
                approval,
            )
        )
    out.sort(key=lambda r: (_RANK[r.worst], r.next_due or date.max, r.name))
    return out


def _urgency(items: tuple[DueItem, ...]) -> tuple[Status, date | None]:
    """The most urgent status among the items (DONE if none) and the earliest open due date,
    in one pass."""
    worst, rank, due = Status.DONE, _RANK[Status.DONE], None
    for item in items:
        item_rank = _RANK[item.status]
        if item_rank < rank:
            worst, rank = item.status, item_rank
        if item.status is not Status.DONE and (due is None or item.due < due):
            due = item.due
    return worst, due


def _soon(today: date) -> date:
    """The last day on which an item not yet overdue counts as due soon (the engine's rule)."""
    return today + timedelta(days=rule_table.load().due_soon_days)


def _rank(next_due: date | None, today: date, soon: date) -> int:
    """The place in URGENCY of a subject's most urgent status, from its first open due date
    (statuses of open items only grow less urgent with their due dates)."""
    if next_due is None:
        return 3
    if next_due < today:
        return 0
    return 1 if next_due <= soon else 2


def _age_in_sql(born: Any, today: date) -> Any:
    """``_age`` worked out by SQLite from the stored ISO date: whole years, less one if the
    birthday has not come yet this year (the month and day compare as text)."""
    stored = type_coerce(born, String(10))
    return (
        today.year
        - cast(func.substr(stored, 1, 4), Integer)
        - cast(func.substr(stored, 6) > f"{today:%m-%d}", Integer)
    )


def _household_names(db: Connection) -> dict[str, str]:
    return {
        key: name
        for key, name in db.execute(
            select(_hex(CarerHousehold.id), CarerHousehold.name).where(
                CarerHousehold.deleted.is_(False)
            )
        ).all()
    }


def _current(db: Connection, model: Any, column: Any, today: date) -> dict[str, str]:
    """Each child's value for the period covering today (the later start wins a tie), keyed by
    the stored id: building a UUID per row costs more than the query itself."""
    query = (
        select(_hex(model.child_id), column)
        .where(
            model.deleted.is_(False),
            model.start_date <= today,
            model.end_date.is_(None) | (model.end_date >= today),
        )
        .order_by(model.start_date)
    )
    return {key: value for key, value in db.execute(query).all()}


def _legal_now(db: Connection, today: date) -> dict[str, str]:
    """Each child's current legal status code, and ``RETURNED_HOME`` for a child with none
    whose last looked-after status ended with a return-home reason (read by
    ``app.deadlines.return_home`` as their support items are): a child the service supports
    after going home is shown as that, not as having no legal status recorded. Only children
    who ever went home are read twice."""
    status_of = _current(db, LegalStatus, LegalStatus.code, today)
    reasons = rule_table.load().return_home_reasons
    went_home = {
        key
        for (key,) in db.execute(
            select(_hex(LegalStatus.child_id)).where(
                LegalStatus.deleted.is_(False),
                LegalStatus.reason_ceased.in_(reasons),
                LegalStatus.end_date < today,
            )
        )
        if key not in status_of
    }
    if not went_home:
        return status_of
    periods: dict[str, list[return_home.Ended]] = {key: [] for key in went_home}
    for key, start, end, code, reason in db.execute(
        select(
            _hex(LegalStatus.child_id),
            LegalStatus.start_date,
            LegalStatus.end_date,
            LegalStatus.code,
            LegalStatus.reason_ceased,
        ).where(LegalStatus.deleted.is_(False), _hex(LegalStatus.child_id).in_(went_home))
    ):
        periods[key].append((start, end, code, reason))
    looked_after = set(codes.code_list("legal_status"))
    for key, history in periods.items():
        if return_home.returned_home(history, today, looked_after, reasons) is not None:
            status_of[key] = RETURNED_HOME
    return status_of


def _current_placements(db: Connection, today: date) -> dict[str, tuple[str, str | None]]:
    """Each child's current placement type and carer household (stored id), if any, by the
    same rule as the deadline engine (a period ending today still covers today; the later
    start wins), so the row and its deadlines never describe different placements."""
    query = (
        select(_hex(Placement.child_id), Placement.placement_type, _hex(Placement.household_id))
        .where(
            Placement.deleted.is_(False),
            Placement.start_date <= today,
            Placement.end_date.is_(None) | (Placement.end_date >= today),
        )
        .order_by(Placement.start_date)
    )
    return {key: (place, household) for key, place, household in db.execute(query).all()}


def _hex(column: Any) -> Any:
    """The id as stored (32 hex digits), without building a UUID object for it."""
    return type_coerce(column, String(32)).label(column.key)


def _status_label(code: str | None) -> str:
    if code is None:
        return "No legal status recorded"
    if code == RETURNED_HOME:
        return "Not looked after: returned home"
    if code in codes.code_list("legal_status"):
        return codes.label("legal_status", code)
    return codes.label("permanence_order", code)


def _placement_label(place: str | None, status: str | None) -> str:
    if place is not None:
        return codes.label("placement_type", place)
    return _NOT_PLACED.get(status or "", "No current placement")


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
