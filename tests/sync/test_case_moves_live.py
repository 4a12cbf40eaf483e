"""A case moves while its worker has work on a laptop: nothing they recorded is lost.

Against the real service over loopback HTTP, on SQLite and (when configured) PostgreSQL. The
rule the service applies is in ``server.services.late_work`` and ``sync.protocol.messages``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from app import chronology, clock, late_work
from app.models import CaseNote, Child, OutboxEntry, Visit
from app.models.sync_state import REJECTED
from app.store import Profile, Store
from app.store.doctor import run as doctor
from server.models import AuditEvent
from server.services import accounts
from sync import refused
from sync.client import ServiceClient
from sync.engine import SyncSummary, run_sync
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf
from tests.server.conftest import PASSWORD, LiveServer


@dataclass
class Laptop:
    name: str
    worker: str
    store: Store
    client: ServiceClient

    def sync(self) -> SyncSummary:
        summary = run_sync(self.store, self.client)
        assert summary.ok, summary.errors
        return summary


@dataclass
class Office:
    service: LiveServer
    a: Laptop
    c: Laptop
    manager: Laptop


@pytest.fixture
def office(server: LiveServer, tmp_path: Path) -> Iterator[Office]:
    """Workers A and C and their manager, in one team, each with a laptop."""
    team = server.team()
    people = {
        "a": server.user("worker", team),
        "c": server.user("worker", team),
        "manager": server.user("manager", team),
    }
    with ExitStack() as stack:
        laptops = {}
        for key, username in people.items():
            profile = Profile.create(
                key, PASSPHRASE, worker=username, root=tmp_path, kdf=fast_kdf()
            )
            client = ServiceClient(server.url)
            stack.callback(client.close)
            client.register_device(username=username, password=PASSWORD, device_name=key)
            store = profile.unlock(PASSPHRASE)
            stack.callback(store.lock)
            laptops[key] = Laptop(key, username, store, client)
        yield Office(server, laptops["a"], laptops["c"], laptops["manager"])


def _child_held_by_a(office: Office) -> Child:
    with office.a.store.write() as session:
        child = factories.child(allocated_worker=office.a.worker)
        session.add(child)
    office.a.sync()
    return child


def _audit(service: LiveServer, action: str) -> list[AuditEvent]:
    with service.database.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_visit_signed_off_offline_reaches_the_child_after_the_case_moves(
    office: Office,
) -> None:
    """The issue's scenario: A holds the child and syncs, signs off a visit offline, the case
    is reallocated to C, A syncs. The visit is on the child's record on the service and on C's
    laptop after C's next sync, flagged to C and the manager; A's laptop lets the case go only
    once the visit is safe; nothing is lost and the doctor passes."""
    child = _child_held_by_a(office)
    office.c.sync()
    office.manager.sync()
    with office.a.store.write() as session:
        visit = factories.finalised_visit(child.id, observations="Settled; showed me his Lego.")
        draft = factories.visit(child.id, observations="Half-written notes from Friday.")
        session.add_all([visit, draft])
        edited = session.get(Child, child.id)
        assert edited is not None
        edited.preferred_name = "Kofi"
    office.service.allocate("child", child.id, office.c.worker)

    summary = office.a.sync()
    assert (summary.sent, summary.rejected, summary.kept_for_worker) == (3, 0, 0)
    with office.a.store.read() as session:
        # Safe on the service, so the case left A's laptop as it should.
        assert session.get(Child, child.id) is None and session.get(Visit, visit.id) is None
        assert session.scalars(select(OutboxEntry)).all() == []
    assert all(check.ok for check in doctor(office.a.store))

    for laptop in (office.c, office.manager):
        laptop.sync()
        with laptop.store.read() as session:
            arrived = session.get(Visit, visit.id)
            assert arrived is not None and arrived.child_id == child.id
            assert arrived.observations == "Settled; showed me his Lego."
            assert arrived.status == "finalised" and arrived.finalised_by == office.a.worker
            # A's offline edit of the child and draft visit are on the record too.
            also = session.get(Visit, draft.id)
            assert also is not None and also.observations == "Half-written notes from Friday."
            kid = session.get(Child, child.id)
            assert kid is not None and kid.preferred_name == "Kofi"
            assert kid.allocated_worker == office.c.worker
            [flag] = session.scalars(
                select(CaseNote).where(CaseNote.child_id == child.id, CaseNote.kind == "LATE_WORK")
            ).all()
            assert flag.subject == f"Recorded by {office.a.worker} before the case moved to you"
            assert "visit of" in flag.text and "(signed off)" in flag.text
            assert "(draft)" in flag.text and "child" in flag.text
            assert flag.status == "finalised"
        # In the child's chronology, and on their dashboard.
        case = chronology.open_case(laptop.store, child.id, clock.today())
        titles = [entry.title for entry in case.chronology]
        assert any(t.startswith("Recorded before the case moved: Recorded by") for t in titles)
        [shown] = late_work.recent(laptop.store, clock.today())
        assert shown.child_id == child.id and shown.heading == flag.subject
    [late] = _audit(office.service, "record.write.late")
    assert late.actor == office.a.worker and office.c.worker in (late.detail or "")


def _refuse(laptop: Laptop, record_id: object, reason: str = "Refused for this test.") -> None:
    """As if the service had refused the record's change for a reason of its own."""
    with laptop.store.write(remote=True) as session:
        [entry] = session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == record_id))
        entry.state, entry.rejection_reason = REJECTED, reason


def test_both_sides_of_the_boundary_a_change_made_before_the_move_and_one_made_after(
    office: Office,
) -> None:
    """A's visit made before the move was refused (for another reason), so the move kept the
    case on A's laptop. A visit A writes after the laptop heard of the move is refused with a
    plain reason naming the move and kept with its text; retrying the first one succeeds (it
    was made under the cursor from before the move). Once A marks the second dealt with, the
    case leaves A's laptop, the doctor passes, and C has exactly the first visit."""
    child = _child_held_by_a(office)
    with office.a.store.write() as session:
        before = factories.finalised_visit(child.id, observations="Made while I held the case.")
        session.add(before)
    _refuse(office.a, before.id)
    office.service.allocate("child", child.id, office.c.worker)
    assert office.a.sync().kept_for_worker >= 1
    with office.a.store.read() as session:
        assert session.get(Child, child.id) is not None  # kept: A has refused work on it

    with office.a.store.write() as session:
        after = factories.finalised_visit(child.id, observations="Written after the move.")
        session.add(after)
    summary = run_sync(office.a.store, office.a.client)
    assert summary.rejected == 1
    with office.a.store.read() as session:
        [reason] = session.scalars(
            select(OutboxEntry.rejection_reason).where(OutboxEntry.record_id == after.id)
        ).all()
        assert "already knew" in (reason or "") and office.c.worker in (reason or "")
        kept = session.get(Visit, after.id)
        assert kept is not None and kept.observations == "Written after the move."
    assert not all(check.ok for check in doctor(office.a.store))

    with office.a.store.write(remote=True) as session:
        [first, second] = refused.refused(session)
        assert (first.record_id, second.record_id) == (before.id, after.id)
        refused.retry(session, first.entry_id, actor=office.a.worker)
    assert office.a.sync().rejected == 0
    with office.a.store.read() as session:
        assert session.get(Child, child.id) is not None  # the second is still undecided
    with office.a.store.write(remote=True) as session:
        [left] = refused.refused(session)
        refused.mark_dealt_with(session, left.entry_id, actor=office.a.worker)
        assert session.get(Child, child.id) is None and session.get(Visit, after.id) is None
    assert all(check.ok for check in doctor(office.a.store))

    office.c.sync()
    with office.c.store.read() as session:
        assert session.get(Visit, before.id) is not None
        assert session.get(Visit, after.id) is None


def test_a_disabled_workers_laptop_sends_its_work_before_it_wipes(office: Office) -> None:
    """A leaves: their case goes to C and their account is disabled while a signed-off visit
    waits on their laptop. The laptop's next sync sends the visit (it reaches C), then is told
    to wipe; with nothing of A's left unsent, it may."""
    child = _child_held_by_a(office)
    with office.a.store.write() as session:
        visit = factories.finalised_visit(child.id, observations="My last visit to him.")
        session.add(visit)
    office.service.allocate("child", child.id, office.c.worker)
    office.service.database.run_write(
        lambda s: accounts.set_user_disabled(
            s, username=office.a.worker, disabled=True, actor="admin"
        )
    )
    summary = run_sync(office.a.store, office.a.client)
    assert summary.sent == 1 and summary.rejected == 0
    assert summary.action == "wipe"
    office.c.sync()
    with office.c.store.read() as session:
        arrived = session.get(Visit, visit.id)
        assert arrived is not None and arrived.observations == "My last visit to him."


def test_a_disabled_workers_laptop_holds_its_wipe_for_refused_work_until_abandoned(
    office: Office,
) -> None:
    """Refused work waits for A's decision, so the laptop does not wipe itself and says why;
    an admin abandoning the work explicitly (audited) makes it wipe."""
    child = _child_held_by_a(office)
    with office.a.store.write() as session:
        visit = factories.finalised_visit(child.id, observations="Refused words.")
        session.add(visit)
    _refuse(office.a, visit.id)
    office.service.database.run_write(
        lambda s: accounts.set_user_disabled(
            s, username=office.a.worker, disabled=True, actor="admin"
        )
    )
    held = run_sync(office.a.store, office.a.client)
    assert held.action is None
    assert any("1 change(s) on this laptop" in error for error in held.errors)
    with office.a.store.read() as session:
        assert session.get(Visit, visit.id) is not None
    office.service.database.run_write(
        lambda s: accounts.abandon_unsent(s, username=office.a.worker, actor="admin")
    )
    assert run_sync(office.a.store, office.a.client).action == "wipe"
    [abandoned] = _audit(office.service, "admin.user.abandon_unsent")
    assert office.a.worker in (abandoned.detail or "")
