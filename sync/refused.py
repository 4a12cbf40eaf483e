"""Changes the service refused: kept with their text until a person decides about them.

A refused change is never dropped by the laptop on its own. The worker can read it (its whole
text, the reason, what to do next), retry it, or mark it dealt with (having copied or exported
what they need); only then may the record it is about leave the laptop, if the service has
removed it meanwhile (``sync.apply.release_kept``). Every decision is in the audit trail.

Run inside a ``store.write(remote=True)`` transaction: these are bookkeeping, not edits to a
record, so they must not queue a change of their own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.exports import service as export_service
from app.exports.document import Document
from app.exports.refused import HIDDEN as HIDDEN_FIELDS
from app.exports.refused import label, refused_document, shown
from app.models import RECORD_TYPES, AuditEvent, Child, Record
from app.models.sync_state import REJECTED
from app.replica import bases, outbox
from app.store import Store
from sync import apply
from sync.apply import ApplyTally, release_kept
from sync.codec import from_wire

if TYPE_CHECKING:
    from app.models import OutboxEntry


@dataclass(frozen=True)
class RefusedChange:
    """One refused change as a worker reads it."""

    entry_id: uuid.UUID
    record_type: str
    record_id: uuid.UUID
    #: Whose record: the child's or household's name, when the laptop still holds it.
    about: str
    made_at: datetime
    reason: str
    #: The fields the worker wrote, as sent.
    fields: dict[str, Any]
    #: The service's version of the same fields, when the change was an edit of a record the
    #: service holds (shown beside the worker's refused text).
    service_fields: dict[str, Any] | None

    @property
    def noun(self) -> str:
        cls = RECORD_TYPES.get(self.record_type)
        return str(getattr(cls, "noun", self.record_type.replace("_", " ")))


def refused(session: Session) -> list[RefusedChange]:
    """Every refused change, oldest first."""
    found = []
    for entry in outbox.refused_entries(session):
        base = bases.base_of(session, entry.record_type, entry.record_id)
        found.append(
            RefusedChange(
                entry_id=entry.id,
                record_type=entry.record_type,
                record_id=entry.record_id,
                about=_about(session, entry),
                made_at=entry.created_at,
                reason=entry.rejection_reason or "The service refused this change.",
                fields=dict(entry.fields),
                service_fields=(
                    {name: base.fields.get(name) for name in entry.fields} if base else None
                ),
            )
        )
    return found


def _about(session: Session, entry: OutboxEntry) -> str:
    cls = RECORD_TYPES.get(entry.record_type)
    record = session.get(cls, entry.record_id) if cls is not None else None
    child_id = getattr(record, "child_id", None) if record is not None else None
    if entry.record_type == "child":
        child_id = entry.record_id
    child = session.get(Child, child_id) if child_id is not None else None
    if child is not None:
        return f"{child.given_name} {child.family_name}".strip()
    if record is not None and entry.record_type == "carer_household":
        return str(getattr(record, "name", ""))
    return ""


def _entry(session: Session, entry_id: uuid.UUID) -> OutboxEntry:
    entry = outbox.entry(session, entry_id)
    if entry is None or entry.state != REJECTED:
        raise LookupError("That refused change is no longer waiting for a decision.")
    return entry


def retry(session: Session, entry_id: uuid.UUID, *, actor: str) -> uuid.UUID:
    """Queue a refused change again, as a new change (the service answers a change id it has
    seen with the answer it gave), made under the cursor the original was made under.
    Returns the new change's id."""
    entry = _entry(session, entry_id)
    # Later changes of the same record were held back behind this one and never sent: they
    # go with it, in one change, in the order they were made.
    later = outbox.later_pending(session, entry)
    fields = dict(entry.fields)
    operation = entry.operation
    for held in later:
        fields.update(held.fields)
        operation = "delete" if held.operation == "delete" else operation
    again = outbox.queue(
        session,
        record_type=entry.record_type,
        record_id=entry.record_id,
        operation=operation,
        base_revision=entry.base_revision,
        fields=fields,
    )
    again.made_under = entry.made_under  # made when the original was, whatever came since
    _decided(session, entry, actor, "sync_retry")
    for held in [entry, *later]:
        outbox.drop(session, held)
    session.flush()
    # The refusal put the service's version back on screen; what goes again is shown again.
    apply.show_worker_version(session, again)
    session.flush()
    return again.id


def retry_ready(session: Session) -> int:
    """Send again, by themselves, refused changes that were waiting for a record the service
    has since taken (the laptop holds its service version and nothing of it is unsettled).
    Returns how many were queued again."""
    queued = 0
    for entry in outbox.waiting_refusals(session):
        target = entry.waits_for
        assert target is not None
        held = next(
            (
                record
                for cls in RECORD_TYPES.values()
                if (record := session.get(cls, target)) is not None
            ),
            None,
        )
        if held is None or held.server_revision is None:
            continue
        if outbox.unsettled(session, held.record_type, held.id):
            continue
        retry(session, entry.id, actor=SYNC_ACTOR)
        queued += 1
    return queued


#: Who the audit trail names for a retry the laptop made by itself.
SYNC_ACTOR = "casebook (sync)"


def mark_dealt_with(session: Session, entry_id: uuid.UUID, *, actor: str) -> None:
    """The worker has dealt with a refused change (copied or exported what they need): it
    leaves the outbox, and a removal kept back for it is carried out now."""
    entry = _entry(session, entry_id)
    _decided(session, entry, actor, "sync_refusal_dealt_with")
    outbox.drop(session, entry)
    session.flush()
    _settle_record(session, entry.record_type, entry.record_id)
    release_kept(session, ApplyTally())


def _settle_record(session: Session, record_type: str, record_id: uuid.UUID) -> None:
    """Once nothing of the worker's on it remains, a record shows what the service holds: its
    service version again, or (a record the service never had) nothing, unless other records
    on the laptop still point at it."""
    cls = RECORD_TYPES.get(record_type)
    record = session.get(cls, record_id) if cls is not None else None
    if record is None or outbox.unsettled(session, record_type, record_id):
        return
    base = bases.base_of(session, record_type, record_id)
    if record.server_revision is None:
        if not apply.referenced(session, record):
            if base is not None:
                bases.drop(session, base)
            session.delete(record)
            session.flush()
            _settle_subjects(session, record)
        return
    if base is not None:
        for name, value in from_wire(record_type, dict(base.fields)).items():
            if hasattr(record, name):
                setattr(record, name, value)
        bases.drop(session, base)
    record.dirty = False
    session.flush()


#: The subject a record points at, by the field that names it.
_SUBJECTS = {"child_id": "child", "household_id": "carer_household"}


def _settle_subjects(session: Session, record: Record) -> None:
    """A record the service never had has left the laptop: a child or household it pointed at,
    which the service never had either, was kept only for it (its own refusal may have been
    dealt with first) and goes now too, once nothing else points at it."""
    for name, subject_type in _SUBJECTS.items():
        subject_id = getattr(record, name, None)
        cls = RECORD_TYPES.get(subject_type)
        subject = session.get(cls, subject_id) if subject_id and cls is not None else None
        if subject is not None and subject.server_revision is None:
            _settle_record(session, subject_type, subject.id)


def _decided(session: Session, entry: OutboxEntry, actor: str, action: str) -> None:
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            record_type=entry.record_type,
            record_id=entry.record_id,
            fields=sorted(entry.fields),
            detail=(entry.rejection_reason or "")[:200],
        )
    )


# ---- For the screens (each its own transaction; the UI runs these on a worker thread)


def list_refused(store: Store) -> list[RefusedChange]:
    with store.read() as session:
        return refused(session)


def retry_change(store: Store, entry_id: uuid.UUID) -> None:
    with store.write(remote=True) as session:
        retry(session, entry_id, actor=store.worker)


def deal_with(store: Store, entry_id: uuid.UUID) -> None:
    with store.write(remote=True) as session:
        mark_dealt_with(session, entry_id, actor=store.worker)


def as_text(change: RefusedChange) -> str:
    """The change as plain text, for the clipboard: every field the worker wrote, the reason."""
    lines = [
        f"A {change.noun} the service did not accept"
        + (f": {change.about}" if change.about else "")
    ]
    lines.append(f"Written on this laptop: {change.made_at:%d %b %Y %H:%M} (UTC)")
    for name, value in change.fields.items():
        if name in HIDDEN_FIELDS:
            continue
        lines.append(f"\n{label(name)}:\n{shown(change.record_type, name, value)}")
    lines.append(f"\nWhy it was not accepted:\n{change.reason}")
    return "\n".join(lines)


def document(store: Store, change: RefusedChange) -> Document:
    """The change as a PDF document (``app.exports.refused``)."""
    return refused_document(
        export_service.context(store),
        record_type=change.record_type,
        record_id=change.record_id,
        noun=change.noun,
        about=change.about,
        made_at=change.made_at,
        reason=change.reason,
        fields=change.fields,
        service_fields=change.service_fields,
    )
