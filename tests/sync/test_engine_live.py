"""Two laptops and the real central service: what a worker would see after syncing."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from app import clock
from app.models import (
    Action,
    CaseNote,
    Child,
    FieldConflictRecord,
    OutboxEntry,
    Visit,
    WaitingVersion,
)
from app.search import search
from app.serialize import record_fields
from app.services import actions
from app.store import Profile, Store
from sync import pull, push
from sync.client import JsonBody, OutgoingChange, ServiceClient
from sync.engine import Cancelled, SyncSummary, run_sync
from sync.protocol.messages import PullResponse
from sync.push import TOO_LARGE
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf
from tests.server.conftest import PASSWORD, LiveServer, ServerFactory


@dataclass
class Laptop:
    store: Store
    client: ServiceClient

    def sync(self) -> SyncSummary:
        summary = run_sync(self.store, self.client)
        assert summary.ok, summary.errors
        return summary

    def edit_child(self, child_id: object, **changes: object) -> None:
        with self.store.write() as session:
            child = session.get(Child, child_id)
            assert child is not None
            for name, value in changes.items():
                setattr(child, name, value)

    def child(self, child_id: object) -> Child | None:
        with self.store.read() as session:
            return session.get(Child, child_id)


@contextmanager
def _two_laptops(service: LiveServer, root: Path) -> Iterator[tuple[Laptop, Laptop, str]]:
    """One worker with two registered laptops, each with its own encrypted profile."""
    worker = service.user("worker", service.team())
    made = []
    try:
        for name in ("one", "two"):
            profile = Profile.create(name, PASSPHRASE, worker=worker, root=root, kdf=fast_kdf())
            client = ServiceClient(service.url)
            client.register_device(username=worker, password=PASSWORD, device_name=f"Laptop {name}")
            made.append(Laptop(profile.unlock(PASSPHRASE), client))
        yield made[0], made[1], worker
    finally:
        for laptop in made:
            laptop.store.lock()
            laptop.client.close()


@pytest.fixture
def laptops(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Laptop, Laptop, str]]:
    with _two_laptops(server, tmp_path) as made:
        yield made


def _child_with_notes(laptop: Laptop, worker: str, count: int) -> tuple[Child, list[CaseNote]]:
    """A child with ``count`` case notes of about 5 KB each, saved on ``laptop``."""
    with laptop.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
        session.flush()
        notes = [
            CaseNote(
                child_id=child.id,
                event_date=date(2026, 11, 2),
                subject=f"Note {n}",
                text="Settled, chatty and proud of school. " * 140,
            )
            for n in range(count)
        ]
        session.add_all(notes)
    return child, notes


def test_work_recorded_offline_reaches_the_other_laptop(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """A child and a signed-off visit recorded on one laptop arrive intact on the other."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
        session.flush()
        visit = factories.finalised_visit(child.id, observations="Settled; enjoys Lego.")
        session.add(visit)
    sent = one.sync()
    assert (sent.sent, sent.rejected) == (2, 0)
    received = two.sync()
    assert received.received >= 2
    with two.store.read() as session:
        arrived = session.get(Visit, visit.id)
        assert arrived is not None
        assert (arrived.observations, arrived.status, arrived.dirty) == (
            "Settled; enjoys Lego.",
            "finalised",
            False,
        )
        assert arrived.finalised_by == worker
    with one.store.read() as session:
        assert session.scalars(select(OutboxEntry)).all() == []


def test_actions_agreed_at_a_visit_reassigned_and_done_with_a_note_reach_the_other_laptop(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """An action agreed at a visit, handed to someone else and marked done with a note on one
    laptop arrives on the other with its visit, owner, completion and note."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
        session.flush()
        visit = factories.finalised_visit(child.id)
        session.add(visit)
    added = actions.add(
        one.store,
        description="Ask the GP for the health review date",
        owner=worker,
        due_date=clock.today(),
        visit_id=visit.id,
    )
    one.sync()
    two.sync()
    actions.reassign(two.store, action_id=added.action_id, owner="Sandra Whitfield")
    actions.complete(two.store, action_id=added.action_id, note="GP booked it for Tuesday.")
    two.sync()
    one.sync()
    with one.store.read() as session:
        arrived = session.get(Action, added.action_id)
        assert arrived is not None
        assert (
            arrived.source_type,
            arrived.source_id,
            arrived.owner,
            arrived.completed_date,
            arrived.completion_note,
        ) == ("visit", visit.id, "Sandra Whitfield", clock.today(), "GP booked it for Tuesday.")


def test_records_listed_before_what_they_refer_to_wait_for_it_even_across_syncs(
    laptops: tuple[Laptop, Laptop, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child edited after their visits comes after them in the service's feed. A page that
    ends in between used to fail its commit (the visits pointed at no child), and every retry
    with it; now the visits wait, out of sight, until the child arrives, even when the pull
    is cancelled in between."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker, given_name="Sam")
        session.add(child)
        session.flush()
        visits = [factories.visit(child.id, observations=f"visit {n}") for n in range(5)]
        session.add_all(visits)
    one.sync()
    one.edit_child(child.id, preferred_name="Sammy")  # now the last in the feed
    one.sync()
    monkeypatch.setattr(pull, "FIRST_PULL_PAGE", 2)
    monkeypatch.setattr(pull, "DEFAULT_PULL_PAGE", 2)

    pages = iter(range(10))
    with pytest.raises(Cancelled):  # the worker cancels after the first page
        run_sync(two.store, two.client, cancelled=lambda: next(pages) >= 1)
    with two.store.read() as session:
        assert session.scalars(select(Visit)).all() == []  # nothing points at a missing child
        assert len(session.scalars(select(WaitingVersion)).all()) == 2

    two.sync()
    with two.store.read() as session:
        arrived = session.get(Child, child.id)
        assert arrived is not None and arrived.preferred_name == "Sammy"
        assert {v.id for v in session.scalars(select(Visit))} == {v.id for v in visits}
        assert session.scalars(select(WaitingVersion)).all() == []


def test_a_pull_starts_with_a_small_page_and_doubles_up_to_the_limit(
    laptops: tuple[Laptop, Laptop, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The laptop starts writing after a small first page and fetches bigger ones meanwhile;
    every record still arrives exactly once."""
    one, two, worker = laptops
    monkeypatch.setattr(pull, "FIRST_PULL_PAGE", 2)
    monkeypatch.setattr(pull, "DEFAULT_PULL_PAGE", 8)
    _child, notes = _child_with_notes(one, worker, 20)
    one.sync()
    limits: list[int] = []
    two.client.session.hooks["response"].append(
        lambda response, *_args, **_kwargs: limits.extend(
            int(value)
            for key, value in parse_qsl(urlsplit(response.request.url).query)
            if key == "limit"
        )
    )
    assert two.sync().received == 21
    assert limits == [2, 4, 8, 8]
    with two.store.read() as session:
        assert set(session.scalars(select(CaseNote.id))) == {note.id for note in notes}


def test_a_first_sync_over_many_pages_arrives_whole_and_searchable(
    laptops: tuple[Laptop, Laptop, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages after the first are turned into insert rows while the one before is written
    (``sync.rows.prepare_rows``): every record still arrives exactly as saved, once, and
    search finds it."""
    one, two, worker = laptops
    monkeypatch.setattr(pull, "DEFAULT_PULL_PAGE", 4)
    children = []
    with one.store.write() as session:
        for n in range(6):
            child = factories.child(allocated_worker=worker, about_me=f"Likes kite{n} flying")
            session.add(child)
            children.append(child)
        session.flush()
        notes = [
            CaseNote(
                child_id=children[n % 6].id,
                event_date=date(2026, 11, n + 1),
                subject=f"Visit {n}",
                text=f"Talked about marbles{n} and school.",
            )
            for n in range(9)
        ]
        session.add_all(notes)
    one.sync()
    received = two.sync()
    assert received.received == 15
    with one.store.read() as session:
        sent = {
            r.id: record_fields(r)
            for r in (*session.scalars(select(Child)), *session.scalars(select(CaseNote)))
        }
    with two.store.read() as session:
        arrived = {
            r.id: record_fields(r)
            for r in (*session.scalars(select(Child)), *session.scalars(select(CaseNote)))
        }
        assert arrived == sent
        assert [h.record_id for h in search(session, "marbles7")] == [notes[7].id]
        assert [h.record_id for h in search(session, "kite5")] == [children[5].id]


def test_a_second_sync_with_nothing_new_moves_nothing(laptops: tuple[Laptop, Laptop, str]) -> None:
    """After a sync, syncing again sends nothing and applies nothing."""
    one, _two, worker = laptops
    with one.store.write() as session:
        session.add(factories.child(allocated_worker=worker))
    one.sync()
    again = one.sync()
    assert (again.sent, again.received, again.conflicts) == (0, 0, 0)


def test_when_only_this_laptop_changed_anything_a_sync_is_one_push(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """The push answer moves the pull cursor past the laptop's own writes when nothing else
    changed, so no pull is needed; once a colleague has changed something, it pulls again."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
    one.sync()
    two.sync()
    calls: list[str] = []
    one.client.session.hooks["response"].append(
        lambda response, *_args, **_kwargs: calls.append(response.request.path_url)
    )
    one.edit_child(child.id, about_me="likes drawing")
    assert one.sync().sent == 1
    assert [c.split("?")[0] for c in calls] == ["/v1/sync/push"]

    two.edit_child(child.id, preferred_name="Ami")
    two.sync()
    one.edit_child(child.id, upn="UN1")
    calls.clear()
    one.sync()
    assert [c.split("?")[0] for c in calls] == ["/v1/sync/push", "/v1/sync/pull"]
    two.sync()
    for laptop in (one, two):
        seen = laptop.child(child.id)
        assert seen is not None
        assert (seen.about_me, seen.preferred_name, seen.upn) == ("likes drawing", "Ami", "UN1")
    calls.clear()
    one.sync()  # nothing new anywhere: one quiet pull
    assert [c.split("?")[0] for c in calls] == ["/v1/sync/pull"]


def test_a_days_work_with_nothing_new_on_the_service_is_one_request(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """End of day: thirty case notes written and the child's record edited on one laptop, and
    nothing new waiting on the service. The sync is one request, the push, whose answer moves
    the pull cursor past it: over a slow link the wait is one round trip. The other laptop's
    next sync brings all of it, and then both are quiet in one request each."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
    one.sync()
    two.sync()
    one.sync()  # the cursor is past everything now
    with one.store.write() as session:
        session.add_all(
            CaseNote(
                child_id=child.id,
                event_date=date(2026, 11, 2),
                subject=f"Visit note {n}",
                text="Seen at home after school; settled and chatty. " * 10,
            )
            for n in range(30)
        )
    one.edit_child(child.id, about_me="likes drawing")
    calls: list[str] = []
    one.client.session.hooks["response"].append(
        lambda response, *_args, **_kwargs: calls.append(response.request.path_url)
    )
    assert one.sync().sent == 31
    assert [c.split("?")[0] for c in calls] == ["/v1/sync/push"]
    assert two.sync().received == 31
    calls.clear()
    one.sync()
    assert [c.split("?")[0] for c in calls] == ["/v1/sync/pull"]


def test_a_record_made_and_deleted_offline_leaves_no_trace(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """A case note written and then deleted before any sync syncs cleanly: nothing waits in
    the outbox, the laptop keeps no tombstone and the other laptop never sees it."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
        session.flush()
        note = CaseNote(
            child_id=child.id, event_date=date(2026, 11, 2), subject="Call", text="In error."
        )
        session.add(note)
    with one.store.write() as session:
        doomed = session.get(CaseNote, note.id)
        assert doomed is not None
        doomed.deleted = True
    one.sync()
    with one.store.read() as session:
        assert session.scalars(select(OutboxEntry)).all() == []
        assert session.get(CaseNote, note.id) is None
        assert session.get(Child, child.id) is not None
    two.sync()
    with two.store.read() as session:
        assert session.get(CaseNote, note.id) is None
        assert session.get(Child, child.id) is not None


def test_edits_to_different_fields_on_two_laptops_both_survive(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """Each laptop changes a different field offline; after syncing both hold both changes."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
    one.sync()
    two.sync()
    one.edit_child(child.id, about_me="likes drawing")
    two.edit_child(child.id, preferred_name="Ami")
    one.sync()
    two.sync()
    one.sync()
    for laptop in (one, two):
        seen = laptop.child(child.id)
        assert seen is not None
        assert (seen.about_me, seen.preferred_name, seen.dirty) == ("likes drawing", "Ami", False)


def test_same_field_edited_on_two_laptops_is_kept_for_the_worker(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """Both laptops change one field: nothing is silently overwritten, the second laptop holds
    a conflict with both values, and the worker's choice then reaches the first laptop."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
    one.sync()
    two.sync()
    one.edit_child(child.id, about_me="from laptop one")
    two.edit_child(child.id, about_me="from laptop two")
    one.sync()
    summary = two.sync()
    assert summary.conflicts == 1
    with two.store.read() as session:
        [conflict] = session.scalars(select(FieldConflictRecord)).all()
    assert (conflict.mine, conflict.theirs) == ({"v": "from laptop two"}, {"v": "from laptop one"})
    two.edit_child(child.id, about_me="from laptop two")  # the worker keeps their own words
    two.sync()
    one.sync()
    seen = one.child(child.id)
    assert seen is not None and seen.about_me == "from laptop two"


def test_a_rejected_change_is_set_aside_and_the_rest_goes_on(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """A change the server refuses is kept with its reason; other changes still sync."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
        session.flush()
        visit = factories.finalised_visit(child.id)
        session.add(visit)
    one.sync()
    two.sync()
    with one.store.write(remote=True) as session:  # simulate an old client's forbidden edit
        session.add(
            OutboxEntry(
                record_type="visit",
                record_id=visit.id,
                operation="upsert",
                base_revision=None,
                fields={"observations": "rewritten"},
            )
        )
    one.edit_child(child.id, preferred_name="Ama")
    summary = one.sync()
    assert summary.rejected == 1
    with one.store.read() as session:
        [rejected] = session.scalars(
            select(OutboxEntry).where(OutboxEntry.state == "rejected")
        ).all()
        assert rejected.rejection_reason
    two.sync()
    seen = two.child(child.id)
    assert seen is not None and seen.preferred_name == "Ama"


def _big_note(laptop: Laptop, child: Child) -> CaseNote:
    with laptop.store.write() as session:
        huge = CaseNote(
            child_id=child.id,
            event_date=date(2026, 11, 3),
            subject="Court bundle, typed in",
            text="Chronology of events as set out in the bundle. " * 4200,
            status="finalised",
        )
        session.add(huge)
    return huge


def test_a_signed_off_record_larger_than_the_batch_limit_is_still_sent(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    """This council lowered the service's batch limit to 64 KB. Twenty 5 KB notes reach it in
    batches small enough, and a signed-off 200 KB note (which can no longer be shortened) is
    sent alone, which the service accepts up to its largest record: nothing is set aside."""
    service = server_factory("sqlite", max_body_bytes=64 * 1024)
    with _two_laptops(service, tmp_path) as (one, two, worker):
        child, notes = _child_with_notes(one, worker, 20)
        huge = _big_note(one, child)
        summary = one.sync()
        assert (summary.sent, summary.rejected) == (22, 0)
        two.sync()
        with two.store.read() as session:
            arrived = session.get(CaseNote, huge.id)
            assert arrived is not None and arrived.text.startswith("Chronology of events")
            assert set(session.scalars(select(CaseNote.id))) == {n.id for n in notes} | {huge.id}


def test_a_change_larger_than_any_record_the_service_takes_is_set_aside_and_the_rest_goes_on(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    """This service takes at most 64 KB a request and a record of at most 100 KB. The 200 KB
    note is set aside with a reason the worker can act on, its words kept on the laptop, and is
    not tried again at the next sync; everything else arrives."""
    service = server_factory("sqlite", max_body_bytes=64 * 1024, max_record_bytes=100 * 1024)
    with _two_laptops(service, tmp_path) as (one, two, worker):
        child, notes = _child_with_notes(one, worker, 20)
        huge = _big_note(one, child)
        summary = one.sync()
        assert (summary.sent, summary.rejected) == (22, 1)
        with one.store.read() as session:
            [refused] = session.scalars(
                select(OutboxEntry).where(OutboxEntry.state == "rejected")
            ).all()
            kept = session.get(CaseNote, huge.id)
        assert refused.record_id == huge.id and refused.rejection_reason == TOO_LARGE
        assert kept is not None and kept.text.startswith("Chronology of events")
        again = one.sync()
        assert (again.sent, again.rejected) == (0, 0)
        two.sync()
        with two.store.read() as session:
            arrived = set(session.scalars(select(CaseNote.id)))
        assert arrived == {note.id for note in notes}


def _pushed_batch_sizes(
    laptops: tuple[Laptop, Laptop, str], monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """Push a child and twenty 5 KB notes from laptop one; the sizes of the batches sent, once
    laptop two has checked that every note arrived."""
    one, two, worker = laptops
    _child, notes = _child_with_notes(one, worker, 20)
    sizes: list[int] = []
    encode = ServiceClient.encode_push

    def counted(changes: Sequence[OutgoingChange]) -> JsonBody:
        sizes.append(len(changes))
        return encode(changes)

    monkeypatch.setattr(ServiceClient, "encode_push", staticmethod(counted))
    assert one.sync().sent == 21
    two.sync()
    with two.store.read() as session:
        assert set(session.scalars(select(CaseNote.id))) == {note.id for note in notes}
    return sizes


def test_a_batch_stops_growing_at_its_byte_budget_and_every_change_still_arrives(
    laptops: tuple[Laptop, Laptop, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With room for two 5 KB notes a batch, twenty go in ten pushes, each note exactly once."""
    monkeypatch.setattr(push, "PUSH_BYTES", 12_000)
    sizes = _pushed_batch_sizes(laptops, monkeypatch)
    assert sizes == [3] + [2] * 9  # the child rides with the first two notes


def test_a_push_starts_with_a_small_batch_and_doubles_up_to_the_limit(
    laptops: tuple[Laptop, Laptop, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service gets to work on a small first batch while the laptop prepares the next;
    batches then double up to the limit, and every change still arrives exactly once."""
    monkeypatch.setattr(push, "FIRST_PUSH_BATCH", 2)
    monkeypatch.setattr(push, "PUSH_BATCH", 8)
    assert _pushed_batch_sizes(laptops, monkeypatch) == [2, 4, 8, 7]


def test_a_sync_says_how_long_the_laptop_spent_applying_what_it_received(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """The time spent writing received pages is reported apart from the whole sync (so a slow
    sync can be put down to the laptop or to the link), and a quiet sync spends none."""
    one, two, worker = laptops
    _child_with_notes(one, worker, 30)
    one.sync()
    started = time.perf_counter()
    received = two.sync()
    elapsed = time.perf_counter() - started
    assert received.received == 31
    assert 0 < received.applying_seconds < elapsed
    assert two.sync().applying_seconds == 0


def test_a_reallocated_case_leaves_the_old_workers_laptop(
    server: LiveServer,
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """When a child is reallocated, the previous worker's laptop purges the child's records."""
    one, _two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
        session.flush()
        session.add(factories.finalised_visit(child.id))
    one.sync()
    other = server.user("worker", server.team())
    server.allocate("child", child.id, other)
    summary = one.sync()
    assert summary.purged >= 2
    assert one.child(child.id) is None
    with one.store.read() as session:
        assert session.scalars(select(Visit)).all() == []


def test_a_revoked_laptop_is_told_to_wipe(
    server: LiveServer, laptops: tuple[Laptop, Laptop, str], tmp_path: Path
) -> None:
    """Revoking a device makes its next sync end with the wipe instruction and no data sent."""
    import uuid

    from server.services import accounts

    one, _two, worker = laptops
    with one.store.write() as session:
        session.add(factories.child(allocated_worker=worker))
    assert one.client.credentials is not None
    device = uuid.UUID(one.client.credentials.device_id)
    server.database.run_write(lambda s: accounts.revoke_device(s, device_id=device, actor="admin"))
    summary = run_sync(one.store, one.client)
    assert summary.action == "wipe" and summary.sent == 0
    assert summary.errors and "Traceback" not in summary.errors[0]
    profile = Profile.open("one", root=tmp_path)
    one.store.lock()
    profile.wipe()
    assert Profile.names(root=tmp_path) == ["two"]


def test_a_pulled_page_is_written_with_the_collector_paused_and_the_wait_is_not(
    laptops: tuple[Laptop, Laptop, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cycle collector is paused only while a page is made into rows and written (where a
    first pull's millions of short-lived objects would only have it walk the heap), not while
    the laptop waits for the service, and it runs again after the sync."""
    one, two, worker = laptops
    _child_with_notes(one, worker, 3)
    one.sync()
    writing: list[bool] = []
    waiting: list[bool] = []
    apply_page, ask = pull.apply_pulled, two.client.pull

    def applied(*args: Any, **kwargs: Any) -> None:
        writing.append(gc.isenabled())
        apply_page(*args, **kwargs)

    def asked(**kwargs: Any) -> PullResponse:
        waiting.append(gc.isenabled())
        return ask(**kwargs)

    monkeypatch.setattr(pull, "apply_pulled", applied)
    monkeypatch.setattr(two.client, "pull", asked)
    gc.enable()
    assert two.sync().received == 4
    assert writing == [False] and waiting and all(waiting) and gc.isenabled()
