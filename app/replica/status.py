"""What the status bar and the Sync details dialog show of the sync tables, as plain values.

Each function opens its own short transaction on a ``Store`` and returns values, so the
desktop client (which runs them on a worker thread) never holds a session of its own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.replica import outbox, state
from app.store import Store


@dataclass(frozen=True)
class Waiting:
    """Changes not yet with the service, and when a sync last finished cleanly."""

    pending: int
    refused: int
    last_sync: datetime | None


@dataclass(frozen=True)
class Refused:
    """A change the service refused, set aside with its reason."""

    record_type: str
    operation: str
    record_id: uuid.UUID
    reason: str


def waiting(store: Store) -> Waiting:
    with store.read() as session:
        pending, refused = outbox.counts_by_state(session)
        return Waiting(pending, refused, state.get(session, state.LAST_SYNC))


def refused_changes(store: Store) -> list[Refused]:
    """Every change the service refused, oldest first."""
    with store.read() as session:
        return [
            Refused(
                entry.record_type,
                entry.operation,
                entry.record_id,
                entry.rejection_reason or "The service refused this change.",
            )
            for entry in outbox.refused_entries(session)
        ]


def note_clean_sync(store: Store, moment: datetime) -> None:
    """A sync finished without errors at ``moment`` (kept across restarts)."""
    with store.write(remote=True) as session:
        state.put(session, state.LAST_SYNC, moment)
