"""Conflicts a person must decide: listing them, and saving the worker's choice.

Sync keeps both sides of a field that this laptop and someone else changed differently
(``FieldConflictRecord``), and shows the server's value until a person chooses. This module is
the one way a choice is made, whoever asks (the conflict dialog, a test), so that every choice is
saved the same way: as an ordinary change in one ``Store.write()`` transaction, validated,
audited and queued for sync, with the conflict rows kept (marked resolved) as a record of what
both sides said.

Two cases need more than setting a field:

- Keeping "mine" when the laptop already shows the server's value would change nothing, so the
  value is *restated* to the outbox (``write_hooks.restate``); otherwise the service would never
  hear of the choice.
- A signed-off record never changes. If the worker keeps their own wording of a field the
  service has since signed off, it is added as an addendum to the record, as good case-recording
  practice does with any correction, and the record itself stays as signed off.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.errors import CasebookError
from app.models import RECORD_TYPES, Addendum, Child, FieldConflictRecord, Record
from app.models.base import Finalisable
from app.serialize import from_json_value
from app.store import Store
from app.store.write_hooks import restate

Side = Literal["mine", "theirs"]

#: Field names as a worker reads them; anything not listed is shown with underscores as spaces.
_LABELS = {
    "deleted": "Deleted",
    "about_me": "About me",
    "wishes_and_feelings": "Wishes and feelings",
    "who_was_seen": "Who was seen",
    "actions_agreed": "Actions agreed",
}


class ConflictNotFound(CasebookError):
    """The conflict was resolved meanwhile (on another window, or by a sync)."""

    def __init__(self) -> None:
        super().__init__("This conflict has already been settled. The list has been refreshed.")


@dataclass(frozen=True)
class FieldConflict:
    """One field, with both sides and the base they started from, for the side-by-side view."""

    conflict_id: uuid.UUID
    field: str
    label: str
    base: Any
    mine: Any
    theirs: Any
    theirs_by: str
    theirs_at: datetime | None


@dataclass(frozen=True)
class RecordConflict:
    """Every open conflict on one record: the worker decides a record at a time."""

    record_type: str
    record_id: uuid.UUID
    title: str
    detected_at: datetime
    signed_off: bool
    fields: tuple[FieldConflict, ...]


def label(field: str) -> str:
    return _LABELS.get(field, field.replace("_", " ").capitalize())


def open_conflicts(store: Store) -> list[RecordConflict]:
    """Unresolved conflicts, a record at a time, oldest first."""
    with store.read() as session:
        rows = session.scalars(
            select(FieldConflictRecord)
            .where(FieldConflictRecord.resolved_at.is_(None))
            .order_by(FieldConflictRecord.detected_at, FieldConflictRecord.field)
        ).all()
        grouped: dict[tuple[str, uuid.UUID], list[FieldConflictRecord]] = defaultdict(list)
        for row in rows:
            grouped[(row.record_type, row.record_id)].append(row)
        out = []
        for (record_type, record_id), items in grouped.items():
            record = _record(session, record_type, record_id)
            out.append(
                RecordConflict(
                    record_type=record_type,
                    record_id=record_id,
                    title=_title(session, record_type, record),
                    detected_at=min(r.detected_at for r in items),
                    signed_off=bool(getattr(record, "is_finalised", False)),
                    fields=tuple(_field(r) for r in items),
                )
            )
        return out


def open_count(store: Store) -> int:
    with store.read() as session:
        return len(
            session.scalars(
                select(FieldConflictRecord.id).where(FieldConflictRecord.resolved_at.is_(None))
            ).all()
        )


def resolve(
    store: Store, *, record_type: str, record_id: uuid.UUID, choices: Mapping[str, Side]
) -> None:
    """Save the worker's choice for each field of one record, in one transaction.

    ``choices`` maps a conflicting field to the side kept. Fields not named stay open. Raises
    ``ConflictNotFound`` if none of them is open any more, and the store's usual validation
    errors (nothing is saved then) if the chosen values together are not a valid record.
    """
    cls = RECORD_TYPES[record_type]
    with store.write() as session:
        rows = session.scalars(
            select(FieldConflictRecord).where(
                FieldConflictRecord.record_type == record_type,
                FieldConflictRecord.record_id == record_id,
                FieldConflictRecord.resolved_at.is_(None),
                FieldConflictRecord.field.in_(list(choices)),
            )
        ).all()
        if not rows:
            raise ConflictNotFound
        record = session.get(cls, record_id)
        if record is not None:
            _apply_choices(session, record, list(rows), choices)
        now, actor = clock.utcnow(), store.worker
        for row in rows:
            row.resolved_at, row.resolved_by, row.choice = now, actor, choices[row.field]


# ---- Private API


def _apply_choices(
    session: Session, record: Record, rows: list[FieldConflictRecord], choices: Mapping[str, Side]
) -> None:
    cls = type(record)
    signed_off = isinstance(record, Finalisable) and record.is_finalised
    kept_mine: list[str] = []
    for row in rows:
        side = choices[row.field]
        chosen = (row.mine if side == "mine" else row.theirs)["v"]
        if row.field == "deleted":
            record.deleted = bool(chosen)
            if side == "mine":
                kept_mine.append("deleted")
            continue
        value = from_json_value(cls, row.field, chosen)
        if signed_off:
            if side == "mine" and value != getattr(record, row.field):
                _addendum(session, record, row, value)
            continue
        setattr(record, row.field, value)
        if side == "mine":
            kept_mine.append(row.field)
    session.flush()
    if kept_mine:
        restate(session, record, kept_mine, delete=record.deleted)


def _addendum(session: Session, record: Record, row: FieldConflictRecord, value: Any) -> None:
    session.add(
        Addendum(
            target_type=record.record_type,
            target_id=record.id,
            child_id=getattr(record, "child_id", None),
            household_id=getattr(record, "household_id", None),
            text=(
                f"{label(row.field)}, as recorded on this laptop before the record was signed "
                f"off elsewhere:\n{value}"
            ),
        )
    )


def _record(session: Session, record_type: str, record_id: uuid.UUID) -> Record | None:
    cls = RECORD_TYPES.get(record_type)
    return session.get(cls, record_id) if cls is not None else None


def _title(session: Session, record_type: str, record: Record | None) -> str:
    cls = RECORD_TYPES.get(record_type)
    noun = cls.noun if cls is not None else record_type.replace("_", " ")
    if record is None:
        return noun.capitalize()
    if isinstance(record, Child):
        return f"{noun.capitalize()}: {record.display_name}"
    child_id = getattr(record, "child_id", None)
    child = session.get(Child, child_id) if child_id is not None else None
    return f"{noun.capitalize()} for {child.display_name}" if child else noun.capitalize()


def _field(row: FieldConflictRecord) -> FieldConflict:
    return FieldConflict(
        conflict_id=row.id,
        field=row.field,
        label=label(row.field),
        base=row.base_value["v"],
        mine=row.mine["v"],
        theirs=row.theirs["v"],
        theirs_by=row.theirs_by,
        theirs_at=row.theirs_at,
    )
