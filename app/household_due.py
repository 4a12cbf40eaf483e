"""A carer household's due items as the household pages show them: read from the saved
deadlines (``app.deadlines.cache``, never worked out again here), most urgent first, and put in
words ("within 12 months of approval", "Overdue (due 03 Nov 2026)").

Apart from ``app.households`` so the list and the file share one reading of the saved items and
one urgency order, and the words for a rule come from the rule table alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.deadlines import rules as rule_table
from app.deadlines.engine import STATUS_WORDS, DueItem, Status
from app.models import DueItemRow
from app.models.due_cache import HOUSEHOLD

#: Most urgent first; a household with nothing open sorts after everyone with something due.
URGENCY = (Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.DONE)
_RANK = {status: rank for rank, status in enumerate(URGENCY)}
_UNIT_WORDS = {"working_days": "working days"}
_TRIGGER_WORDS = {
    "approval_date": "approval",
    "temporary_approval_date": "temporary approval",
    "last_unannounced_or_approval": "the last unannounced visit (or approval)",
    "last_review": "the last review",
}


def urgency(status: Status) -> int:
    """Where a status sorts, most urgent (0) first."""
    return _RANK[status]


def saved_items(
    session: Session, today: date, *, household_id: uuid.UUID | None = None
) -> dict[uuid.UUID, list[DueItem]]:
    """The households' saved due items (one household's if given), each household's most
    urgent first, with their status for ``today`` worked out from the due date exactly as
    ``cache.read`` does. One query; the children's items are not read at all."""
    soon = today + timedelta(days=rule_table.load().due_soon_days)
    query = select(DueItemRow).where(DueItemRow.subject_type == HOUSEHOLD)
    if household_id is not None:
        query = query.where(DueItemRow.subject_id == household_id)
    found: dict[uuid.UUID, list[DueItem]] = {}
    for row in session.scalars(query):
        if row.done:
            status = Status.DONE
        elif row.due < today:
            status = Status.OVERDUE
        elif row.due <= soon:
            status = Status.DUE_SOON
        else:
            status = Status.UPCOMING
        found.setdefault(row.subject_id, []).append(
            DueItem(
                row.subject_id,
                row.obligation,
                row.title,
                row.due,
                status,
                row.rule_ref,
                row.regulation,
                row.last_done,
                row.unverified,
            )
        )
    for items in found.values():
        items.sort(key=lambda i: (_RANK[i.status], i.due, i.obligation))
    return found


def rule_words(ref: str) -> str | None:
    """How long a rule allows, in words, e.g. "within 12 months of approval" (None for a rule
    the table no longer has)."""
    rule = next((r for r in rule_table.load().rules if r.ref == ref), None)
    if rule is None:
        return None
    unit = _UNIT_WORDS.get(rule.unit, rule.unit)
    if rule.amount == 1:
        unit = unit.removesuffix("s")
    start = _TRIGGER_WORDS.get(rule.trigger, rule.trigger.replace("_", " "))
    return f"within {rule.amount} {unit} of {start}"


def worst(items: Iterable[DueItem]) -> Status:
    """The most urgent status among the items (DONE when there are none)."""
    return min((i.status for i in items), key=_RANK.__getitem__, default=Status.DONE)


def next_open(items: Iterable[DueItem]) -> DueItem | None:
    """The open item that falls due first."""
    live = [i for i in items if i.status is not Status.DONE]
    return min(live, key=lambda i: (i.due, _RANK[i.status])) if live else None


def item_words(item: DueItem) -> str:
    """An item in words, e.g. "Unannounced visit to the foster home: Overdue (due 03 Nov
    2026)"; a done item says when it was done."""
    if item.status is Status.DONE:
        done = f" on {item.last_done:%d %b %Y}" if item.last_done else ""
        return f"{item.title}: Done{done}"
    return f"{item.title}: {STATUS_WORDS[item.status]} (due {item.due:%d %b %Y})"
