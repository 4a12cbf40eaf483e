"""A refused change the worker retries, against the real service: once the service takes it,
the laptop shows exactly what the service holds.

Counterexamples the stateful convergence test found (``test_convergence_stateful.py``), each
brought down to its few steps, so they stay fixed and fail in seconds rather than minutes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app import clock
from app.models import CaseNote, Child, OutboxEntry
from app.models.sync_state import PENDING
from app.replica.sent_mark import never_sent
from sync import refused
from sync.apply import ApplyTally, apply_push_result
from sync.protocol.messages import ChangeResult, ChangeStatus
from tests.app import factories
from tests.server.conftest import LiveServer
from tests.sync.devices import Device, diff_views


@pytest.fixture
def laptops(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Device, Device]]:
    """One worker's two laptops, both holding a child with a draft case note."""
    worker = server.user("worker", server.team())
    one = Device.register(server, worker, tmp_path, "one")
    two = Device.register(server, worker, tmp_path, "two")
    try:
        with one.store.write() as session:
            child = factories.child(allocated_worker=worker)
            session.add(child)
            session.flush()
            session.add(
                CaseNote(
                    child_id=child.id,
                    event_date=clock.today() - timedelta(days=1),
                    subject="Phone call",
                    text="Mum rang about contact.",
                )
            )
        one.sync()
        two.sync()
        yield one, two
    finally:
        one.close()
        two.close()


def _note_id(device: Device) -> uuid.UUID:
    with device.store.read() as session:
        [note_id] = session.scalars(select(CaseNote.id)).all()
    return note_id


def _refuse_waiting(device: Device) -> None:
    """The service refuses the laptop's oldest unsent change (for a reason that can be put
    right, such as a lowered limit): applied through the laptop's own handling of a refusal,
    as the stateful test's ``service_refuses`` does."""
    with device.store.write(remote=True) as session:
        entry = session.scalars(
            select(OutboxEntry)
            .where(OutboxEntry.state == PENDING, never_sent())
            .order_by(OutboxEntry.seq)
        ).first()
        assert entry is not None
        refusal = ChangeResult(
            change_id=entry.id, status=ChangeStatus.REJECTED, reason="Refused for this test."
        )
        apply_push_result(session, entry, refusal, ApplyTally())


def _retry_all(device: Device) -> None:
    with device.store.write(remote=True) as session:
        for change in refused.refused(session):
            refused.retry(session, change.entry_id, actor=device.user)


def _status(device: Device, note_id: uuid.UUID) -> tuple[str, bool]:
    with device.store.read() as session:
        note = session.get(CaseNote, note_id)
        assert note is not None
        return note.status, note.finalised_at is not None


@pytest.mark.parametrize("edited_meanwhile", [False, True], ids=["alone", "edited-meanwhile"])
def test_a_retried_sign_off_is_signed_off_on_the_laptop_as_on_the_service(
    laptops: tuple[Device, Device], edited_meanwhile: bool
) -> None:
    """Laptop one signs off a case note; the service refuses the sign-off, so the laptop shows
    the service's draft again. The worker (perhaps after typing more into the draft) retries
    it and syncs: the service takes it, and laptop one shows the note signed off, as the
    service and laptop two do, rather than a draft the service holds signed off."""
    one, two = laptops
    note_id = _note_id(one)
    with one.store.write() as session:
        note = session.get(CaseNote, note_id)
        assert note is not None
        note.status = "finalised"
    _refuse_waiting(one)
    assert _status(one, note_id) == ("draft", False)  # the service's version, while refused
    if edited_meanwhile:
        with one.store.write() as session:
            note = session.get(CaseNote, note_id)
            assert note is not None
            note.text = "Mum rang about contact; called back."
    _retry_all(one)
    summary = one.sync()
    assert (summary.sent, summary.rejected) == (1, 0)
    assert one.outbox() == [] and one.rejected() == []
    assert _status(one, note_id) == ("finalised", True)
    assert diff_views(one.local_view(), one.server_view()) == []
    two.sync()
    assert _status(two, note_id) == ("finalised", True)
    assert diff_views(two.local_view(), two.server_view()) == []
    with two.store.read() as session:
        assert session.get(Child, session.scalars(select(Child.id)).one()) is not None


def test_a_retried_edit_that_a_colleague_has_since_overtaken_is_a_conflict_not_lost(
    laptops: tuple[Device, Device],
) -> None:
    """Laptop one's edit of a case note's subject is refused; meanwhile laptop two changes
    the same subject and syncs, and one pulls that version. The worker retries the refused
    edit: the service has the other subject since the edit's base, so the retry meets it as
    a conflict the worker is shown (both words kept), never one subject silently replacing
    the other (either way round)."""
    one, two = laptops
    note_id = _note_id(one)
    with one.store.write() as session:
        note = session.get(CaseNote, note_id)
        assert note is not None
        note.subject = "Typed on laptop one"
    _refuse_waiting(one)
    with two.store.write() as session:
        note = session.get(CaseNote, note_id)
        assert note is not None
        note.subject = "Typed on laptop two"
    two.sync()
    one.sync()  # the refused edit stays set aside; the record now shows two's subject
    _retry_all(one)
    one.sync()
    [conflict] = one.conflicts(unresolved_only=True)
    assert (conflict.field, conflict.mine["v"], conflict.theirs["v"]) == (
        "subject",
        "Typed on laptop one",
        "Typed on laptop two",
    )
    # Until the worker chooses, the service keeps two's words and one shows them.
    assert diff_views(one.local_view(), one.server_view()) == []
    assert one.server_view()[note_id][1]["subject"] == "Typed on laptop two"


def test_a_retried_edit_merges_with_a_colleagues_edit_of_another_field(
    laptops: tuple[Device, Device],
) -> None:
    """As above, but laptop two changed the note's text, not its subject: the retry merges
    with it on the service, no conflict, and both laptops end with one's subject and two's
    text, as the service holds them."""
    one, two = laptops
    note_id = _note_id(one)
    with one.store.write() as session:
        note = session.get(CaseNote, note_id)
        assert note is not None
        note.subject = "Typed on laptop one"
    _refuse_waiting(one)
    with two.store.write() as session:
        note = session.get(CaseNote, note_id)
        assert note is not None
        note.text = "Text typed on laptop two."
    two.sync()
    one.sync()
    _retry_all(one)
    assert one.sync().conflicts == 0
    two.sync()
    for device in (one, two):
        assert device.conflicts() == []
        assert diff_views(device.local_view(), device.server_view()) == []
        fields = device.local_view()[note_id][1]
        assert (fields["subject"], fields["text"]) == (
            "Typed on laptop one",
            "Text typed on laptop two.",
        )


def test_a_new_child_and_its_note_both_refused_leave_the_laptop_once_both_are_dealt_with(
    laptops: tuple[Device, Device],
) -> None:
    """A child recorded on the laptop is refused; a case note written for it is then refused
    by the service too (it holds no such child). The worker deals with the child's refusal
    first (kept meanwhile: the note still points at it), then the note's: both leave the
    laptop, which ends holding what the service holds, rather than a child nobody has."""
    one, _two = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=one.user)
        session.add(child)
    _refuse_waiting(one)
    with one.store.write() as session:
        session.add(
            CaseNote(
                child_id=child.id,
                event_date=clock.today() - timedelta(days=1),
                subject="Phone call",
                text="Written for the refused child.",
            )
        )
    assert one.sync().rejected == 1
    with one.store.write(remote=True) as session:
        waiting = refused.refused(session)
        assert [change.record_type for change in waiting] == ["child", "case_note"]
        for change in waiting:
            refused.mark_dealt_with(session, change.entry_id, actor=one.user)
    with one.store.read() as session:
        assert session.get(Child, child.id) is None
    assert diff_views(one.local_view(), one.server_view()) == []
    assert one.outbox() == [] and one.rejected() == []
