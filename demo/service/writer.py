"""How the demo service's records are written: one seeded generator for every choice, every
record a wire-schema version through ``WriteBatch`` (the path a real push takes), and every
subject allocated with the scope event a real allocation makes, so pulls and scope treat the demo
exactly as they would production data.

Shared by every module of ``demo.service`` (accounts and the broad caseload, households,
children's records, the return's facts, the showcase), which is why it is a module of its own.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from server.models import Allocation, UserAccount
from server.services.allocation import FIRST_REASON, record_history
from server.services.records import WriteBatch

#: A subject on the wire: ("child" or "carer_household", its id).
Subject = tuple[str, uuid.UUID]


@dataclass
class DemoWriter:
    """Writes the demo's records; ``records`` counts them for the CLI's summary."""

    session: Session
    batch: WriteBatch
    rng: random.Random
    today: date
    records: int = 0

    def new_id(self) -> uuid.UUID:
        """A random-looking but seeded id, so one seed always builds the same service."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def write(
        self,
        record_type: str,
        fields: dict[str, Any],
        owner: UserAccount,
        subject: Subject,
        record_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        rid = record_id or self.new_id()
        record = self.batch.new_record(
            record_type=record_type, record_id=rid, subject=subject, author=owner.username
        )
        self.batch.write(record=record, changes=fields, author=owner.username, device_id=None)
        self.records += 1
        return rid

    def allocate(self, subject: Subject, owner: UserAccount, since: date | None = None) -> None:
        """Allocate ``subject`` to ``owner``, with a history row from ``since`` (when the case
        came to the service, for the 903's social worker episodes) or today."""
        self.session.add(
            Allocation(
                subject_type=subject[0],
                subject_id=subject[1],
                worker_id=owner.id,
                allocated_by="demo",
            )
        )
        self.batch.scope_event(
            subject_type=subject[0],
            subject_id=subject[1],
            from_worker_id=None,
            to_worker_id=owner.id,
            from_team_id=None,
            to_team_id=owner.team_id,
        )
        record_history(
            self.session,
            subject[0],
            subject[1],
            owner.id,
            since or self.today,
            FIRST_REASON,
            "demo",
        )

    def past(self, days_max: int, days_min: int = 1) -> date:
        """A day between ``days_min`` and ``days_max`` days ago."""
        return self.today - timedelta(days=self.rng.randint(days_min, days_max))

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def at(day: date, hour: int = 16, minute: int = 30) -> str:
    """A moment on ``day`` (UTC), as the wire writes datetimes."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).isoformat()


def signed(day: date, who: UserAccount) -> dict[str, Any]:
    """The fields of a record signed off by ``who`` at the end of ``day``."""
    return {"status": "finalised", "finalised_at": at(day), "finalised_by": who.username}


def draft() -> dict[str, Any]:
    return {"status": "draft", "finalised_at": None, "finalised_by": None}


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
