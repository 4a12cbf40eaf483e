"""The saved deadlines: the dashboard read from them equals the engine's, and a refresh redoes
exactly the subjects whose records changed, whose answer expired, or all when the rules did."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

import resources
from app import clock
from app.dashboard import Dashboard, build, caseload, caseload_of, rows, worked_out
from app.deadlines import cache
from app.models import (
    Assessment,
    CarePlan,
    CarerHousehold,
    Child,
    DeadlineStale,
    DueItemRow,
    DueSubject,
    LegalStatus,
    Placement,
)
from app.models.due_cache import CHILD, HOUSEHOLD
from app.replica import state
from app.serialize import record_fields
from app.store import Store
from demo.laptop import populate
from sync.apply import ApplyTally
from sync.pages import apply_pulled
from sync.protocol.messages import RecordVersion
from tests.app import factories

TODAY = date(2026, 6, 15)
WHEN = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """Save and judge everything as of one fixed day."""
    with clock.frozen_at(datetime(2026, 6, 15, 12, 0).astimezone()):
        yield


@pytest.fixture
def demo(store: Store) -> Store:
    """A small demo caseload whose deadlines have been saved once."""
    populate(store, children=60, visits_per_child=6, seed=2026, today=TODAY)
    with store.write() as session:
        first = cache.refresh(session, TODAY)
    assert first.everything and len(first.children) == 60
    return store


def _engine(store: Store, today: date = TODAY) -> Dashboard:
    with store.read() as session:
        return worked_out(session, today)


def _same_as_engine(store: Store, today: date = TODAY) -> Dashboard:
    """The dashboard from the saved deadlines is the engine's, and so is the table's opening
    (one row per subject, from the saved first due dates and packed items)."""
    saved = build(store, today)
    engine = _engine(store, today)
    assert saved == engine
    assert sorted(caseload(store, today).lines) == sorted(caseload_of(engine, today).lines)
    return saved


def _stale(store: Store) -> set[tuple[str, uuid.UUID]]:
    with store.read() as session:
        return {(k, i) for k, i in session.execute(select(DeadlineStale.__table__))}


def _refresh(store: Store, today: date = TODAY) -> cache.Refreshed:
    with store.write() as session:
        return cache.refresh(session, today)


def _is_current(store: Store, today: date = TODAY) -> bool:
    with store.read() as session:
        return cache.is_current(session, today)


def _a_child(store: Store, n: int = 0) -> uuid.UUID:
    return build(store, TODAY).children[n].child_id


def test_saved_dashboard_equals_the_engines_and_nothing_is_redone_twice(demo: Store) -> None:
    """On the demo caseload the dashboard read from the saved deadlines is the engine's, item for
    item and row for row; opening it again redoes nothing."""
    assert _is_current(demo)
    saved = _same_as_engine(demo)
    assert len(saved.children) == 60 and saved.households
    assert rows(demo, TODAY) == saved.children
    assert _refresh(demo) == cache.Refreshed(frozenset(), frozenset(), everything=False)


def test_a_visit_saved_for_one_child_redoes_only_that_child(demo: Store) -> None:
    """Saving a signed-off visit lists that child alone as stale, in the same transaction; the
    refresh redoes that child only, and the result is the engine's."""
    child_id = _a_child(demo, 5)
    with demo.write() as session:
        session.add(factories.finalised_visit(child_id, visit_date=TODAY))
    assert _stale(demo) == {(CHILD, child_id)}
    assert not _is_current(demo)
    done = _refresh(demo)
    assert done == cache.Refreshed(frozenset({child_id}), frozenset(), everything=False)
    assert _stale(demo) == set()
    dashboard = _same_as_engine(demo)
    (row,) = [r for r in dashboard.children if r.child_id == child_id]
    assert {i.obligation: i.last_done for i in row.items}["child_visit"] == TODAY


def test_a_drafted_visit_changes_nothing_but_is_still_checked(demo: Store) -> None:
    """A draft visit does not count for deadlines, but the trigger cannot tell: the child is
    redone, cheaply, and still equals the engine."""
    child_id = _a_child(demo, 3)
    with demo.write() as session:
        session.add(factories.visit(child_id))
    assert _refresh(demo).children == {child_id}
    _same_as_engine(demo)


def _version(
    visit_id: uuid.UUID, child_id: uuid.UUID, revision: int, **changes: object
) -> RecordVersion:
    fields = record_fields(factories.finalised_visit(child_id, visit_date=TODAY))
    deleted = bool(changes.pop("deleted", False))
    fields.pop("deleted", None)
    fields.update(changes)
    return RecordVersion(
        record_type="visit",
        record_id=visit_id,
        revision=revision,
        deleted=deleted,
        fields=fields,
        created_by="bob",
        created_at=WHEN,
        updated_by="bob",
        updated_at=WHEN,
    )


def test_a_visit_pulled_by_sync_redoes_its_child(demo: Store) -> None:
    """Sync writes the service's records with one bulk upsert, which no flush hook sees; the
    triggers still list the child, for a new record and for a newer version of a known one."""
    child_id = _a_child(demo, 7)
    visit_id = uuid.uuid4()
    with demo.write(remote=True) as session:
        apply_pulled(session, [_version(visit_id, child_id, 1)], ApplyTally())
    assert _stale(demo) == {(CHILD, child_id)}
    assert _refresh(demo).children == {child_id}
    _same_as_engine(demo)

    with demo.write(remote=True) as session:  # the service deletes it again
        apply_pulled(session, [_version(visit_id, child_id, 2, deleted=True)], ApplyTally())
    assert _stale(demo) == {(CHILD, child_id)}
    assert _refresh(demo).children == {child_id}
    _same_as_engine(demo)


def test_a_household_change_redoes_it_and_the_children_placed_there(demo: Store) -> None:
    """Whether carers are only temporarily approved changes their children's visit rules, so a
    household's change lists the children placed with it too."""
    with demo.read() as session:
        household_id, placed = session.execute(
            select(Placement.household_id, Placement.child_id).where(
                Placement.household_id.is_not(None)
            )
        ).first() or (None, None)
    assert household_id is not None and placed is not None
    with demo.write() as session:
        household = session.get(CarerHousehold, household_id)
        assert household is not None
        household.temporary_approval_date = date(2026, 5, 1)
    done = _refresh(demo)
    assert done.households == {household_id} and placed in done.children
    _same_as_engine(demo)


def test_a_new_rule_table_redoes_everything(demo: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint follows the rule table's content; when the saved one differs, every
    subject is redone and the new fingerprint saved."""
    before = cache.fingerprint()
    read_text = resources.read_text

    def edited(*parts: str) -> str:
        text = read_text(*parts)
        return (
            text.replace("due_soon_days = 14", "due_soon_days = 15") if "rules" in parts else text
        )

    monkeypatch.setattr(resources, "read_text", edited)
    cache.fingerprint.cache_clear()
    try:
        assert cache.fingerprint() != before
        assert not _is_current(demo)
        done = _refresh(demo)
    finally:
        monkeypatch.undo()
        cache.fingerprint.cache_clear()
    assert done.everything and len(done.children) == 60
    assert done.households == {h.household_id for h in _engine(demo).households}
    with demo.read() as session:
        assert state.get(session, state.DEADLINE_FINGERPRINT) is not None
    # Back on the real table: everything again, and the engine's answers.
    assert not _is_current(demo)
    _same_as_engine(demo)
    assert _is_current(demo)


def test_the_day_moving_on_redoes_the_children_whose_answer_expired(demo: Store) -> None:
    """Each child's answer holds until the first day a period begins or ends or the placement
    turns a year older; on that day exactly those children are redone, and equal the engine."""
    with demo.read() as session:
        until = {
            i: v
            for i, v in session.execute(
                select(DueSubject.subject_id, DueSubject.valid_until).where(
                    DueSubject.subject_type == CHILD
                )
            )
            if v is not None
        }
    day = min(until.values())
    assert day > TODAY
    assert _is_current(demo, day - timedelta(days=1))
    with clock.frozen_at(datetime.combine(day, datetime.min.time(), UTC)):
        _same_as_engine(demo, day)
    redone = {i for i, v in until.items() if v <= day}
    # (already redone by the build above: check what it saved instead)
    with demo.read() as session:
        computed = dict(
            session.execute(
                select(DueSubject.subject_id, DueSubject.computed_for).where(
                    DueSubject.subject_type == CHILD
                )
            ).all()
        )
    assert redone and {i for i, on in computed.items() if on == day} == redone
    # A clock put back redoes what was worked out for a later day.
    assert not _is_current(demo, TODAY)
    assert _refresh(demo, TODAY).children == redone
    _same_as_engine(demo)


def test_a_placement_turning_one_year_old_changes_the_visit_rule_that_day(store: Store) -> None:
    """A placement's first year has its own visiting rule; the saved answer ends on the
    anniversary, and that day's answer is the later-years rule, as the engine says."""
    placed = date(2025, 6, 20)
    with store.write() as session:
        child = factories.child()
        session.add(child)
        session.add(LegalStatus(child_id=child.id, code="C2", start_date=placed))
        session.add(
            Placement(
                child_id=child.id,
                placement_type="U4",
                start_date=placed,
                placement_plan_date=placed,
            )
        )
        session.add(
            CarePlan(
                child_id=child.id,
                plan_date=placed,
                status="finalised",
                permanence_plan="LONG_TERM_FOSTERING",
            )
        )
        session.add(factories.finalised_visit(child.id, visit_date=date(2026, 6, 1)))
    before = build(store, TODAY)
    with store.read() as session:
        assert session.scalar(select(DueSubject.valid_until)) == date(2026, 6, 20)
    eve, anniversary = date(2026, 6, 19), date(2026, 6, 20)
    assert _is_current(store, eve)
    _same_as_engine(store, eve)
    assert not _is_current(store, anniversary)
    after = _same_as_engine(store, anniversary)

    def visit_rule(d: Dashboard) -> str:
        return next(i.rule_ref for i in d.children[0].items if i.obligation == "child_visit")

    assert visit_rule(before) != visit_rule(after)


def test_a_deleted_or_closed_child_leaves_the_saved_deadlines(demo: Store) -> None:
    """A child deleted or whose case closed loses their saved rows at the next refresh and
    is off the dashboard, which still equals the engine's."""
    deleted, closed = _a_child(demo, 0), _a_child(demo, 1)
    with demo.write() as session:
        for child_id, change in ((deleted, "deleted"), (closed, "case_open")):
            child = session.get(Child, child_id)
            assert child is not None
            setattr(child, change, change == "deleted")
    assert _stale(demo) == {(CHILD, deleted), (CHILD, closed)}
    assert _refresh(demo).children == frozenset()
    with demo.read() as session:
        for model in (DueSubject, DueItemRow):
            left = session.scalars(
                select(model.subject_id).where(model.subject_id.in_([deleted, closed]))
            ).all()
            assert left == []
    dashboard = _same_as_engine(demo)
    assert {deleted, closed}.isdisjoint(r.child_id for r in dashboard.children)


def test_lost_saved_rows_are_worked_out_again(demo: Store) -> None:
    """An open subject with no saved answer (rows lost, nothing listed) is noticed and redone."""
    child_id = _a_child(demo, 2)
    with demo.write() as session:
        session.execute(DueSubject.__table__.delete().where(DueSubject.subject_id == child_id))
        session.execute(DueItemRow.__table__.delete().where(DueItemRow.subject_id == child_id))
    assert not _is_current(demo)
    assert _refresh(demo).children == {child_id}
    _same_as_engine(demo)


def test_household_answers_never_expire(demo: Store) -> None:
    """Nothing about a household's rules moves with the date; only its items' statuses do."""
    with demo.read() as session:
        kinds = set(
            session.scalars(select(DueSubject.subject_type).where(DueSubject.valid_until.is_(None)))
        )
    assert HOUSEHOLD in kinds


def test_a_signed_off_support_plan_restarts_the_sgo_review_year(demo: Store) -> None:
    """Special guardians' support plan, signed off on their household today, is the child's
    S1 trigger: the child under the order is redone, and the support review falls due a year
    after the plan (15/06/2027), not a year after the last review or the order."""
    with demo.read() as session:
        sgo_children = session.scalars(
            select(LegalStatus.child_id).where(
                LegalStatus.code == "SGO", LegalStatus.end_date.is_(None)
            )
        ).all()
        found = [
            (child_id, household_id)
            for child_id in sgo_children
            for household_id in session.scalars(
                select(Placement.household_id)
                .where(Placement.child_id == child_id)
                .order_by(Placement.start_date.desc())
                .limit(1)
            )
            if household_id is not None
        ]
    assert found, "the demo has a child under an SGO, placed with the special guardians"
    child_id, household_id = found[0]
    entry = resources.demo.assessments()["special_guardians_support_plan"]
    with demo.write() as session:
        session.add(
            Assessment(
                household_id=household_id,
                kind=entry.kind,
                template_id=entry.template_id,
                template_version=entry.template_version,
                answers=entry.answers_for(today=TODAY),
                started_date=TODAY - timedelta(days=10),
                status="finalised",
            )
        )
    assert (CHILD, child_id) in _stale(demo)
    assert child_id in _refresh(demo).children
    dashboard = _same_as_engine(demo)
    (row,) = [r for r in dashboard.children if r.child_id == child_id]
    (review,) = [i for i in row.items if i.obligation == "sgo_support_review"]
    assert (review.rule_ref, review.due) == ("S1", date(2027, 6, 15))
