"""Carer households as the households pages read them: the list (children placed now, the next
thing due, most urgent first) and one household's whole file, with its due items exactly the
deadline engine's, in a fixed handful of queries however many households or records."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import clock
from app.deadlines import cache
from app.deadlines.engine import Status
from app.deadlines.from_store import caseload_deadlines
from app.households import (
    CHILD_NOT_HERE,
    HouseholdNotFound,
    households,
    list_households,
    load_household,
    open_household,
)
from app.models import Carer, Placement, Review, TrainingRecord, Visit
from app.store import Store
from tests.app import factories


def _ago(days: int) -> date:
    return clock.today() - timedelta(days=days)


def _carer_visit(household_id: uuid.UUID, **values: object) -> Visit:
    return Visit(household_id=household_id, **{"visit_type": "SUPERVISING", **values})


@dataclass
class Caseload:
    fosterers: uuid.UUID
    kin: uuid.UUID
    adopters: uuid.UUID
    placed_now: uuid.UUID
    placed_before: uuid.UUID
    unannounced: date


@pytest.fixture
def caseload(store: Store) -> Caseload:
    """A foster household approved two years ago with TSD not done (overdue), two carers, a
    child placed now, one placed before and one whose record has gone from this laptop, and
    its visits; a connected-person household with TSD done; an adopters' household."""
    with store.write() as session:
        fosterers = factories.household(
            name="The Whitfield household",
            approval_date=_ago(730),
            approval_terms="Two children aged 5 to 12",
            age_range_min=5,
            age_range_max=12,
            max_children=2,
            address="4 Mill Lane",
        )
        kin = factories.household(
            name="The Okafor household", carer_type="CONNECTED_PERSON", approval_date=_ago(400)
        )
        adopters = factories.household(
            name="The Abbott household", carer_type="ADOPTER", approval_date=_ago(100)
        )
        now, before, gone = (
            factories.child(given_name="Leo"),
            factories.child(given_name="Maya"),
            factories.child(given_name="Zoe", deleted=True),
        )
        session.add_all([fosterers, kin, adopters, now, before, gone])
        session.flush()
        sandra = Carer(household_id=fosterers.id, given_name="Sandra", family_name="Whitfield")
        session.add_all(
            [
                sandra,
                Carer(household_id=fosterers.id, given_name="Mike", family_name="Whitfield"),
                Carer(household_id=kin.id, given_name="Grace", family_name="Okafor"),
                Placement(
                    child_id=now.id,
                    household_id=fosterers.id,
                    placement_type="U4",
                    start_date=_ago(60),
                ),
                Placement(
                    child_id=before.id,
                    household_id=fosterers.id,
                    placement_type="U4",
                    start_date=_ago(500),
                    end_date=_ago(200),
                    reason_changed="CARPL",
                ),
                Placement(
                    child_id=gone.id,
                    household_id=fosterers.id,
                    placement_type="U4",
                    start_date=_ago(300),
                ),
                TrainingRecord(
                    household_id=kin.id, kind="TSD", title="TSD workbook", completed_date=_ago(30)
                ),
                TrainingRecord(
                    household_id=fosterers.id,
                    carer_id=sandra.id,
                    kind="COURSE",
                    title="Safer caring",
                    completed_date=_ago(90),
                ),
                Review(
                    household_id=fosterers.id,
                    kind="CARER_ANNUAL",
                    review_date=_ago(380),
                    decisions="Approval continues.",
                    status="finalised",
                ),
            ]
        )
        unannounced = _ago(40)
        session.add_all(
            [
                _carer_visit(
                    fosterers.id,
                    visit_type="UNANNOUNCED",
                    visit_date=unannounced,
                    who_was_seen="Sandra",
                    status="finalised",
                ),
                # A later draft does not count until it is signed off.
                _carer_visit(fosterers.id, visit_type="UNANNOUNCED", visit_date=_ago(2)),
                _carer_visit(
                    fosterers.id,
                    visit_date=_ago(10),
                    who_was_seen="Sandra and Mike",
                    status="finalised",
                ),
                # The child's own visit names the household but is not a visit to it.
                factories.finalised_visit(now.id, household_id=fosterers.id, visit_date=_ago(5)),
            ]
        )
    return Caseload(fosterers.id, kin.id, adopters.id, now.id, before.id, unannounced)


def test_the_list_shows_each_household_most_urgent_first(store: Store, caseload: Caseload) -> None:
    """Each household is listed once with its kind of carer, approval, worker, the number of
    children placed today and its next due item; the overdue household comes first."""
    found = households(store, clock.today())
    by_id = {row.household_id: row for row in found}
    assert set(by_id) == {caseload.fosterers, caseload.kin, caseload.adopters}
    fosterers = by_id[caseload.fosterers]
    assert found[0] is fosterers and fosterers.worst is Status.OVERDUE
    assert fosterers.carer_type == "Foster carer (mainstream)"
    assert fosterers.approval_status == "Approved"
    assert fosterers.supervising_worker == "bob"
    assert fosterers.children_placed == 2  # Leo, and the child no longer on this laptop
    assert fosterers.next_item is not None and "Overdue" in fosterers.next_words
    assert by_id[caseload.kin].children_placed == 0
    assert by_id[caseload.adopters].items == () and by_id[caseload.adopters].next_words == (
        "Nothing due"
    )


def test_the_file_holds_the_whole_household(store: Store, caseload: Caseload) -> None:
    """Approval and terms, carers, children placed now and before (one whose record is not on
    this laptop still shows), the household's own visits newest first, the last signed-off
    unannounced visit, training, and reviews."""
    found = open_household(store, caseload.fosterers, clock.today())
    p = found.profile
    assert (p.name, p.approval_date, p.approval_terms) == (
        "The Whitfield household",
        _ago(730),
        "Two children aged 5 to 12",
    )
    assert (p.age_range, p.max_children, p.address) == ("5 to 12", 2, "4 Mill Lane")
    assert [c.name for c in found.carers] == ["Sandra Whitfield", "Mike Whitfield"]
    assert [(pl.name, pl.current) for pl in found.placements] == [
        ("Leo Okafor", True),
        (CHILD_NOT_HERE, True),
        ("Maya Okafor", False),
    ]
    assert found.placements[1].child_id is None
    assert [v.visit_type for v in found.visits] == ["UNANNOUNCED", "SUPERVISING", "UNANNOUNCED"]
    assert found.visits[0].status == "Draft" and not found.visits[0].signed_off
    assert found.last_unannounced == caseload.unannounced
    assert [(t.who, t.title) for t in found.training] == [("Sandra Whitfield", "Safer caring")]
    assert [r.label for r in found.reviews] == ["Foster carer annual review"]


def test_tsd_and_unannounced_items_follow_the_kind_of_carer(
    store: Store, caseload: Caseload
) -> None:
    """Foster carers' TSD is due 12 months from approval (overdue here); family and friends
    carers get 18 months (done here); adopters have no TSD item at all. The next unannounced
    visit is due a year after the last signed-off one."""
    today = clock.today()
    fosterers = open_household(store, caseload.fosterers, today)
    assert fosterers.tsd is not None and fosterers.tsd.status is Status.OVERDUE
    assert fosterers.tsd_deadline == "within 12 months of approval"
    unannounced = fosterers.next_unannounced
    assert unannounced is not None and unannounced.last_done == caseload.unannounced
    assert unannounced.due > today
    kin = open_household(store, caseload.kin, today)
    assert kin.tsd is not None and kin.tsd.status is Status.DONE
    assert kin.tsd_deadline == "within 18 months of approval"
    assert open_household(store, caseload.adopters, today).tsd is None


def test_due_items_are_the_engines(store: Store, caseload: Caseload) -> None:
    """Every household's due items, in the list and in its file, equal what the deadline
    engine works out afresh."""
    today = clock.today()
    with store.read() as session:
        engine = caseload_deadlines(session, today).households
    rows = {row.household_id: row for row in households(store, today)}
    for household_id, expected in engine.items():
        assert list(rows[household_id].items) == expected
        assert list(open_household(store, household_id, today).due) == expected


def test_queries_do_not_grow_with_the_caseload(store: Store, caseload: Caseload) -> None:
    """The list costs the same few queries for 3 households as for 33, and one household's
    file costs one query per table however many visits it has."""
    today = clock.today()

    def selects(work: Callable[[Session], object]) -> int:
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        with cache.current(store, today) as session:
            event.listen(store.engine, "before_cursor_execute", count)
            try:
                work(session)
            finally:
                event.remove(store.engine, "before_cursor_execute", count)
        return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))

    few = selects(lambda session: list_households(session, today))
    one = selects(lambda session: load_household(session, caseload.fosterers, today))
    with store.write() as session:
        session.add_all(factories.household(name=f"The House {n} household") for n in range(30))
        session.add_all(_carer_visit(caseload.fosterers, visit_date=_ago(n + 3)) for n in range(20))
    assert selects(lambda session: list_households(session, today)) == few <= 3
    assert selects(lambda session: load_household(session, caseload.fosterers, today)) == one
    assert one <= 9


def test_a_household_not_on_this_laptop_is_reported(store: Store) -> None:
    """Opening a household that is not here says so in words."""
    with pytest.raises(HouseholdNotFound, match="not on this laptop"):
        open_household(store, uuid.uuid4(), clock.today())


def test_children_placed_count_only_placements_covering_today(store: Store) -> None:
    """A placement that ended yesterday or starts tomorrow is not a child placed now."""
    with store.write() as session:
        household = factories.household()
        child = factories.child()
        session.add_all([household, child])
        session.flush()
        session.add(
            Placement(
                child_id=child.id,
                household_id=household.id,
                placement_type="U4",
                start_date=_ago(100),
                end_date=_ago(1),
            )
        )
    [row] = households(store, clock.today())
    assert row.children_placed == 0


def test_temporary_approval_reads_with_the_dates_worked_out_from_it() -> None:
    """A temporarily approved connected person's page says when the 16 weeks end and the
    latest one extension can run to (5 Jan 2026: 27 Apr, 22 Jun), or the extension beside
    that latest date; once fully approved, only the history."""
    from app.households import HouseholdProfile

    def profile(status: str, extended: date | None) -> HouseholdProfile:
        return HouseholdProfile(
            household_id=uuid.uuid4(),
            name="The Reid household",
            carer_type_code="CONNECTED_PERSON",
            carer_type="Connected person",
            approval_code=status,
            approval_status=status.title(),
            approval_date=None,
            temporary_approval_date=date(2026, 1, 5),
            temporary_extension_until=extended,
            approval_terms="",
            age_range_min=None,
            age_range_max=None,
            max_children=None,
            address="",
            supervising_worker="bob",
        )

    assert profile("TEMPORARY", None).temporary_approval_words == (
        "From 05 Jan 2026; ends 27 Apr 2026 unless extended (once, to 22 Jun 2026 at the latest)"
    )
    assert profile("TEMPORARY", date(2026, 5, 25)).temporary_approval_words == (
        "From 05 Jan 2026, extended until 25 May 2026 (the latest allowed is 22 Jun 2026)"
    )
    assert profile("APPROVED", date(2026, 5, 25)).temporary_approval_words == (
        "From 05 Jan 2026, extended until 25 May 2026"
    )
