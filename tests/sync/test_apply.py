"""Applying the server's answers to the laptop's store: merges, conflicts, purges, rejections."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Child, FieldConflictRecord, OutboxEntry, Record, SyncBase, Visit
from app.replica.sent_mark import mark_sent_through
from app.serialize import record_fields
from app.store import Store
from sync import push
from sync.apply import ApplyTally, apply_push_result, apply_removal, apply_version
from sync.client import ServiceClient
from sync.pages import apply_pushed
from sync.protocol.messages import (
    Change,
    ChangeResult,
    ChangeStatus,
    FieldConflict,
    PushResponse,
    RecordVersion,
    Removal,
    Stamps,
)
from sync.run import SyncRun
from tests.app import factories

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _version(record: Record, revision: int, **changes: object) -> RecordVersion:
    """The server's version of ``record`` (as saved on some laptop) at ``revision``."""
    fields = record_fields(record)
    fields.pop("deleted")
    fields.update(changes)
    return RecordVersion(
        record_type=record.record_type,
        record_id=record.id,
        revision=revision,
        fields=fields,
        created_by="bob",
        created_at=WHEN,
        updated_by="bob",
        updated_at=WHEN,
    )


def _server_child(store: Store, revision: int = 1) -> Child:
    """A child that came from the server (nothing pending)."""
    child = factories.child()
    with store.write(remote=True) as session:
        apply_version(session, _version(child, revision), ApplyTally())
    return child


def _edit_locally(store: Store, child_id: uuid.UUID, **changes: object) -> None:
    with store.write() as session:
        loaded = session.get(Child, child_id)
        assert loaded is not None
        for name, value in changes.items():
            setattr(loaded, name, value)


def _pending(store: Store) -> list[OutboxEntry]:
    with store.read() as session:
        return list(session.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending")))


def test_a_new_server_record_arrives_clean(store: Store) -> None:
    """A pulled record is stored as the server has it, not dirty, with nothing queued back."""
    child = _server_child(store)
    with store.read() as session:
        saved = session.get(Child, child.id)
        assert saved is not None and (saved.server_revision, saved.dirty) == (1, False)
        assert saved.date_of_birth == child.date_of_birth and saved.created_by == "bob"
        # Unedited, the record is the server's version: no second copy is kept as its base.
        assert session.get(SyncBase, ("child", child.id)) is None
    assert _pending(store) == []


def test_a_first_local_edit_keeps_the_servers_version_as_the_base(store: Store) -> None:
    """The moment a worker edits a record from the server, the values it had before (the
    server's, at its revision) are kept to merge against; a second edit keeps that same base,
    and once the server has everything the base goes again."""
    child = _server_child(store, revision=4)
    _edit_locally(store, child.id, about_me="First edit.")
    _edit_locally(store, child.id, about_me="Second edit.", preferred_name="Kit")
    with store.read() as session:
        base = session.get(SyncBase, ("child", child.id))
        assert base is not None and base.revision == 4
        assert base.fields["about_me"] == child.about_me
        assert base.fields["preferred_name"] == child.preferred_name
    [entry] = _pending(store)
    with store.write(remote=True) as session:
        loaded = session.get(OutboxEntry, entry.seq)
        assert loaded is not None
        apply_push_result(
            session,
            loaded,
            ChangeResult(change_id=entry.id, status=ChangeStatus.APPLIED, revision=5),
            ApplyTally(),
        )
    with store.read() as session:
        assert session.get(SyncBase, ("child", child.id)) is None
        saved = session.get(Child, child.id)
        assert saved is not None and (saved.server_revision, saved.dirty) == (5, False)


def test_edits_to_different_fields_merge_and_only_mine_is_resent(store: Store) -> None:
    """My offline edit and a colleague's edit to another field both survive; what the server
    lacks is queued again on the server's newest revision."""
    child = _server_child(store)
    _edit_locally(store, child.id, about_me="loves drawing")
    with store.write(remote=True) as session:
        tally = ApplyTally()
        apply_version(session, _version(child, 2, preferred_name="Ami"), tally)
    with store.read() as session:
        saved = session.get(Child, child.id)
        assert saved is not None
        assert (saved.about_me, saved.preferred_name, saved.dirty) == ("loves drawing", "Ami", True)
        assert session.scalars(select(FieldConflictRecord)).all() == []
    [entry] = _pending(store)
    assert (entry.base_revision, entry.fields) == (2, {"about_me": "loves drawing"})


def test_same_field_edited_both_sides_keeps_both_until_someone_decides(store: Store) -> None:
    """A true conflict keeps my value and theirs (with who and when); the server's stands."""
    child = _server_child(store)
    _edit_locally(store, child.id, about_me="mine: loves drawing")
    with store.write(remote=True) as session:
        apply_version(session, _version(child, 2, about_me="theirs: loves football"), ApplyTally())
    with store.read() as session:
        [conflict] = session.scalars(select(FieldConflictRecord)).all()
        saved = session.get(Child, child.id)
    assert (conflict.field, conflict.mine, conflict.theirs, conflict.base_value) == (
        "about_me",
        {"v": "mine: loves drawing"},
        {"v": "theirs: loves football"},
        {"v": ""},
    )
    assert conflict.theirs_by == "bob"
    assert saved is not None and saved.about_me == "theirs: loves football"
    assert _pending(store) == []


def test_echoes_and_repeated_pages_change_nothing(store: Store) -> None:
    """A version the laptop already has (or an older one) is ignored."""
    child = _server_child(store, revision=5)
    with store.write(remote=True) as session:
        tally = ApplyTally()
        apply_version(session, _version(child, 4, given_name="Older"), tally)
        apply_version(session, _version(child, 5, given_name="Same"), tally)
    assert tally.received == 0
    with store.read() as session:
        saved = session.get(Child, child.id)
        assert saved is not None and saved.given_name == "Amara"


def test_records_leaving_the_caseload_are_purged_unless_work_is_unsent(store: Store) -> None:
    """Out-of-scope records go; one with unsent edits stays so the worker loses nothing."""
    kept, gone = _server_child(store), _server_child(store)
    _edit_locally(store, kept.id, about_me="unsent words")
    with store.write(remote=True) as session:
        tally = ApplyTally()
        for child in (kept, gone):
            apply_removal(
                session,
                Removal(record_type="child", record_id=child.id, reason="out_of_scope"),
                tally,
            )
    assert (tally.purged, tally.kept_for_worker) == (1, 1)
    with store.read() as session:
        assert session.get(Child, gone.id) is None
        assert session.get(SyncBase, ("child", gone.id)) is None
        still = session.get(Child, kept.id)
        assert still is not None and still.about_me == "unsent words"


def test_push_results_settle_the_outbox(store: Store) -> None:
    """Applied clears the entry and the dirty flag; rejected sets it aside with its reason."""
    with store.write() as session:
        child = factories.child()
        session.add(child)
        session.flush()
        visit = factories.visit(child.id)
        session.add(visit)
    with store.write(remote=True) as session:
        entries = {e.record_type: e for e in session.scalars(select(OutboxEntry))}
        tally = ApplyTally()
        apply_push_result(
            session,
            entries["child"],
            ChangeResult(change_id=entries["child"].id, status=ChangeStatus.APPLIED, revision=9),
            tally,
        )
        apply_push_result(
            session,
            entries["visit"],
            ChangeResult(
                change_id=entries["visit"].id,
                status=ChangeStatus.REJECTED,
                reason="This child is no longer in your caseload.",
            ),
            tally,
        )
    with store.read() as session:
        saved_child = session.get(Child, child.id)
        saved_visit = session.get(Visit, visit.id)
        left = session.scalars(select(OutboxEntry)).all()
    assert saved_child is not None and (saved_child.server_revision, saved_child.dirty) == (
        9,
        False,
    )
    assert saved_visit is not None and saved_visit.dirty
    [entry] = left
    assert (entry.state, entry.rejection_reason) == (
        "rejected",
        "This child is no longer in your caseload.",
    )
    assert tally.rejected == 1


def test_a_conflicting_push_becomes_a_kept_conflict_and_a_rebased_change(store: Store) -> None:
    """When the server answers 'conflict', contested fields are kept for the worker and the
    uncontested edit is queued again on the server's revision."""
    child = _server_child(store)
    _edit_locally(store, child.id, about_me="mine", preferred_name="Ama")
    server_now = _version(child, 3, about_me="theirs")
    with store.write(remote=True) as session:
        [entry] = session.scalars(select(OutboxEntry)).all()
        apply_push_result(
            session,
            entry,
            ChangeResult(
                change_id=entry.id,
                status=ChangeStatus.CONFLICT,
                revision=3,
                record=server_now,
                conflicts=[
                    FieldConflict(
                        field="about_me",
                        server_value="theirs",
                        base_value="",
                        changed_by="carol",
                        changed_at=WHEN,
                    )
                ],
            ),
            ApplyTally(),
        )
    with store.read() as session:
        [conflict] = session.scalars(select(FieldConflictRecord)).all()
    assert (conflict.theirs_by, conflict.mine) == ("carol", {"v": "mine"})
    [entry] = _pending(store)
    assert (entry.base_revision, entry.fields) == (3, {"preferred_name": "Ama"})


def test_a_household_leaving_takes_its_own_records_but_not_the_childs(store: Store) -> None:
    """Carers go with their household; a placement about a child still held stays."""
    from app.models import Carer, CarerHousehold, Placement

    household, carer_id = factories.household(), uuid.uuid4()
    child = factories.child()
    with store.write(remote=True) as session:
        session.add_all([household, child])
        session.flush()
        session.add(
            Carer(id=carer_id, household_id=household.id, given_name="Jo", family_name="Whitfield")
        )
        placement = Placement(
            child_id=child.id,
            household_id=household.id,
            placement_type="U4",
            start_date=datetime(2025, 1, 6).date(),
        )
        session.add(placement)
    with store.write(remote=True) as session:
        apply_removal(
            session,
            Removal(record_type="carer_household", record_id=household.id, reason="out_of_scope"),
            ApplyTally(),
        )
    with store.read() as session:
        assert session.get(CarerHousehold, household.id) is None
        assert session.get(Carer, carer_id) is None
        assert session.get(Placement, placement.id) is not None


def _stamps_answer(entry: OutboxEntry, revision: int, **fields: object) -> ChangeResult:
    return ChangeResult(
        change_id=entry.id,
        status=ChangeStatus.APPLIED,
        revision=revision,
        stamps=Stamps(
            created_by="alice.server",
            created_at=WHEN,
            updated_by="alice.server",
            updated_at=WHEN,
            fields=dict(fields),
        ),
    )


def _as_change(entry: OutboxEntry) -> Change:
    return Change(
        change_id=entry.id,
        record_type=entry.record_type,
        record_id=entry.record_id,
        operation="upsert",
        base_revision=entry.base_revision,
        fields={},
    )


def test_a_new_record_answered_with_stamps_only_keeps_its_text_and_takes_the_servers_stamps(
    store: Store,
) -> None:
    """A new signed-off visit comes back as stamps only: the words typed stay as they are, the
    server's sign-off name and revision are taken, and nothing is left to send."""
    with store.write() as session:
        child = factories.child()
        session.add(child)
        session.flush()
        visit = factories.visit(
            child.id,
            status="finalised",
            observations="Settled and happy",
            wishes_and_feelings="Sam wants to keep his room as it is.",
            who_was_seen="Sam and his carers",
            seen_alone=True,
        )
        session.add(visit)
    with store.write(remote=True) as session:
        entries = list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))
        answers = {
            e.id: _stamps_answer(
                e, 10 + n, **({"finalised_by": "alice.server"} if e.record_type == "visit" else {})
            )
            for n, e in enumerate(entries)
        }
        apply_pushed(session, [_as_change(e) for e in entries], answers, ApplyTally())
    with store.read() as session:
        saved = session.get(Visit, visit.id)
        assert saved is not None
        assert (saved.observations, saved.finalised_by, saved.created_by) == (
            "Settled and happy",
            "alice.server",
            "alice.server",
        )
        assert (saved.server_revision, saved.dirty) == (11, False)
        assert (saved.created_at, saved.updated_at) == (WHEN, WHEN)
        assert session.scalars(select(OutboxEntry)).all() == []


def test_stamps_for_a_record_edited_again_before_the_answer_keep_the_later_edit(
    store: Store,
) -> None:
    """A child created, sent, then edited before the answer came: the answer settles the first
    change only; the later edit stays queued, based on the server's new revision."""
    with store.write() as session:
        child = factories.child(given_name="Sam")
        session.add(child)
    with store.read() as session:
        [first] = session.scalars(select(OutboxEntry)).all()
        session.expunge(first)
    with store.write() as session:
        session.add(factories.visit(child.id))  # an unrelated pending entry
    _mark_sent(store, first.id)
    _edit_locally(store, child.id, preferred_name="Sammy")
    with store.write(remote=True) as session:
        apply_pushed(
            session, [_as_change(first)], {first.id: _stamps_answer(first, 7)}, ApplyTally()
        )
    with store.read() as session:
        saved = session.get(Child, child.id)
        base = session.get(SyncBase, ("child", child.id))
        pending = [e for e in _pending_all(session) if e.record_type == "child"]
    assert saved is not None and saved.preferred_name == "Sammy" and saved.dirty
    assert saved.server_revision == 7 and saved.created_by == "alice.server"
    assert base is not None and base.revision == 7 and base.fields["given_name"] == "Sam"
    [later] = pending
    assert later.fields == {"preferred_name": "Sammy"} and later.base_revision == 7


def test_a_settled_batch_lets_go_of_its_records_bases_and_keeps_the_others(store: Store) -> None:
    """Edits to records from the server keep a base each until the server has them: a batch
    answered as applied drops exactly its own records' bases and entries; a record edited but
    not in the batch keeps its base and its entry, to merge against at the next sync."""
    sent = [_server_child(store, revision=3) for _ in range(3)]
    waiting = _server_child(store, revision=5)
    for child in [*sent, waiting]:
        _edit_locally(store, child.id, about_me=f"Edited {child.given_name}.")
    with store.read() as session:
        assert len(session.scalars(select(SyncBase)).all()) == 4
        entries = [e for e in _pending_all(session) if e.record_id in {c.id for c in sent}]
        for entry in entries:
            session.expunge(entry)
    with store.write(remote=True) as session:
        # Loaded (and held) in the settling transaction itself: afterwards they are gone from
        # it too, not left behind as stale copies.
        held = [session.get(SyncBase, ("child", c.id)) for c in sent]
        assert all(base is not None for base in held)
        answers = {e.id: _stamps_answer(e, 10) for e in entries}
        apply_pushed(session, [_as_change(e) for e in entries], answers, ApplyTally())
        assert all(session.get(SyncBase, ("child", c.id)) is None for c in sent)
    with store.read() as session:
        bases = {b.record_id: b.revision for b in session.scalars(select(SyncBase))}
        left = [e.record_id for e in _pending_all(session)]
        settled = [session.get(Child, c.id) for c in sent]
    assert bases == {waiting.id: 5}
    assert left == [waiting.id]
    assert all(c is not None and (c.server_revision, c.dirty) == (10, False) for c in settled)


def test_an_answer_for_an_entry_no_longer_in_the_outbox_changes_nothing(store: Store) -> None:
    """Settling goes by the outbox as it is now: an answer whose entry has gone meanwhile (a
    case purged from the laptop) is passed over, and the rest of the batch still settles."""
    with store.write() as session:
        gone, kept = factories.child(given_name="Sam"), factories.child(given_name="Ava")
        session.add_all([gone, kept])
    with store.write(remote=True) as session:
        entries = list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))
        answers = {e.id: _stamps_answer(e, 20 + n) for n, e in enumerate(entries)}
        changes = [_as_change(e) for e in entries]
        session.delete(next(e for e in entries if e.record_id == gone.id))
    with store.write(remote=True) as session:
        apply_pushed(session, changes, answers, ApplyTally())
    with store.read() as session:
        left_alone, settled = session.get(Child, gone.id), session.get(Child, kept.id)
        assert session.scalars(select(OutboxEntry)).all() == []
    assert left_alone is not None and (left_alone.server_revision, left_alone.dirty) == (None, True)
    assert settled is not None and settled.server_revision is not None and not settled.dirty


def _mark_sent(store: Store, entry_id: uuid.UUID) -> None:
    """As the engine does before sending: the entry may have reached the server, so a later
    edit becomes a new entry rather than folding into it."""
    with store.write(remote=True) as session:
        entry = session.scalar(select(OutboxEntry).where(OutboxEntry.id == entry_id))
        assert entry is not None
        mark_sent_through(session, entry.seq)


def _pending_all(session: Session) -> list[OutboxEntry]:
    return list(session.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending")))


def test_an_answer_that_leaves_sent_changes_unaccounted_for_is_not_a_success(store: Store) -> None:
    """Sent against acknowledged must add up: a change the service's answer does not mention
    stays waiting (its id goes again next time) and the sync reports the gap, so it is never
    shown as a clean sync."""
    with store.write() as session:
        first = factories.child(given_name="Ama")
        second = factories.child(given_name="Kwame")
        session.add_all([first, second])
    run = SyncRun(store, ServiceClient("http://127.0.0.1:9"))
    batch = push._next_batch(run, most=10)
    assert batch is not None and len(batch.changes) == 2
    answered = batch.changes[0]
    result = ChangeResult(
        change_id=answered.change_id, status=ChangeStatus.REJECTED, reason="Not this one."
    )
    push._settle(run, batch.changes, PushResponse(results=[result]))
    summary = run.summary
    assert summary.unacknowledged == 1 and not summary.ok
    assert "did not answer for 1" in summary.errors[0]
    with store.read() as session:
        waiting = session.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending"))
        assert [e.record_id for e in waiting] == [second.id]
