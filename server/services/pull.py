"""Pull: one page of a laptop's feed after its cursor, and one record by id."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.core.errors import not_found
from server.models import Record, RevisionCounter, ServerState, table_of
from server.services import revisions, scope
from server.services.cursor import Cursor, decode_cursor, encode_cursor
from server.services.feed import Shape, feed_statements
from server.services.pull_page import FeedRecord, PullPage
from sync.protocol.messages import Removal

#: How far deletions have been purged, and the revision counter's value (SQLite's top; see
#: ``server.services.revisions``), in one query built once: a quiet sync is answered from
#: these two numbers alone.
_HORIZON = select(
    select(table_of(ServerState).c.purged_through)
    .where(table_of(ServerState).c.id == 1)
    .scalar_subquery(),
    select(table_of(RevisionCounter).c.value)
    .where(table_of(RevisionCounter).c.id == 1)
    .scalar_subquery(),
)


def one_snapshot(session: Session) -> None:
    """Read the whole page from one snapshot, so its records and removals agree with each other
    (SQLite's read transactions are snapshots already), and work out first how far that
    snapshot may be read (``revisions.settle_top``). Call before ``session`` reads anything."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    revisions.settle_top(session)


def pull(
    session: Session,
    *,
    caller: Caller,
    secret: str,
    cursor_text: str | None,
    limit: int,
    skip_own: bool = False,
) -> tuple[PullPage, list[uuid.UUID]]:
    """One page of the caller's feed after the cursor, and the ids of records it returns
    (``session`` in :func:`one_snapshot`)."""
    cursor = decode_cursor(secret, cursor_text)
    purged, counter = session.execute(_HORIZON).one()
    if cursor_text and cursor.key < (purged or 0):
        return PullPage(full_resync=True), []
    # Every revision up to ``top`` that will ever commit is visible in this snapshot; above it
    # one may still be on its way, so the page stops there. A laptop that has read everything
    # up to ``top`` has nothing new: the quiet pull most syncs are is answered from this one
    # query, without reading the caseload.
    top = revisions.reader_top(session, counter)
    if cursor_text and cursor.after is None and cursor.key >= top:
        return PullPage(cursor=cursor_text), []

    feed = feed_statements(
        Shape(
            manager=scope.Holder.of(caller).team_id is not None,
            resumed=cursor.after is not None,
            skip_own=skip_own and caller.device_id is not None,
        )
    )
    values = feed.values(caller, cursor, limit)
    reentered = session.execute(feed.reentered, values).all()
    plain = session.execute(feed.plain, values).all()
    held: list[tuple[FeedRecord, int]] = [(row, int(row.erev)) for row in reentered]
    held += [(row, row.revision) for row in plain]
    held.sort(key=lambda pair: (pair[1], pair[0].record_id))
    gone = session.execute(feed.gone, values).all()

    items: list[tuple[int, uuid.UUID, FeedRecord | None, str]] = [
        (k, record.record_id, record, record.record_type) for record, k in held[: limit + 1]
    ]
    items += [(int(xrev), record_id, None, record_type) for record_type, record_id, xrev in gone]
    items.sort(key=lambda item: (item[0], item[1]))
    # On PostgreSQL the snapshot may hold revisions above ``top`` (committed while a lower one
    # was not yet); they wait for a later page. All at or below it come first in this order.
    beyond = next((n for n, item in enumerate(items) if item[0] > top), None)
    if beyond is not None:
        items = items[:beyond]
    more = len(items) > limit
    page = items[:limit]
    records: list[FeedRecord] = []
    removals: list[Removal] = []
    returned: list[uuid.UUID] = []
    for _key, record_id, record, record_type in page:
        if record is None:
            removals.append(
                Removal(record_type=record_type, record_id=record_id, reason="out_of_scope")
            )
        elif record.deleted:
            removals.append(Removal(record_type=record_type, record_id=record_id, reason="deleted"))
        else:
            records.append(record)
            returned.append(record_id)
    if more:
        text = encode_cursor(secret, Cursor(page[-1][0], page[-1][1]))
    else:
        # The whole feed up to ``top`` has been sent: the next pull starts after it (and a
        # quiet one is answered by the counter alone, above).
        last = page[-1][0] if page else cursor.key
        text = encode_cursor(secret, Cursor(max(top, last), None))
    return PullPage(records=records, removals=removals, cursor=text, more=more), returned


def get_record(
    session: Session, *, caller: Caller, record_type: str, record_id: uuid.UUID
) -> Record:
    """One record in the caller's scope; 404 for missing and out-of-scope alike."""
    record = session.scalar(
        select(Record).where(
            Record.record_id == record_id,
            Record.record_type == record_type,
            Record.deleted.is_(False),
            scope.in_scope_clause(caller, Record.subject_type, Record.subject_id),
        )
    )
    if record is None:
        raise not_found()
    return record
