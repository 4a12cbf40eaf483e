"""Forgetting what no laptop can still need: old tombstones, change results and scope events.

Everything purged is older than the longest allowed offline period, and the highest revision
purged is remembered: a laptop whose cursor is older than that is told to re-sync fully.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Delete, delete, func, select
from sqlalchemy.orm import Session

from server.models import ChangeReceipt, Record, RecordVersion, ScopeEvent, ServerState, utcnow

logger = logging.getLogger(__name__)


def _count(session: Session, statement: Delete) -> int:
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class PurgeResult:
    tombstones: int
    receipts: int
    scope_events: int
    purged_through: int


def purge(session: Session, *, max_offline_days: int) -> PurgeResult:
    cutoff = utcnow() - timedelta(days=max_offline_days)
    state = session.get(ServerState, 1, with_for_update=True)
    assert state is not None
    tombstone_top = session.scalar(
        select(func.max(Record.revision)).where(
            Record.deleted.is_(True), Record.updated_at < cutoff
        )
    )
    event_top = session.scalar(select(func.max(ScopeEvent.revision)).where(ScopeEvent.at < cutoff))
    dead = select(Record.record_id).where(Record.deleted.is_(True), Record.updated_at < cutoff)
    session.execute(delete(RecordVersion).where(RecordVersion.record_id.in_(dead)))
    tombstones = _count(
        session, delete(Record).where(Record.deleted.is_(True), Record.updated_at < cutoff)
    )
    receipts = _count(session, delete(ChangeReceipt).where(ChangeReceipt.created_at < cutoff))
    events = _count(session, delete(ScopeEvent).where(ScopeEvent.at < cutoff))
    state.purged_through = max(state.purged_through, tombstone_top or 0, event_top or 0)
    if tombstones or receipts or events:
        logger.info(
            "purged %d tombstones, %d change results, %d scope events (through revision %d)",
            tombstones,
            receipts,
            events,
            state.purged_through,
        )
    return PurgeResult(tombstones, receipts, events, state.purged_through)
