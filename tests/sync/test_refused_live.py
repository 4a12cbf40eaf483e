"""Refused and out-of-order work against the real service: never dropped, never shown as
accepted, sent again by itself when what it waited for has arrived."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Addendum, Child, OutboxEntry, Visit
from app.models.sync_state import REJECTED
from app.store import Profile
from app.store.doctor import run as doctor
from sync import refused
from sync.client import ServiceClient
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf
from tests.server.conftest import PASSWORD, LiveServer
from tests.sync.test_case_moves_live import Laptop


@pytest.fixture
def pair(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Laptop, Laptop, LiveServer]]:
    """One worker's two laptops."""
    worker = server.user("worker", server.team())
    made = []
    for name in ("one", "two"):
        profile = Profile.create(name, PASSPHRASE, worker=worker, root=tmp_path, kdf=fast_kdf())
        client = ServiceClient(server.url)
        client.register_device(username=worker, password=PASSWORD, device_name=name)
        made.append(Laptop(name, worker, profile.unlock(PASSPHRASE), client))
    yield made[0], made[1], server
    for laptop in made:
        laptop.store.lock()
        laptop.client.close()


def _refuse(laptop: Laptop, record_id: uuid.UUID) -> None:
    """As if the service had refused the record's first change for a reason of its own."""
    with laptop.store.write(remote=True) as session:
        entry = session.scalars(
            select(OutboxEntry).where(OutboxEntry.record_id == record_id).order_by(OutboxEntry.seq)
        ).first()
        assert entry is not None
        entry.state, entry.rejection_reason = REJECTED, "Refused for this test."


def _child(laptop: Laptop) -> Child:
    with laptop.store.write() as session:
        child = factories.child(allocated_worker=laptop.worker)
        session.add(child)
    laptop.sync()
    return child


def _retry_all(laptop: Laptop) -> None:
    with laptop.store.write(remote=True) as session:
        for change in refused.refused(session):
            refused.retry(session, change.entry_id, actor=laptop.worker)


def test_an_addendum_that_reaches_the_service_before_its_visit_waits_and_follows_it(
    pair: tuple[Laptop, Laptop, LiveServer],
) -> None:
    """The visit is refused; its addendum reaches the service first and is refused (the
    service checks what an addendum adds to) with the laptop noting what it waits for. When
    the worker retries the visit, the addendum follows it in the same sync, by itself; the
    other laptop ends with both, the addendum pointing at the visit."""
    one, two, _service = pair
    child = _child(one)
    with one.store.write() as session:
        visit = factories.finalised_visit(child.id, observations="Original words.")
        session.add(visit)
    _refuse(one, visit.id)
    with one.store.write() as session:
        addendum = Addendum(
            target_type="visit", target_id=visit.id, text="Correction: it was Tuesday."
        )
        addendum.child_id = child.id
        session.add(addendum)
    first = one.sync()
    assert first.rejected == 1
    with one.store.read() as session:
        [waiting] = session.scalars(
            select(OutboxEntry).where(OutboxEntry.record_id == addendum.id)
        ).all()
        assert waiting.state == REJECTED and waiting.waits_for == visit.id
        assert "not on the service yet" in (waiting.rejection_reason or "")
    _retry_all(one)  # the worker retries the visit; the addendum goes after it by itself
    second = one.sync()
    assert (second.sent, second.rejected) == (2, 0)
    with one.store.read() as session:
        assert session.scalars(select(OutboxEntry)).all() == []
    assert all(check.ok for check in doctor(one.store))
    two.sync()
    with two.store.read() as session:
        arrived = session.get(Addendum, addendum.id)
        assert arrived is not None and arrived.target_id == visit.id
        assert session.get(Visit, visit.id) is not None


def test_a_sign_off_never_goes_before_the_draft_it_signs_off(
    pair: tuple[Laptop, Laptop, LiveServer],
) -> None:
    """The draft's change is refused; the sign-off made after it is held back (not sent on
    its own, where the service would take it for an incomplete new visit). Retrying the draft
    sends both as one: the other laptop gets the visit signed off, with the draft's words."""
    one, two, _service = pair
    child = _child(one)
    with one.store.write() as session:
        visit = factories.visit(
            child.id,
            observations="Draft words.",
            who_was_seen="Sam",
            seen_alone=True,
            wishes_and_feelings="Wants more time with his brother.",
        )
        session.add(visit)
    _refuse(one, visit.id)
    with one.store.write() as session:
        signed = session.get(Visit, visit.id)
        assert signed is not None
        signed.status = "finalised"
    held = one.sync()
    assert held.sent == 0
    with one.store.read() as session:
        states = sorted(
            e.state
            for e in session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == visit.id))
        )
        assert states == ["pending", "rejected"]
    _retry_all(one)
    assert one.sync().rejected == 0
    two.sync()
    with two.store.read() as session:
        arrived = session.get(Visit, visit.id)
        assert arrived is not None
        assert (arrived.status, arrived.observations) == ("finalised", "Draft words.")


def test_a_refused_edit_shows_the_services_version_with_the_refused_text_beside_it(
    pair: tuple[Laptop, Laptop, LiveServer],
) -> None:
    """Laptop two edits a draft visit that laptop one has signed off meanwhile: the service
    refuses the edit. Two shows the service's (signed-off) version, not its refused words,
    which stay in the refused change beside the service's values, with the reason."""
    one, two, _service = pair
    child = _child(one)
    with one.store.write() as session:
        visit = factories.visit(
            child.id,
            observations="Agreed words.",
            who_was_seen="Sam",
            seen_alone=True,
            wishes_and_feelings="Happy where he is.",
        )
        session.add(visit)
    one.sync()
    two.sync()
    with one.store.write() as session:
        mine = session.get(Visit, visit.id)
        assert mine is not None
        mine.status = "finalised"
    one.sync()
    with two.store.write() as session:
        theirs = session.get(Visit, visit.id)
        assert theirs is not None
        theirs.observations = "Words typed on laptop two."
    assert two.sync().rejected == 1
    with two.store.read() as session:
        shown = session.get(Visit, visit.id)
        assert shown is not None
        assert (shown.observations, shown.status) == ("Agreed words.", "finalised")
        [change] = refused.refused(session)
    assert change.fields["observations"] == "Words typed on laptop two."
    assert change.service_fields is None or change.service_fields["observations"] == "Agreed words."
    assert "signed off" in change.reason
