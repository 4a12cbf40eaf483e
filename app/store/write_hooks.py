"""What happens to every record on its way to disk, inside the transaction that saves it.

For each new or changed record the hook: stamps author and time, refuses changes to signed-off
records, validates, queues the change in the outbox for sync, and appends to the audit trail.
Doing this at flush time (rather than in each service function) means no code path, present or
future, can save a record that skips one of these steps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from app import clock
from app.errors import RecordFinalised
from app.models import AuditEvent, OutboxEntry, Record, SyncBase
from app.models.base import APPROVED, FINALISED, Finalisable
from app.models.sync_state import PENDING
from app.replica import outbox
from app.replica.sent_mark import never_sent
from app.serialize import content_fields, record_fields, to_json_value
from app.store.session import WRITE_CONTEXT, CasebookSession, WriteContext
from app.validation import validate


class WriteOutsideTransaction(RuntimeError):
    """A record was changed through a read-only session: a programming error."""


@event.listens_for(CasebookSession, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    records_changed = any(isinstance(o, Record) for o in (*session.new, *session.dirty))
    if not records_changed and not session.deleted:
        return
    ctx = session.info.get(WRITE_CONTEXT)
    if not isinstance(ctx, WriteContext):
        raise WriteOutsideTransaction("records can only be changed inside Store.write()")
    if not ctx.remote:
        # Only sync may remove rows (purging records that left the caseload); a worker's
        # deletion is a tombstone so that it can travel to the server like any other change.
        for obj in session.deleted:
            if isinstance(obj, Record):
                raise WriteOutsideTransaction(
                    "records are deleted by setting deleted=True, so the deletion can sync"
                )
    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, Record):
                _on_new(session, ctx, obj)
        for obj in list(session.dirty):
            if isinstance(obj, Record) and session.is_modified(obj, include_collections=False):
                _on_change(session, ctx, obj)


def _on_new(session: Session, ctx: WriteContext, obj: Record) -> None:
    if ctx.remote:
        # The server's version is authoritative and was validated there; judging it again by
        # this laptop's clock or code lists could wedge sync on a record nobody here can fix.
        _audit(session, ctx, obj, "sync_create", [])
        return
    now = clock.utcnow()
    obj.created_by = obj.updated_by = ctx.actor
    obj.created_at = obj.updated_at = now
    obj.dirty = True
    if isinstance(obj, Finalisable) and obj.is_finalised:
        obj.finalised_at, obj.finalised_by = now, ctx.actor
    validate(obj, today=clock.today(), session=session)
    fields = content_fields(type(obj))
    outbox.queue(
        session,
        record_type=obj.record_type,
        record_id=obj.id,
        operation="upsert",
        base_revision=obj.server_revision,
        fields=record_fields(obj, fields),
    )
    action = "finalise" if isinstance(obj, Finalisable) and obj.is_finalised else "create"
    _audit(session, ctx, obj, action, fields)


def _on_change(session: Session, ctx: WriteContext, obj: Record) -> None:
    state = inspect(obj)
    changed = [
        attr.key
        for attr in state.attrs
        if attr.key not in obj.BOOKKEEPING and attr.load_history().has_changes()
    ]
    if not changed:
        return  # only sync bookkeeping moved (e.g. the server accepted a change)
    if ctx.remote:
        _audit(session, ctx, obj, "sync_update", changed)
        return
    if isinstance(obj, Finalisable):
        was = _committed_status(obj)
        if was in (FINALISED, APPROVED) and not set(changed) <= obj.MUTABLE_AFTER_FINALISE:
            raise RecordFinalised(what=obj.noun)
        if "status" in changed and obj.is_finalised and was not in (FINALISED, APPROVED):
            action = "finalise"
            obj.finalised_at, obj.finalised_by = clock.utcnow(), ctx.actor
            changed += ["finalised_at", "finalised_by"]
        elif "status" in changed and obj.status == APPROVED:
            action = "approve"
        else:
            action = "update"
    else:
        action = "update"
    if "deleted" in changed and obj.deleted:
        action = "delete"
    validate(obj, today=clock.today(), session=session)
    obj.updated_by, obj.updated_at, obj.dirty = ctx.actor, clock.utcnow(), True
    _queue(session, obj, changed, delete=action == "delete")
    _audit(session, ctx, obj, action, changed)


def _queue(session: Session, obj: Record, changed: list[str], *, delete: bool) -> None:
    """Fold into the record's unsent entry if it has one, else start a new entry."""
    _keep_base(session, obj)
    values = record_fields(obj, changed)
    entry = session.scalars(
        select(OutboxEntry)
        .where(
            OutboxEntry.record_type == obj.record_type,
            OutboxEntry.record_id == obj.id,
            OutboxEntry.state == PENDING,
            never_sent(),
        )
        .order_by(OutboxEntry.seq.desc())
        .limit(1)
    ).first()
    if entry is None:
        outbox.queue(
            session,
            record_type=obj.record_type,
            record_id=obj.id,
            operation="delete" if delete else "upsert",
            base_revision=obj.server_revision,
            fields=values,
        )
        return
    entry.fields = {**entry.fields, **values}
    if delete:
        entry.operation = "delete"


def _keep_base(session: Session, obj: Record) -> None:
    """Keep the server's version of a record as the laptop held it before its first local edit.

    Sync merges unsent local edits against this base. A record the laptop holds unedited is
    exactly the server's version, so no base is stored for it (a first sync would otherwise
    write every record twice); the base is taken here, from the values the record had before
    this transaction changed it, the moment a worker's edit makes it differ.
    """
    if obj.server_revision is None:
        return  # never been to the server: nothing to merge against
    key = (obj.record_type, obj.id)
    if session.get(SyncBase, key) is not None:
        return  # earlier unsent edits: their base still stands
    # Read from the database, not the object: this runs before the flush that writes the edit
    # (and an earlier flush in this transaction would have taken the base already), so the row
    # there is still the server's version, whatever the object has loaded or been given.
    names = [n for n in content_fields(type(obj)) if n != "deleted"]
    mapper = inspect(type(obj))
    columns = [mapper.columns[n] for n in names]
    row = session.execute(select(*columns).where(mapper.columns["id"] == obj.id)).one_or_none()
    if row is None:
        return
    before = {name: to_json_value(value) for name, value in zip(names, row, strict=True)}
    session.add(
        SyncBase(
            record_type=obj.record_type,
            record_id=obj.id,
            revision=obj.server_revision,
            fields=before,
        )
    )


def _committed_status(obj: Finalisable) -> str | None:
    history = inspect(obj).attrs.status.load_history()
    if history.deleted:
        return str(history.deleted[0])
    if history.unchanged:
        return str(history.unchanged[0])
    return None


def _audit(
    session: Session, ctx: WriteContext, obj: Record, action: str, fields: list[str]
) -> None:
    session.add(
        AuditEvent(
            actor=ctx.actor,
            action=action,
            record_type=obj.record_type,
            record_id=obj.id,
            fields=sorted(fields),
        )
    )


def restate(session: Session, obj: Record, names: list[str], *, delete: bool = False) -> None:
    """Queue ``names`` of a record again although nothing here changed them.

    A worker who keeps their own side of a conflict (or their deletion) restates what the laptop
    already shows: no attribute moves, so the flush hook sees nothing, yet the service still
    holds the other side and must be told. Same outbox folding and audit as an ordinary edit.
    """
    ctx = session.info.get(WRITE_CONTEXT)
    if not isinstance(ctx, WriteContext) or ctx.remote:
        raise WriteOutsideTransaction("a worker's choice is saved inside Store.write()")
    obj.updated_by, obj.updated_at, obj.dirty = ctx.actor, clock.utcnow(), True
    _queue(session, obj, names, delete=delete)
    _audit(session, ctx, obj, "delete" if delete else "update", names)
