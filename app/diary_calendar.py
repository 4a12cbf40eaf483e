"""The diary as an iCalendar file (RFC 5545), so a worker can put their deadlines in Outlook.

Each item is an all-day event on the day it falls due. Its UID is made from what the item is
(whom it is about, which obligation, the day), so importing the next week's file again updates
the same events instead of adding a second copy of each. The events are marked confidential:
they name children. Written by the ``icalendar`` library rather than by hand, because the
format's line folding and escaping are easy to get subtly wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from app import audit
from app.my_work import DiaryItem
from app.store import Store

PRODUCT = "-//Casebook//Diary//EN"

#: The audit trail's action for the diary leaving Casebook as a calendar file.
EXPORT_ACTION = "export_calendar"


def diary_calendar(items: Iterable[DiaryItem], *, made_at: datetime) -> bytes:
    """The items as one calendar file's bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Casebook: what falls due")
    for item in items:
        event = Event()
        event.add("uid", _uid(item))
        event.add("dtstamp", made_at)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", f"Due: {item.title} ({item.about})")
        if item.regulation:
            event.add("description", f"{item.title} for {item.about}. {item.regulation}.")
        event.add("class", "CONFIDENTIAL")
        event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: the day stays free
        calendar.add_component(event)
    made: bytes = calendar.to_ical()
    return made


def _uid(item: DiaryItem) -> str:
    subject = item.child_id or item.household_id
    key = f"{subject}|{item.title}|{item.due.isoformat()}"
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@casebook"


def record_export(store: Store, *, events: int) -> None:
    """The file names children, so its leaving is in the audit trail as a PDF's is
    (``app.exports.service.record_export``): who, when and how many events, never where to.
    Called only once the file is safely on disk."""
    with store.write() as session:
        audit.record(
            session,
            actor=store.worker,
            action=EXPORT_ACTION,
            detail=f"calendar file, {events} {'event' if events == 1 else 'events'}",
        )
