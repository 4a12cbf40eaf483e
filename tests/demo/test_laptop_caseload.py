"""The demo caseload: valid, varied across legal statuses and carers, written only through the
store, and reproducible from a seed."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app import clock, codes
from app.dashboard import rows
from app.deadlines.engine import Status
from app.models import (
    RECORD_TYPES,
    Action,
    AuditEvent,
    CarerHousehold,
    Child,
    LegalStatus,
    OutboxEntry,
    Visit,
)
from app.store import Profile, Store
from app.validation import problems
from demo.laptop import SCENARIOS, populate
from tests.conftest import PASSPHRASE, fast_kdf

TODAY = date(2026, 11, 20)
#: Dates that are plans or limits set in advance, not events, and so may be after today.
MAY_BE_LATER = {("action", "due_date"), ("carer_household", "temporary_extension_until")}


def _all_records(store: Store) -> list[Any]:
    with store.read() as session:
        return [obj for cls in RECORD_TYPES.values() for obj in session.scalars(select(cls))]


def test_every_legal_status_and_carer_type_appears(store: Store) -> None:
    """Even a small demo has a child in every current legal status (except the abolished D1
    freeing order) and a household of every kind of carer."""
    populate(store, children=len(SCENARIOS) + 4, visits_per_child=4, seed=3, today=TODAY)
    with store.read() as session:
        current = set(
            session.scalars(select(LegalStatus.code).where(LegalStatus.end_date.is_(None)))
        )
        carer_types = set(session.scalars(select(CarerHousehold.carer_type)))
    assert current == (set(codes.code_list("legal_status")) - {"D1"}) | {"SGO", "CAO", "AO"}
    assert carer_types == set(codes.code_list("carer_type"))


def test_records_are_valid_and_nothing_happens_after_today(store: Store) -> None:
    """Every record read back passes validation as of the demo's day, and no event is dated
    after it (only action due dates and approval limits may be)."""
    populate(store, children=40, visits_per_child=6, seed=5, today=TODAY)
    records = _all_records(store)
    with store.read() as session:
        found = {
            (type(r).__name__, str(r.id)): problems(r, today=TODAY, session=session)
            for r in records
        }
    assert {k: v for k, v in found.items() if v} == {}
    later = [
        (r.record_type, column.key, value)
        for r in records
        for column in type(r).__table__.columns
        if isinstance(value := getattr(r, column.key), date)
        and not hasattr(value, "hour")
        and value > TODAY
        and (r.record_type, column.key) not in MAY_BE_LATER
    ]
    assert later == []


def test_every_record_went_through_the_store(store: Store) -> None:
    """Each record the demo wrote is queued for sync and audited once, in the store's own
    write path; nothing reached the database around it."""
    summary = populate(store, children=25, visits_per_child=5, seed=7, today=TODAY)
    written = {(r.record_type, r.id) for r in _all_records(store)}
    with store.read() as session:
        queued = Counter(session.execute(select(OutboxEntry.record_type, OutboxEntry.record_id)))
        audited = Counter(
            session.execute(
                select(AuditEvent.record_type, AuditEvent.record_id).where(
                    AuditEvent.action.in_(("create", "finalise"))
                )
            )
        )
    assert len(written) == summary.records
    assert set(queued) == written and set(queued.values()) == {1}
    assert set(audited) == written and set(audited.values()) == {1}


def test_visits_add_up_to_the_requested_total(store: Store) -> None:
    """Children get between them exactly children x visits_per_child visits, as the benchmark's
    "5,000 children with 50,000 visits" needs, and carers' visits are counted apart."""
    summary = populate(store, children=30, visits_per_child=7, seed=9, today=TODAY)
    with store.read() as session:
        to_children = session.scalar(
            select(func.count()).select_from(Visit).where(Visit.child_id.is_not(None))
        )
        to_households = session.scalar(
            select(func.count()).select_from(Visit).where(Visit.child_id.is_(None))
        )
    assert summary.child_visits == to_children == 30 * 7
    assert summary.household_visits == to_households and to_households
    assert 0 < summary.draft_visits < summary.child_visits


def test_most_children_are_on_track_and_some_are_not(store: Store) -> None:
    """The dashboard over the demo has overdue and due-soon children, but most are on track,
    so the demo shows every state without looking like a failing service."""
    populate(store, children=150, visits_per_child=6, seed=2026, today=TODAY)
    worst = Counter(r.worst for r in rows(store, TODAY))
    assert worst[Status.OVERDUE] and worst[Status.DUE_SOON]
    assert worst[Status.UPCOMING] + worst[Status.DONE] > 150 * 0.6
    assert worst[Status.OVERDUE] < 150 * 0.2


def _fingerprint(root: Path, name: str, seed: int) -> list[tuple[Any, ...]]:
    """Everything about each child except ids and save times, in a stable order."""
    profile = Profile.create(name, PASSPHRASE, worker="demo.worker", root=root, kdf=fast_kdf())
    with profile.unlock(PASSPHRASE) as store:
        populate(store, children=20, visits_per_child=4, seed=seed, today=TODAY)
        with store.read() as session:
            statuses: dict[Any, list[Any]] = {}
            for s in session.scalars(select(LegalStatus)):
                statuses.setdefault(s.child_id, []).append((s.code, s.start_date, s.end_date))
            visits: dict[Any, list[Any]] = {}
            for v in session.scalars(select(Visit).where(Visit.child_id.is_not(None))):
                visits.setdefault(v.child_id, []).append((v.visit_date, v.status, v.observations))
            return sorted(
                (
                    c.given_name,
                    c.family_name,
                    c.date_of_birth,
                    c.sex,
                    tuple(sorted(statuses.get(c.id, []))),
                    tuple(sorted(visits.get(c.id, []))),
                )
                for c in session.scalars(select(Child))
            )


def test_the_same_seed_gives_the_same_caseload(profile_root: Path) -> None:
    """Two demos from one seed hold the same children, statuses and visits; another seed
    gives a different caseload."""
    first = _fingerprint(profile_root, "first", 11)
    assert first == _fingerprint(profile_root, "second", 11)
    assert first != _fingerprint(profile_root, "third", 12)


def test_a_day_after_the_clock_is_refused_before_writing(store: Store) -> None:
    """A demo dated after today would be full of future visits, so it is refused outright and
    nothing is written."""
    with pytest.raises(ValueError, match="after today"):
        populate(
            store,
            children=5,
            visits_per_child=2,
            seed=1,
            today=clock.today() + timedelta(days=1),
        )
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 0
        assert session.scalar(select(func.count()).select_from(Action)) == 0
