"""The demo caseload: valid, varied across legal statuses, and reproducible from a seed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.demo import HOUSEHOLD_KINDS, MIX, populate
from app.models import AuditEvent, CarerHousehold, Child, LegalStatus, OutboxEntry, Visit
from app.store import Profile, Store
from tests.conftest import PASSPHRASE, fast_kdf

TODAY = date(2026, 11, 22)


def test_demo_covers_every_status_and_carer_kind_through_the_real_store(store: Store) -> None:
    """Every legal status and kind of carer in the mix appears, and every record went through
    the store's write path (queued for sync and audited)."""
    summary = populate(store, children=120, visits_per_child=6, seed=3, today=TODAY)
    with store.read() as session:
        statuses = set(session.scalars(select(LegalStatus.code)))
        carer_kinds = set(session.scalars(select(CarerHousehold.carer_type)))
        children = session.scalar(select(func.count()).select_from(Child))
        visits = session.scalar(select(func.count()).select_from(Visit))
        queued = session.scalar(select(func.count()).select_from(OutboxEntry))
        audited = session.scalar(select(func.count()).select_from(AuditEvent))
    assert statuses == {m[0] for m in MIX}
    assert carer_kinds == {k for k, _ in HOUSEHOLD_KINDS}
    assert (children, visits) == (summary.children, summary.visits)
    assert queued and audited and queued >= children + visits


def test_the_same_seed_gives_the_same_caseload(profile_root: object) -> None:
    """Two demo profiles built from one seed hold the same children and visit dates."""
    names = []
    for name in ("first", "second"):
        profile = Profile.create(
            name, PASSPHRASE, worker="demo.worker", root=profile_root, kdf=fast_kdf()
        )  # type: ignore[arg-type]
        with profile.unlock(PASSPHRASE) as store:
            populate(store, children=15, visits_per_child=4, seed=11, today=TODAY)
            with store.read() as session:
                names.append(
                    sorted(
                        (c.given_name, c.family_name, str(c.date_of_birth))
                        for c in session.scalars(select(Child))
                    )
                )
    assert names[0] == names[1]
