"""What the Sync details window lists, in a worker's words: what is waiting to be sent, what
the last sync sent and received record by record, what was refused and what was kept back.

Read on a worker thread (``ui.views.sync_status``); names come from the laptop's own records.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.models import RECORD_TYPES, CarerHousehold, Child
from app.models.sync_state import PENDING, REJECTED
from app.replica import outbox
from app.store import Store
from sync.summary import Direction, SyncItem

#: The fields that give a record's date, in the order they are looked for.
_DATE_FIELDS = (
    "visit_date",
    "event_date",
    "review_date",
    "started_date",
    "plan_date",
    "completed_date",
    "start_date",
)

#: What a sent change's answer means, in words.
SENT_WORDS = {
    "applied": "accepted",
    "merged": "accepted, merged with others' edits",
    "conflict": "in conflict: waiting for your decision",
    "rejected": "not accepted: see below",
}
RECEIVED_WORDS = {
    "received": "received",
    "removed": "removed from this laptop (deleted, or no longer in your caseload)",
    "kept": "kept on this laptop until your work on it is sent or dealt with",
}


@dataclass(frozen=True)
class Line:
    """One record as the details list it."""

    #: The child's or household's name ("" if the laptop no longer holds it).
    about: str
    #: "visit", "case note", ...
    kind: str
    when: date | None
    #: "draft", "signed off", "" (records with no sign-off)
    state: str
    #: What happened or what is waiting, in words.
    note: str


@dataclass(frozen=True)
class Details:
    waiting: list[Line]
    #: Changes held back behind a refused change of the same record.
    held_back: int
    last_sync: list[Line]
    #: More records the last sync moved than are listed.
    more: int
    refused: int
    kept: list[Line]


def read(store: Store, items: list[SyncItem], moved: int) -> Details:
    """``items``: the last sync's record-by-record log; ``moved``: how many it sent and
    received in all."""
    with store.read() as session:
        waiting: list[Line] = []
        held_back = 0
        entries = outbox.unsettled_entries(session)
        refused_records = {e.record_id for e in entries if e.state == REJECTED}
        for entry in entries:
            if entry.state != PENDING:
                continue
            held = entry.record_id in refused_records
            held_back += held
            note = (
                "held back until you decide about the refused change before it"
                if held
                else ("a deletion" if entry.operation == "delete" else "waiting to be sent")
            )
            waiting.append(_line(session, entry.record_type, entry.record_id, note, entry.fields))
        last = [
            _line(
                session,
                item.record_type,
                item.record_id,
                ("sent: " + SENT_WORDS.get(item.outcome, item.outcome))
                if item.direction == Direction.SENT
                else RECEIVED_WORDS.get(item.outcome, item.outcome),
                None,
            )
            for item in items
        ]
        kept = [
            _line(
                session, k.record_type, k.record_id, "kept until your work on it is settled", None
            )
            for k in outbox.kept_removals(session)
        ]
        refused = len(refused_records)
    return Details(waiting, held_back, last, max(0, moved - len(items)), refused, kept)


def _line(
    session: Any,
    record_type: str,
    record_id: uuid.UUID,
    note: str,
    fields: dict[str, Any] | None,
) -> Line:
    cls = RECORD_TYPES.get(record_type)
    kind = str(getattr(cls, "noun", record_type.replace("_", " ")))
    record = session.get(cls, record_id) if cls is not None else None
    values: dict[str, Any] = dict(fields or {})
    if record is not None:
        for name in (*_DATE_FIELDS, "status", "child_id", "household_id"):
            if name not in values and hasattr(record, name):
                values[name] = getattr(record, name)
    when = next((values[n] for n in _DATE_FIELDS if values.get(n)), None)
    if isinstance(when, str):
        try:
            when = date.fromisoformat(when[:10])
        except ValueError:
            when = None
    status = values.get("status")
    state = {"draft": "draft", "finalised": "signed off", "approved": "approved"}.get(
        str(status), ""
    )
    return Line(_about(session, record_type, record_id, values), kind, when, state, note)


def _about(session: Any, record_type: str, record_id: uuid.UUID, values: dict[str, Any]) -> str:
    child_id = record_id if record_type == "child" else values.get("child_id")
    if child_id is not None:
        child = session.get(Child, uuid.UUID(str(child_id)))
        if child is not None:
            return f"{child.given_name} {child.family_name}"
    household_id = record_id if record_type == "carer_household" else values.get("household_id")
    if household_id is not None:
        household = session.get(CarerHousehold, uuid.UUID(str(household_id)))
        if household is not None:
            return str(household.name)
    return ""
