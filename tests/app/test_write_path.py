"""Every save is one transaction that stamps, validates, queues for sync and audits the change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.errors import RecordFinalised, ValidationError
from app.models import Addendum, Assessment, AuditEvent, Child, OutboxEntry, Visit
from app.replica.sent_mark import mark_sent_through, sent_through
from app.store import Store
from app.store.write_hooks import WriteOutsideTransaction
from tests.app import factories


def _outbox(store: Store) -> list[OutboxEntry]:
    with store.read() as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))


def _saved_child(store: Store, **overrides: object) -> Child:
    with store.write() as session:
        child = factories.child(**overrides)
        session.add(child)
    return child


def test_new_record_is_queued_and_audited_with_its_author(store: Store) -> None:
    """Creating a child stamps the worker, queues every field for sync, and audits field names."""
    child = _saved_child(store, about_me="enjoys swimming")
    [entry] = _outbox(store)
    assert (entry.record_type, entry.record_id, entry.operation) == ("child", child.id, "upsert")
    assert entry.fields["given_name"] == "Amara" and entry.fields["date_of_birth"] == "2017-03-14"
    with store.read() as session:
        saved = session.get(Child, child.id)
        assert saved is not None and saved.created_by == "alice" and saved.dirty
        audit = session.scalars(select(AuditEvent).where(AuditEvent.record_id == child.id)).one()
    assert audit.action == "create" and "about_me" in audit.fields
    assert "enjoys swimming" not in repr(audit.fields) + audit.detail


def test_a_failed_save_leaves_no_trace(store: Store) -> None:
    """If anything in a save fails, neither the record, its outbox entry nor its audit row stays."""
    with pytest.raises(RuntimeError), store.write() as session:
        session.add(factories.child())
        session.flush()
        raise RuntimeError("power cut")
    with store.read() as session:
        assert session.scalar(select(Child)) is None
        assert session.scalar(select(OutboxEntry)) is None
        assert session.scalars(select(AuditEvent.action)).all() == ["profile_created", "unlock"]


def test_invalid_record_is_refused_and_nothing_else_is_lost(store: Store) -> None:
    """A bad record in a save is refused with its field named, and earlier saves are untouched."""
    good = _saved_child(store)
    with pytest.raises(ValidationError) as caught, store.write() as session:
        session.add(factories.visit(good.id, visit_date=datetime(2999, 1, 1).date()))
    assert caught.value.fields == ["visit_date"]
    assert "cannot be in the future" in str(caught.value)
    with store.read() as session:
        assert session.get(Child, good.id) is not None
        assert session.scalar(select(Visit)) is None


def test_edits_before_sync_fold_into_one_change(store: Store) -> None:
    """Several edits made offline travel as one change carrying the latest values."""
    child = _saved_child(store)
    for name in ("Ama", "Amy"):
        with store.write() as session:
            loaded = session.get(Child, child.id)
            assert loaded is not None
            loaded.preferred_name = name
    [entry] = _outbox(store)
    assert entry.fields["preferred_name"] == "Amy"


def test_edit_after_a_send_gets_its_own_change(store: Store) -> None:
    """Once a change may have reached the server, a later edit never rewrites it."""
    child = _saved_child(store)
    with store.write() as session:
        sent = session.scalars(select(OutboxEntry)).one()
        mark_sent_through(session, sent.seq)
    with store.write() as session:
        loaded = session.get(Child, child.id)
        assert loaded is not None
        loaded.preferred_name = "Ama"
    first, second = _outbox(store)
    assert "preferred_name" not in first.fields or first.fields["preferred_name"] is None
    assert second.fields == {"preferred_name": "Ama"}


def test_deletion_is_a_tombstone_that_syncs(store: Store) -> None:
    """Deleting marks the record deleted and queues a delete; a hard delete is refused."""
    child = _saved_child(store)
    with store.write() as session:
        loaded = session.get(Child, child.id)
        assert loaded is not None
        loaded.deleted = True
    assert _outbox(store)[-1].operation == "delete"
    with pytest.raises(WriteOutsideTransaction), store.write() as session:
        loaded = session.get(Child, child.id)
        session.delete(loaded)


def test_records_cannot_be_changed_through_a_read_session(store: Store) -> None:
    """Writes must go through store.write(), so none skips validation, outbox or audit."""
    with pytest.raises(WriteOutsideTransaction), store.read() as session:
        session.add(factories.child())
        session.flush()


def test_signed_off_visit_is_read_only_and_takes_addenda(store: Store) -> None:
    """A finalised visit cannot be edited; a correction is an addendum linked to it."""
    child = _saved_child(store)
    with store.write() as session:
        visit = factories.visit(
            child.id, observations="settled well", wishes_and_feelings="Wants to stay"
        )
        session.add(visit)
    with store.write() as session:
        loaded = session.get(Visit, visit.id)
        assert loaded is not None
        loaded.who_was_seen, loaded.seen_alone, loaded.status = "Amara", True, "finalised"
    with store.read() as session:
        signed = session.get(Visit, visit.id)
        assert signed is not None and signed.finalised_by == "alice"
        assert signed.finalised_at is not None
    with pytest.raises(RecordFinalised) as caught, store.write() as session:
        loaded = session.get(Visit, visit.id)
        assert loaded is not None
        loaded.observations = "rewritten"
    assert "addendum" in str(caught.value)
    with store.write() as session:
        session.add(
            Addendum(
                target_type="visit",
                target_id=visit.id,
                child_id=child.id,
                text="Correction: the carer's name is spelt Whitfield.",
            )
        )
    with store.read() as session:
        kept = session.get(Visit, visit.id)
        assert kept is not None and kept.observations == "settled well"
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.record_id == visit.id)
        ).all()
    assert actions == ["create", "finalise"]


def test_a_finalised_assessment_can_still_be_approved(store: Store) -> None:
    """A manager's approval may follow sign-off, but the answers stay fixed."""
    child = _saved_child(store)
    with store.write() as session:
        assessment = Assessment(
            child_id=child.id,
            kind="CHILD_ASSET_BASED",
            template_id="child_asset_based",
            template_version=1,
            started_date=datetime(2026, 1, 1).date(),
            answers={
                "strengths": "kind",
                "positive_relationships": "Nan",
                "existing_safety": "A settled routine",
                "seen_alone": "YES",
                "child_views": "Happy here",
                "analysis": "Doing well",
            },
            status="finalised",
        )
        session.add(assessment)
    with store.write() as session:
        loaded = session.get(Assessment, assessment.id)
        assert loaded is not None
        loaded.status, loaded.approved_by = "approved", "manager.mo"
        loaded.approved_at = datetime.now(UTC)
    with pytest.raises(RecordFinalised), store.write() as session:
        loaded = session.get(Assessment, assessment.id)
        assert loaded is not None
        loaded.answers = {**loaded.answers, "strengths": "changed"}


def test_changes_applied_from_the_server_are_not_sent_back(store: Store) -> None:
    """A remote write (sync applying the server's version) is audited but not queued."""
    with store.write(remote=True) as session:
        child = factories.child(created_by="bob", updated_by="bob", dirty=False, server_revision=3)
        session.add(child)
    assert _outbox(store) == []
    with store.read() as session:
        saved = session.get(Child, child.id)
        assert saved is not None and (saved.created_by, saved.dirty) == ("bob", False)
        assert (
            session.scalar(select(AuditEvent.action).where(AuditEvent.record_id == child.id))
            == "sync_create"
        )


def test_server_versions_are_applied_even_when_local_rules_would_refuse_them(store: Store) -> None:
    """Sync applies the server's version of a signed-off visit dated 'tomorrow' by this laptop's
    clock: the server is the authority, and refusing would wedge sync."""
    child = _saved_child(store)
    with store.write(remote=True) as session:
        visit = factories.finalised_visit(
            child.id, visit_date=datetime(2999, 1, 1).date(), server_revision=5, dirty=False
        )
        session.add(visit)
    with store.write(remote=True) as session:
        loaded = session.get(Visit, visit.id)
        assert loaded is not None
        loaded.observations, loaded.server_revision = "corrected on the server", 6
    with store.read() as session:
        kept = session.get(Visit, visit.id)
        assert kept is not None and kept.observations == "corrected on the server"


def test_only_sync_may_purge_a_record_and_search_forgets_it(store: Store) -> None:
    """A record that left the caseload is removed by sync, with its search entry."""
    from app.search import search

    child = _saved_child(store, given_name="Purgeable")
    with pytest.raises(WriteOutsideTransaction), store.write() as session:
        session.delete(session.get(Child, child.id))
    with store.write(remote=True) as session:
        session.execute(OutboxEntry.__table__.delete())
        session.delete(session.get(Child, child.id))
    with store.read() as session:
        assert session.get(Child, child.id) is None
        assert search(session, "purgeab") == []


def test_a_child_and_its_records_save_together_in_any_order(store: Store) -> None:
    """One save may add a child with its legal status and visit without flushing in between;
    a record pointing at a child that does not exist is still refused at commit."""
    from sqlalchemy.exc import IntegrityError

    from app.models import LegalStatus

    with store.write() as session:
        child = factories.child()
        session.add_all(
            [
                LegalStatus(child_id=child.id, code="C2", start_date=datetime(2026, 1, 5).date()),
                factories.visit(child.id),
                child,
            ]
        )
    with store.read() as session:
        assert session.get(Child, child.id) is not None
    import uuid

    with pytest.raises(IntegrityError), store.write() as session:
        session.add(factories.visit(uuid.uuid4()))


def test_the_sent_mark_only_rises_and_survives_a_rollback_of_its_transaction(
    store: Store,
) -> None:
    """The mark says which entries may have reached the service: a lower seq never lowers it
    (a batch answered late must not make sent entries look unsent), and it rolls back with the
    transaction that moved it (a batch that never left was never sent)."""
    with store.write() as session:
        mark_sent_through(session, 7)
    with store.write() as session:
        mark_sent_through(session, 3)
        assert sent_through(session) == 7
        mark_sent_through(session, 12)
        assert sent_through(session) == 12

    class _Cut(Exception):
        pass

    with pytest.raises(_Cut), store.write() as session:
        mark_sent_through(session, 20)
        raise _Cut
    with store.read() as session:
        assert sent_through(session) == 12
