"""Attachments live inside the encrypted store, deduplicated, with safe names and a size cap."""

from __future__ import annotations

import uuid

import pytest

from app.errors import ValidationError
from app.models import AttachmentContent
from app.services.attachments import MAX_ATTACHMENT_BYTES, attach, content_of, safe_filename
from app.store import Profile, Store
from tests.app import factories
from tests.app.test_encryption_at_rest import _files_containing
from tests.conftest import PASSPHRASE


def _visit(store: Store) -> uuid.UUID:
    with store.write() as session:
        child = factories.child()
        session.add(child)
        session.flush()
        visit = factories.visit(child.id)
        session.add(visit)
    return visit.id


def test_attached_file_round_trips_and_is_stored_once(store: Store) -> None:
    """The same photo attached twice is stored once and reads back byte for byte."""
    visit_id = _visit(store)
    photo = b"\x89PNG fake photo bytes" * 100
    with store.write() as session:
        first = attach(
            session, target_type="visit", target_id=visit_id, filename="garden.png", content=photo
        )
        attach(
            session, target_type="visit", target_id=visit_id, filename="again.png", content=photo
        )
    with store.read() as session:
        assert content_of(session, first) == photo
        assert session.query(AttachmentContent).count() == 1
    assert first.media_type == "image/png" and first.child_id is not None


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\sw\\report.pdf", "report.pdf"),
        ("bad\x00name\x1b.txt", "badname.txt"),
        ("", "attachment"),
        ("cafe\u0301.jpg", "café.jpg"),
    ],
)
def test_file_names_are_made_safe(given: str, stored: str) -> None:
    """Folders, control characters and odd Unicode never reach the stored name."""
    assert safe_filename(given) == stored


def test_oversized_file_is_refused_with_a_clear_message(store: Store) -> None:
    """A file over the cap is refused in words, and nothing is stored."""
    visit_id = _visit(store)
    with pytest.raises(ValidationError) as caught, store.write() as session:
        attach(
            session,
            target_type="visit",
            target_id=visit_id,
            filename="huge.tif",
            content=b"\0" * (MAX_ATTACHMENT_BYTES + 1),
        )
    assert "at most 25 MB" in str(caught.value)


def test_attachment_content_is_encrypted_at_rest(profile: Profile) -> None:
    """A document's text cannot be found in any file of the profile folder."""
    marker = f"DOC{uuid.uuid4().hex}"
    with profile.unlock(PASSPHRASE) as store:
        visit_id = _visit(store)
        with store.write() as session:
            attach(
                session,
                target_type="visit",
                target_id=visit_id,
                filename=f"{marker}.txt",
                content=f"statement: {marker}".encode(),
            )
        assert _files_containing(profile.path, marker) == []
    assert _files_containing(profile.path, marker) == []
