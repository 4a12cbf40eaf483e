"""Applying the server's answers to the laptop's store, one record at a time.

These functions run inside a ``store.write(remote=True)`` transaction (the caller commits a
whole pushed batch's results, or a whole pulled page with its cursor, as one unit), so a crash
part-way leaves either the old state or the new one. They never talk to the network.

The rule for a record with local changes the server has not seen is always the same three-way
merge (``sync.merge``) against the base the laptop last agreed with: fields only one side
changed take that side; fields both changed differently become ``FieldConflictRecord`` rows that
keep both values until a person decides; what the server still lacks is queued again, based on
the server's newest revision.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.models import RECORD_TYPES, FieldConflictRecord, Record
from app.replica import bases, outbox, records
from app.replica.sent_mark import is_unsent, sent_through
from app.serialize import record_fields
from sync import waiting
from sync.codec import from_wire
from sync.merge import merge
from sync.protocol.messages import ChangeResult, ChangeStatus, RecordVersion, Removal
from sync.protocol.records import RECORD_FIELDS, SERVER_CONTROLLED

if TYPE_CHECKING:
    from app.models import OutboxEntry


@dataclass
class ApplyTally:
    """What one sync did, for the worker's summary."""

    received: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    purged: int = 0
    kept_for_worker: int = 0


# ---- Push results


def apply_push_result(
    session: Session, entry: OutboxEntry, result: ChangeResult, tally: ApplyTally
) -> None:
    cls = RECORD_TYPES[entry.record_type]
    record = session.get(cls, entry.record_id)
    if result.status is ChangeStatus.REJECTED:
        waits_for = None
        if result.field == "target_id" and entry.fields.get("target_id"):
            # Refers to a record the service does not hold yet: sent again once it does.
            waits_for = uuid.UUID(str(entry.fields["target_id"]))
        outbox.refuse(entry, result.reason or "The service refused this change.", waits_for)
        tally.rejected += 1
        _show_service_version(session, entry, record)
        return
    if result.status is ChangeStatus.CONFLICT:
        # Nothing was applied on the server: this entry's edits must go through the merge
        # (kept as conflicts or queued again), so it is settled there, not dropped here.
        assert result.record is not None
        _take_server_version(session, result.record, tally, known=result, settled=entry)
        return
    outbox.drop(session, entry)
    session.flush()
    if result.record is not None:  # merged: the server's combined version comes back
        _take_server_version(session, result.record, tally)
        return
    if result.revision is None:
        # The deletion of a record the server never had: nobody else ever saw it, so the
        # tombstone has nothing left to tell anyone and goes too.
        if (
            record is not None
            and record.deleted
            and record.server_revision is None
            and not _has_pending(session, entry.record_type, entry.record_id)
            and not referenced(session, record)
        ):
            session.delete(record)
        return
    # applied: the server now holds the base plus exactly what we sent (plus, for a new
    # record, the stamps and fields only the server sets).
    added = result.stamps.fields if result.stamps is not None else {}
    still_pending = _has_pending(session, entry.record_type, entry.record_id)
    if still_pending:
        base = bases.base_of(session, entry.record_type, entry.record_id)
        fields = {**(base.fields if base else {}), **entry.fields, **added}
        fields.pop("deleted", None)
        bases.keep(session, entry.record_type, entry.record_id, result.revision, fields)
        if result.stamps is not None:
            # Edits made after the record was first sent were made on top of what the server
            # has just taken: that revision is their base (not "none", which the server would
            # read as "made before any revision" and compare against every later edit).
            through = sent_through(session)
            for later in outbox.pending_of(session, entry.record_type, entry.record_id):
                if later.base_revision is None and is_unsent(later, through):
                    later.base_revision = result.revision
    else:
        bases.forget(session, entry.record_type, entry.record_id)  # the record is the server's
    if record is not None:
        if result.stamps is not None:
            for name, value in from_wire(entry.record_type, added).items():
                if name in SERVER_CONTROLLED:
                    setattr(record, name, value)
            record.created_by = result.stamps.created_by
            record.created_at = result.stamps.created_at
            record.updated_by = result.stamps.updated_by
            record.updated_at = result.stamps.updated_at
        record.server_revision = max(record.server_revision or 0, result.revision)
        record.dirty = still_pending


def _show_service_version(session: Session, entry: OutboxEntry, record: Record | None) -> None:
    """A refused edit of a record the service holds: the record shows the service's version
    again (the worker's refused text stays in the entry, shown beside it), so the laptop never
    presents as accepted what the service refused. A new record the service never took keeps
    the worker's text: there is no other version to show."""
    base = bases.base_of(session, entry.record_type, entry.record_id)
    if record is None or base is None or _has_pending(session, entry.record_type, entry.record_id):
        return
    theirs = {name: base.fields[name] for name in entry.fields if name in base.fields}
    for name, value in from_wire(entry.record_type, theirs).items():
        setattr(record, name, value)
    if entry.operation == "delete":
        record.deleted = False
    record.dirty = False


def show_worker_version(session: Session, entry: OutboxEntry) -> None:
    """A refused change queued again (``entry``, its retry): the record shows the worker's
    values once more, undoing ``_show_service_version``. The laptop must hold what it sends:
    a change the service applies as sent is answered with its stamps alone, and its next pull
    skips the record as its own echo, so a record left showing the service's old version
    would stay so for good (a case note left a draft here that the service holds signed off).

    A record the laptop holds from the service keeps a base to merge against, as a worker's
    edit would: the one kept since the change was made, or else the service's version the
    laptop holds now (a pull may have brought a newer one while the change waited)."""
    cls = RECORD_TYPES.get(entry.record_type)
    record = session.get(cls, entry.record_id) if cls is not None else None
    if record is None:
        return
    if record.server_revision is not None:
        key = (entry.record_type, entry.record_id)
        if bases.base_of(session, *key) is None:
            names = [n for n in RECORD_FIELDS[entry.record_type] if hasattr(record, n)]
            bases.keep(session, *key, record.server_revision, record_fields(record, names))
    for name, value in from_wire(entry.record_type, dict(entry.fields)).items():
        if hasattr(record, name):
            setattr(record, name, value)
    if entry.operation == "delete":
        record.deleted = True
    record.dirty = True


# ---- Pull


def apply_version(session: Session, version: RecordVersion, tally: ApplyTally) -> None:
    cls = RECORD_TYPES.get(version.record_type)
    if cls is None:
        return  # a record type this laptop does not know yet (newer server): ignore safely
    local = session.get(cls, version.record_id)
    if local is not None and (local.server_revision or 0) >= version.revision:
        return  # already have it (an echo of our own push, or a page fetched twice)
    tally.received += 1
    _take_server_version(session, version, tally)


def apply_removal(session: Session, removal: Removal, tally: ApplyTally) -> None:
    """Purge a record that was deleted or left the caseload, unless the worker still has work
    on it that has neither reached the service nor been decided by a person (unsent, set
    aside, refused, or a conflict): then the removal is kept (``KeptRemoval``) and carried out
    by ``release_kept`` once that is no longer so, so their words are never silently lost.

    A child or household takes its dependent records with it (they left the caseload too, and
    a page boundary may separate their removals); if any of those holds such work, the
    subject stays as well so nothing is left pointing at a missing record.
    """
    cls = RECORD_TYPES.get(removal.record_type)
    if cls is None:
        return
    waiting.forget(session, [removal.record_id])  # had it been waiting, it need wait no more
    with session.no_autoflush:
        local = session.get(cls, removal.record_id)
        kept = outbox.kept_removal(session, removal.record_id)
        if local is None:
            if kept is not None:
                outbox.drop_kept_removal(session, kept)
            return
        doomed: list[Record] = [local]
        link = _SUBJECT_LINKS.get(removal.record_type)
        if link is not None:
            # A record about a child (a placement, a visit) stays with the child.
            doomed += records.linked_records(session, link, removal.record_id)
        if any(outbox.unsettled(session, r.record_type, r.id) for r in doomed):
            outbox.keep_removal(session, removal.record_type, removal.record_id, removal.reason)
            tally.kept_for_worker += 1
            return
        if kept is not None:
            outbox.drop_kept_removal(session, kept)
        # Records that others point at go last (the models declare no relationships, so
        # SQLAlchemy would not order these deletes by foreign key for us).
        for record in sorted(doomed, key=lambda r: _PURGE_RANK.get(r.record_type, 0)):
            bases.forget(session, record.record_type, record.id)
            session.delete(record)
            session.flush()
            tally.purged += 1


def release_kept(session: Session, tally: ApplyTally) -> None:
    """Carry out the removals kept back for work that has since reached the service or been
    decided by a person (the rest stay kept). Subjects go last, after their records."""
    kept = outbox.kept_removals(session)
    kept.sort(key=lambda k: k.record_type in _SUBJECT_LINKS)
    for removal in kept:
        apply_removal(
            session,
            Removal(
                record_type=removal.record_type,
                record_id=removal.record_id,
                reason="deleted" if removal.reason == "deleted" else "out_of_scope",
            ),
            tally,
        )
        if outbox.kept_removal(session, removal.record_id) is not None:
            tally.kept_for_worker -= 1  # still kept: counted when it was first kept


_SUBJECT_LINKS = {"child": "child_id", "carer_household": "household_id"}
_PURGE_RANK = {"carer": 1, "child": 2, "carer_household": 2}


# ---- Private API


def _take_server_version(
    session: Session,
    version: RecordVersion,
    tally: ApplyTally,
    *,
    known: ChangeResult | None = None,
    settled: OutboxEntry | None = None,
) -> None:
    cls = RECORD_TYPES[version.record_type]
    local = session.get(cls, version.record_id)
    theirs_wire = dict(version.fields)
    theirs = from_wire(version.record_type, theirs_wire)
    pending = outbox.pending_of(session, version.record_type, version.record_id)
    kept_deleted = False
    if local is None:
        local = cls()
        local.id = version.record_id
        for name, value in theirs.items():
            setattr(local, name, value)
        session.add(local)
    elif not pending:
        for name, value in theirs.items():
            setattr(local, name, value)
    else:
        kept_deleted = _merge_into(session, local, version, pending, tally, known, settled)
    # A deletion that met someone else's edit stays in force here until the worker decides.
    local.deleted = version.deleted or kept_deleted
    local.server_revision = version.revision
    local.created_by, local.created_at = version.created_by, version.created_at
    local.updated_by, local.updated_at = version.updated_by, version.updated_at
    local.dirty = bool(outbox.pending_of(session, version.record_type, version.record_id))
    if local.dirty:
        bases.keep(session, version.record_type, version.record_id, version.revision, theirs_wire)
    else:
        bases.forget(session, version.record_type, version.record_id)  # the record is the server's


def _merge_into(
    session: Session,
    local: Record,
    version: RecordVersion,
    pending: list[OutboxEntry],
    tally: ApplyTally,
    known: ChangeResult | None,
    settled: OutboxEntry | None,
) -> bool:
    """Merge the server's version into a record with unsent work; returns True when the
    worker's deletion met edits made elsewhere and is kept as a conflict (not undone)."""
    base_row = bases.base_of(session, version.record_type, version.record_id)
    base = dict(base_row.fields) if base_row else {}
    if known is not None:
        base.update(_contested_bases(session, version, known))
    names = list(version.fields)
    mine = record_fields(local, [n for n in names if hasattr(local, n)])
    result = merge(base, mine, version.fields)
    for name, value in from_wire(version.record_type, result.merged).items():
        setattr(local, name, value)
    who = {c.field: c for c in known.conflicts} if known else {}
    for contested in result.conflicts:
        detail = who.get(contested.name)
        session.add(
            FieldConflictRecord(
                record_type=version.record_type,
                record_id=version.record_id,
                field=contested.name,
                base_value={"v": contested.base},
                mine={"v": contested.mine},
                theirs={"v": contested.theirs},
                theirs_by=detail.changed_by if detail else version.updated_by,
                theirs_at=detail.changed_at if detail else version.updated_at,
                server_revision=version.revision,
            )
        )
    deleting = not version.deleted and any(e.operation == "delete" for e in pending)
    if deleting:
        # Never a silent winner: the worker deleted what a colleague has since changed. Both
        # stand side by side (deleted / kept with their edits) until the worker chooses.
        session.add(
            FieldConflictRecord(
                record_type=version.record_type,
                record_id=version.record_id,
                field="deleted",
                base_value={"v": False},
                mine={"v": True},
                theirs={"v": False},
                theirs_by=version.updated_by,
                theirs_at=version.updated_at,
                server_revision=version.revision,
            )
        )
        tally.conflicts += 1
    tally.conflicts += len(result.conflicts)
    if not result.conflicts and result.to_push:
        tally.merged += 1
    # Rebase what has not left the laptop yet; entries that may have reached the server keep
    # their meaning (the server dedupes them or answers with a conflict of its own).
    through = sent_through(session)
    unsent = [e for e in pending if is_unsent(e, through) or e is settled]
    for entry in unsent:
        outbox.drop(session, entry)
    if result.to_push:
        # Still the worker's earlier edits: made under the cursor they were first made under.
        earliest = min(pending, key=lambda e: e.seq or 0) if pending else None
        outbox.queue(
            session,
            record_type=version.record_type,
            record_id=version.record_id,
            operation="upsert",
            base_revision=version.revision,
            fields=result.to_push,
            made_under=earliest.made_under if earliest is not None else None,
        )
    session.flush()
    return deleting


def _contested_bases(
    session: Session, version: RecordVersion, known: ChangeResult
) -> dict[str, Any]:
    """For each field the service says someone else changed since the change's base, the
    value it had at that base: what the worker's change was made against.

    The laptop's own base may be newer: a pull while the change waited (set aside as refused,
    or possibly sent) brought the colleague's value, and the base moved with it. Merged
    against that, the worker's older edit would look like the only change and be pushed over
    the colleague's words, or, shown the colleague's value, be dropped; against the change's
    own base both sides changed, so the worker is shown the conflict. A field whose conflict
    with this same service value the laptop has recorded already (the worker may have chosen
    since) keeps the laptop's base: the worker is not asked twice."""
    asked = {
        row.field
        for row in records.field_conflicts(session, version.record_type, version.record_id)
        if row.theirs.get("v") == version.fields.get(row.field)
    }
    return {
        conflict.field: conflict.base_value
        for conflict in known.conflicts
        if conflict.field not in asked
    }


def referenced(session: Session, record: Record) -> bool:
    """Whether other records on the laptop still point at this one (a child's visits)."""
    link = _SUBJECT_LINKS.get(record.record_type)
    if link is None:
        return False
    return records.is_linked(session, link, record.id)


def _has_pending(session: Session, record_type: str, record_id: Any) -> bool:
    return bool(outbox.pending_of(session, record_type, record_id))
