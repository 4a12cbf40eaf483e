"""A full re-sync's bookkeeping: the records the service has sent since it began.

A full re-sync reads the whole feed again because the laptop was away longer than the service
keeps deletions; whatever the laptop holds from the service that the whole feed did not mention
has been deleted or has left the caseload meanwhile. What it has seen is kept in the store (not
in memory) so an interrupted re-sync carries on where it stopped and still knows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from app import clock
from app.models import Record, ResyncSeen
from app.replica import state

_SEEN = ResyncSeen.__table__
_FORGET_SEEN = delete(ResyncSeen)
_NOTE_SEEN = insert(ResyncSeen).on_conflict_do_nothing()


def begin(session: Session) -> None:
    """Start reading the whole feed again, from its beginning."""
    session.execute(_FORGET_SEEN)
    state.put(session, state.FULL_RESYNC, clock.utcnow().isoformat())
    state.put(session, state.PULL_CURSOR, "")


def note_seen(session: Session, record_ids: Iterable[uuid.UUID]) -> None:
    rows = [{"record_id": record_id} for record_id in record_ids]
    if rows:
        session.execute(_NOTE_SEEN, rows)


def unseen(session: Session, cls: type[Record]) -> list[uuid.UUID]:
    """Records of ``cls`` the laptop had from the service that the feed has not mentioned."""
    return list(
        session.scalars(
            select(cls.id).where(
                cls.server_revision.is_not(None),
                ~exists().where(_SEEN.c.record_id == cls.id),
            )
        )
    )


def end(session: Session) -> None:
    """The whole feed has been read and reconciled."""
    session.execute(_FORGET_SEEN)
    state.forget(session, state.FULL_RESYNC)
