"""What settling a pulled page or a pushed batch reads and writes of the sync tables, in bulk.

``sync.pages`` decides which records need the three-way merge and which are simply written;
these are the statements it needs on the way, each named, as plain SQL where it is asked often
(building and compiling the same statement cost more than running it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import String, bindparam, func, select, type_coerce, update
from sqlalchemy.orm import Session

from app.models import OutboxEntry, SyncBase, record_table
from app.models.sync_state import PENDING
from app.store.lookup import id_array, listed, rows_with_ids

_ANY_KEPT_REMOVAL = "SELECT 1 FROM sync_kept_removal LIMIT 1"
_DROP_KEPT_REMOVALS = (
    "DELETE FROM sync_kept_removal WHERE record_id IN (SELECT value FROM json_each(?))"
)
_ANY_PENDING = "SELECT 1 FROM outbox WHERE state = ? LIMIT 1"
_DROP_ENTRIES = "DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))"
_ANY_BASE = "SELECT 1 FROM sync_base LIMIT 1"
_DROP_BASES = (
    "DELETE FROM sync_base WHERE record_type = ? AND record_id IN (SELECT value FROM json_each(?))"
)
_OUTBOX = OutboxEntry.__table__
#: The outbox rows of a list of records, built once: settling a small push spent more on
#: building and compiling this statement than on running it.
_OUTBOX_OF = select(
    type_coerce(_OUTBOX.c.id, String),
    _OUTBOX.c.record_type,
    type_coerce(_OUTBOX.c.record_id, String),
    _OUTBOX.c.state,
).where(listed(_OUTBOX.c.record_id, "record_ids"))


def exists(session: Session, sql: str, *parameters: Any) -> bool:
    """Whether ``sql`` finds a row. What the session holds unwritten is written first, as an
    ORM query would (plain SQL does not flush)."""
    session.flush()
    return session.connection().exec_driver_sql(sql, parameters).first() is not None


def release_removals_of(session: Session, record_ids: Sequence[uuid.UUID]) -> None:
    """These records came back from the service (back in the caseload, or never gone): a
    removal kept back for them no longer holds."""
    if record_ids and exists(session, _ANY_KEPT_REMOVAL):
        session.connection().exec_driver_sql(_DROP_KEPT_REMOVALS, (id_array(record_ids),))
        session.expire_all()


def any_pending(session: Session) -> bool:
    """Whether any change waits to be sent: a first sync, and most pulls after a push, find
    none, and then there is none to look up record by record."""
    return exists(session, _ANY_PENDING, PENDING)


def drop_entries(session: Session, entry_ids: Sequence[uuid.UUID]) -> None:
    """These outbox entries are settled: the service took them."""
    if entry_ids:
        session.connection().exec_driver_sql(_DROP_ENTRIES, (id_array(entry_ids),))


def outbox_rows_of(session: Session, record_ids: Iterable[uuid.UUID]) -> list[Any]:
    """``(entry id hex, record type, record id hex, state)`` of every outbox entry of these
    records (an entry queued by settling one by one is read too, as a query would)."""
    session.flush()
    found = session.connection().execute(_OUTBOX_OF, {"record_ids": id_array(record_ids)})
    return list(found)


def pending_entries(
    session: Session, record_type: str, record_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """``(entry id, record id)`` of pending outbox entries for these records.

    Only the record id is put to SQL: given ``state`` too, SQLite walks the state index, which
    holds every pending entry (a full outbox is 10,000 rows of case text to decrypt), instead
    of looking up these few records. The rest is filtered here.
    """
    rows = rows_with_ids(
        session,
        select(OutboxEntry.id, OutboxEntry.record_id, OutboxEntry.record_type, OutboxEntry.state),
        OutboxEntry.record_id,
        record_ids,
    )
    return [
        (entry_id, rid)
        for entry_id, rid, kind, state in rows
        if kind == record_type and state == PENDING
    ]


def drop_bases(session: Session, record_type: str, record_ids: Sequence[uuid.UUID]) -> None:
    """Forget the bases of these records (they are now exactly the server's version).

    A base is kept only while a record has unsent edits, so a first sync, and the settling of
    a push of new records, find none at all: one row read says so. The ids go to SQLite as one
    JSON array, as ``app.store.lookup`` explains.
    """
    if not record_ids or not exists(session, _ANY_BASE):
        return
    session.connection().exec_driver_sql(_DROP_BASES, (record_type, id_array(record_ids)))
    # As an ORM delete would: a base this session had loaded is gone, not merely stale.
    loaded = [
        base
        for base in session.identity_map.values()
        if isinstance(base, SyncBase) and base.record_type == record_type
    ]
    if loaded:
        dropped = set(record_ids)
        for base in loaded:
            if base.record_id in dropped:
                session.expunge(base)


def settle_revisions(
    session: Session, record_type: str, settled: Sequence[tuple[uuid.UUID, int]]
) -> None:
    """Mark these records (id, revision answered) as the server's version: no longer dirty,
    at the newest revision (it only ever rises: a later answer may have been settled first)."""
    table = record_table(record_type)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            server_revision=func.max(
                func.coalesce(table.c.server_revision, 0), bindparam("b_revision")
            ),
            dirty=False,
        ),
        [{"b_id": record_id, "b_revision": revision} for record_id, revision in settled],
    )
