"""Attachment files and full re-syncs between two laptops and the real service."""

from __future__ import annotations

import contextlib
import hashlib
import os
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Attachment, CaseNote, Child, OutboxEntry, Visit
from app.services.attachments import attach, content_of
from server.models import Record, ScopeEvent, utcnow
from server.services.purge import purge
from sync.attachments import PIECE_BYTES
from sync.engine import Cancelled, run_sync
from tests.app import factories
from tests.server.conftest import LiveServer
from tests.sync import test_engine_live
from tests.sync.test_engine_live import Laptop

laptops = test_engine_live.laptops  # the two-laptop fixture


def _push_records_only(laptop: Laptop) -> None:
    """A sync cut off right after sending the records (before any file)."""
    sent: list[bool] = []
    with contextlib.suppress(Cancelled):
        run_sync(
            laptop.store,
            laptop.client,
            progress=lambda p: sent.append(p.phase == "sending"),
            cancelled=lambda: any(sent),
        )
    assert any(sent)


def _child_with_photo(laptop: Laptop, worker: str) -> tuple[bytes, str]:
    """A new child with a photo of three pieces (each test's own bytes: the service keeps one
    copy of each file, shared by everyone who attaches it)."""
    photo = os.urandom(2 * PIECE_BYTES + 12_345)
    with laptop.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
        session.flush()
        attachment = attach(
            session,
            target_type="child",
            target_id=child.id,
            filename="bedroom.jpg",
            content=photo,
        )
    return photo, attachment.sha256


def test_a_photo_travels_in_pieces_and_only_once(laptops: tuple[Laptop, Laptop, str]) -> None:
    """A photo attached offline reaches the other laptop byte for byte; syncing again moves no
    file either way."""
    one, two, worker = laptops
    photo, sha256 = _child_with_photo(one, worker)
    sent = one.sync()
    assert sent.files_uploaded == 1 and sent.bytes_sent >= len(photo)
    received = two.sync()
    assert received.files_downloaded == 1 and received.bytes_received >= len(photo)
    with two.store.read() as session:
        [arrived] = session.scalars(select(Attachment)).all()
        assert hashlib.sha256(content_of(session, arrived)).hexdigest() == sha256
    for laptop in (one, two):
        again = laptop.sync()
        assert (again.files_uploaded, again.files_downloaded) == (0, 0)
        assert again.bytes_sent < 10_000 and again.bytes_received < 10_000


def test_an_interrupted_upload_resumes_where_the_service_got_to(
    laptops: tuple[Laptop, Laptop, str],
) -> None:
    """If the service already holds the first piece (a sync cut off mid-upload), the next sync
    sends only the rest."""
    one, _two, worker = laptops
    photo, sha256 = _child_with_photo(one, worker)
    # Push the records only (as an interrupted sync would have), then one piece of the file.
    _push_records_only(one)
    state = one.client.upload_chunk(sha256, 0, photo[:PIECE_BYTES])
    assert state.received == PIECE_BYTES and not state.complete
    summary = one.sync()
    assert summary.files_uploaded == 1
    assert len(photo) - PIECE_BYTES <= summary.bytes_sent < len(photo)


def test_a_laptop_away_too_long_resyncs_and_lets_go_of_deleted_records(
    laptops: tuple[Laptop, Laptop, str], server: LiveServer
) -> None:
    """Laptop two is away while a visit is deleted and the service forgets the deletion; its
    next sync starts again, drops the visit, keeps the rest, and still sends unsent work."""
    one, two, worker = laptops
    with one.store.write() as session:
        child = factories.child(allocated_worker=worker)
        session.add(child)
        session.flush()
        kept, doomed = factories.visit(child.id), factories.visit(child.id)
        session.add_all([kept, doomed])
    one.sync()
    two.sync()
    with one.store.write() as session:
        gone = session.get(Visit, doomed.id)
        assert gone is not None
        gone.deleted = True
    one.sync()
    with two.store.write() as session:
        session.add(CaseNote(child_id=child.id, event_date=kept.visit_date, text="Phoned carer."))

    def age_and_purge(session: Session) -> None:
        long_ago = utcnow() - timedelta(days=400)
        session.execute(update(Record).where(Record.deleted.is_(True)).values(updated_at=long_ago))
        session.execute(update(ScopeEvent).values(at=long_ago))
        assert purge(session, max_offline_days=server.settings.max_offline_days).tombstones >= 1

    server.database.run_write(age_and_purge)
    summary = two.sync()
    assert summary.full_resync and summary.purged >= 1
    with two.store.read() as session:
        assert session.get(Visit, doomed.id) is None
        assert session.get(Visit, kept.id) is not None
        assert session.get(Child, child.id) is not None
        assert session.scalars(select(OutboxEntry)).all() == []
    again = two.sync()
    assert not again.full_resync and again.received == 0
    one.sync()
    with one.store.read() as session:
        assert [n.text for n in session.scalars(select(CaseNote))] == ["Phoned carer."]


def test_progress_reports_bytes_and_files(laptops: tuple[Laptop, Laptop, str]) -> None:
    """The progress callback sees records, files and bytes move, phase by phase."""
    one, _two, worker = laptops
    photo, _sha256 = _child_with_photo(one, worker)
    seen = []
    summary = run_sync(one.store, one.client, progress=seen.append)
    assert summary.ok
    phases = [p.phase for p in seen]
    assert phases.index("sending") < phases.index("uploading files") < phases.index("receiving")
    assert max(p.bytes_sent for p in seen) >= len(photo)
    assert seen[-1].bytes_sent == summary.bytes_sent
    assert any(p.files_total == 1 and p.files_done == 1 for p in seen)
