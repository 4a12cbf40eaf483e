"""Push: a laptop's batch of changes applied in one write transaction.

The whole batch runs in one transaction (retried from scratch on a transient conflict, which is
safe because every change's result is looked up first). Each change is decided on its own
(``server.services.push_change``): a rejected or conflicting change records its result and the
rest of the batch goes on. Every result is stored with its effect, so a re-sent batch is
answered from what was stored.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.core.config import Settings
from server.core.errors import ServiceError
from server.db import execute_many
from server.models import ChangeReceipt, table_of
from server.services import audit
from server.services.cursor import Cursor, decode_cursor, encode_cursor
from server.services.id_lists import IdListStatement, listed
from server.services.push_change import BatchPush
from server.services.push_outcome import Outcome
from server.services.records import WriteBatch, lock_records
from sync.protocol.messages import Change, ChangeResult, ChangeStatus, PushResponse


def _stored_results(
    session: Session, caller: Caller, changes: list[Change]
) -> dict[uuid.UUID, ChangeResult]:
    """Results already stored for changes in the batch, in one query (a re-send is mostly
    answered from here). A change id someone else used is refused, never answered."""
    rows = _RECEIPTS.execute(session, {change.change_id for change in changes})
    stored: dict[uuid.UUID, ChangeResult] = {}
    for change_id, user_id, result in rows:
        if user_id == caller.user_id:
            stored[change_id] = ChangeResult.model_validate(result)
        else:
            stored[change_id] = ChangeResult(
                change_id=change_id,
                status=ChangeStatus.REJECTED,
                reason="This change id was already used by someone else; the laptop must "
                "make a new one.",
                field="change_id",
            )
    return stored


_RECEIPT = table_of(ChangeReceipt)
_RECEIPTS = IdListStatement(
    lambda dialect: select(_RECEIPT.c.change_id, _RECEIPT.c.user_id, _RECEIPT.c.result).where(
        listed(dialect, _RECEIPT.c.change_id)
    )
)


def _audit_push(
    session: Session, caller: Caller, changes: list[Change], fresh: list[Outcome]
) -> None:
    """One entry for what the batch wrote and one for what it was refused, naming every record."""
    written = [o.written for o in fresh if o.written is not None]
    denied = [o.denied for o in fresh if o.denied is not None]
    if written:
        audit.record_caller_event(
            session,
            caller=caller,
            action="record.write",
            record_ids=written,
            detail=f"changes={len(changes)} written={len(written)}",
        )
    if denied:
        audit.record_caller_event(
            session,
            caller=caller,
            action="record.write",
            outcome="denied",
            record_ids=denied,
            detail="push outside caseload",
        )


#: Serialises a batch's results together (per-result ``model_dump`` calls cost more).
_RESULT_LIST = TypeAdapter(list[ChangeResult])


def _store_results(
    session: Session, caller: Caller, results: list[ChangeResult], now: datetime
) -> None:
    """Remember each fresh change's result, in the same transaction as its effect."""
    if not results:
        return
    # The same documents as ``result.model_dump(mode="json")``, serialised in one call.
    documents = _RESULT_LIST.dump_python(results, mode="json")
    execute_many(
        session,
        insert(table_of(ChangeReceipt)),
        [
            {
                "change_id": result.change_id,
                "user_id": caller.user_id,
                "device_id": caller.device_id,
                "result": document,
                "created_at": now,
            }
            for result, document in zip(results, documents, strict=True)
        ],
    )


def push(
    session: Session,
    *,
    caller: Caller,
    settings: Settings,
    changes: list[Change],
    secret: str | None = None,
    cursor_text: str | None = None,
) -> PushResponse:
    """Apply a batch in ``session``'s transaction; stored results answer re-sent changes.

    Reads are bulk (stored results, then every record the batch touches, locked) and writes are
    bulk; revisions are taken last (``server.services.revisions``), after the audit entry.
    """
    stored = _stored_results(session, caller, changes)
    batch = WriteBatch(session)
    records = lock_records(session, (c.record_id for c in changes if c.change_id not in stored))
    worker = BatchPush(
        session, caller, settings, batch, records, secret=secret, push_cursor=cursor_text
    )
    worker.prefetch_scope([c for c in changes if c.change_id not in stored])
    decided: dict[uuid.UUID, Outcome | ChangeResult] = dict(stored)
    fresh: list[Outcome] = []
    for change in changes:
        if change.change_id not in decided:
            outcome = worker.apply(change)
            decided[change.change_id] = outcome
            fresh.append(outcome)
    worker.finish()
    _audit_push(session, caller, changes, fresh)
    batch.finish()
    results = [outcome.result(batch) for outcome in fresh]
    _store_results(session, caller, results, batch.now)
    decided.update((result.change_id, result) for result in results)
    answers = []
    for change in changes:
        item = decided[change.change_id]
        assert isinstance(item, ChangeResult)
        answers.append(item)
    cursor = _cursor_past(secret, cursor_text, caller, batch, changes) if secret else None
    return PushResponse(results=answers, cursor=cursor)


def _cursor_past(
    secret: str, cursor_text: str | None, caller: Caller, batch: WriteBatch, changes: list[Change]
) -> str | None:
    """A pull cursor just past this batch, when the laptop's feed holds nothing new but it.

    That is so when the laptop had read its whole feed up to the revision just below the ones
    this batch took, the batch's revisions follow on without a gap (so nobody else numbered
    anything in between), and everything the batch wrote is a version its pull would skip as
    the laptop's own echo: written by this device, not a deletion (sent back as a removal), and
    no new scope event (a subject entering the caseload is sent whole).
    """
    numbered = batch.numbered
    if not cursor_text or caller.device_id is None or numbered is None or batch.moves_scope:
        return None
    if any(change.operation == "delete" for change in changes):
        return None
    try:
        cursor = decode_cursor(secret, cursor_text)
    except ServiceError:
        return None  # the pull that follows refuses it properly
    first, last = numbered[0], numbered[-1]
    if cursor.after is not None or cursor.key != first - 1 or last - first + 1 != len(numbered):
        return None
    return encode_cursor(secret, Cursor(last, None))
