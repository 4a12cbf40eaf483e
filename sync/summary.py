"""What one sync did, for the worker afterwards: the summary line and Sync details."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from sync.apply import ApplyTally

#: How many records a sync's details list one by one (a first sync moves tens of thousands;
#: the details then say how many more there were).
ITEMS_KEPT = 500


class Direction(StrEnum):
    SENT = "sent"
    RECEIVED = "received"


class Received(StrEnum):
    """What became of a record the service sent (a sent one's outcome is the service's
    ``ChangeStatus``)."""

    RECEIVED = "received"
    REMOVED = "removed"
    #: A removal held back for the worker's unsettled work (``sync.apply.release_kept``).
    KEPT = "kept"


class Action(StrEnum):
    """What the service told the laptop to do (``ErrorBody.action``)."""

    #: Device revoked or account disabled: clear the laptop (held while work is unsettled).
    WIPE = "wipe"
    #: The tokens are dead: sign in again.
    REAUTHENTICATE = "reauthenticate"
    #: The cursor is not one the service issued: read the whole feed again.
    FULL_RESYNC = "full_resync"


class SyncItem(NamedTuple):
    """One record a sync sent or received, and what became of it."""

    direction: Direction
    record_type: str
    record_id: uuid.UUID
    #: sent: the service's ``ChangeStatus`` (applied, merged, conflict, rejected); received: a
    #: ``Received``
    outcome: str


@dataclass
class SyncSummary(ApplyTally):
    """What the worker is told afterwards: the tally of what was applied, plus what was sent
    and anything that went wrong, in plain words."""

    sent: int = 0
    files_uploaded: int = 0
    files_downloaded: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    full_resync: bool = False
    #: New form template versions fetched from the service (``sync.templates``).
    templates_fetched: int = 0
    errors: list[str] = field(default_factory=list)
    #: What the service told the laptop to do, if anything.
    action: Action | None = None
    #: Seconds this laptop spent applying pulled pages: making their rows and writing them,
    #: commits included, but not waiting for the service. Whether a slow sync was the link,
    #: the service or the laptop, for support and ``make bench``.
    applying_seconds: float = 0.0
    #: What this sync moved, record by record (the first ``ITEMS_KEPT``), for Sync details.
    items: list[SyncItem] = field(default_factory=list)
    #: Changes sent that the service's answer did not account for (they stay waiting).
    unacknowledged: int = 0

    def note(
        self, direction: Direction, record_type: str, record_id: uuid.UUID, outcome: str
    ) -> None:
        if len(self.items) < ITEMS_KEPT:
            self.items.append(SyncItem(direction, record_type, record_id, outcome))

    @property
    def ok(self) -> bool:
        return not self.errors
