"""The caseload dashboard's rows: each child with their next statutory items.

Qt-free on purpose: the text front end prints these rows today and the Qt table model will
present the same rows, so what a worker sees is decided in one place.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import codes
from app.deadlines.engine import STATUS_WORDS, DueItem, Status
from app.deadlines.from_store import caseload_deadlines
from app.models import Child, LegalStatus, Placement

_RANK = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.UPCOMING: 2, Status.DONE: 3}


@dataclass(frozen=True)
class DashboardRow:
    child_id: uuid.UUID
    name: str
    age: int
    legal_status: str
    placement: str
    items: tuple[DueItem, ...]

    @property
    def worst(self) -> Status:
        return min((i.status for i in self.items), key=_RANK.__getitem__, default=Status.DONE)

    @property
    def next_item(self) -> DueItem | None:
        live = [i for i in self.items if i.status is not Status.DONE]
        return min(live, key=lambda i: i.due) if live else None

    def summary(self) -> str:
        """The next few items in words, e.g. "Statutory visit: Overdue (due 03 Nov 2026)"."""
        live = [i for i in self.items if i.status is not Status.DONE][:3]
        return (
            "; ".join(f"{i.title}: {STATUS_WORDS[i.status]} (due {i.due:%d %b %Y})" for i in live)
            or "Nothing due"
        )


def rows(session: Session, today: date) -> list[DashboardRow]:
    """Every open child with their items, most urgent first (overdue, then soonest due)."""
    deadlines = caseload_deadlines(session, today)
    status_of = _current_codes(session, LegalStatus, LegalStatus.code, today)
    placement_of = _current_codes(session, Placement, Placement.placement_type, today)
    out = []
    for child in session.execute(
        select(
            Child.id, Child.given_name, Child.preferred_name, Child.family_name, Child.date_of_birth
        ).where(Child.deleted.is_(False), Child.case_open.is_(True))
    ):
        status = status_of.get(child.id)
        out.append(
            DashboardRow(
                child_id=child.id,
                name=f"{child.preferred_name or child.given_name} {child.family_name}",
                age=_age(child.date_of_birth, today),
                legal_status=_status_label(status),
                placement=codes.label("placement_type", placement_of[child.id])
                if child.id in placement_of
                else "Not placed",
                items=tuple(deadlines.children.get(child.id, ())),
            )
        )
    return sorted(
        out, key=lambda r: (_RANK[r.worst], r.next_item.due if r.next_item else date.max, r.name)
    )


def _current_codes(session: Session, model: Any, column: Any, today: date) -> dict[Any, str]:
    """Each child's code for the period covering today (a later start wins a tie)."""
    query = (
        select(model.child_id, column)
        .where(
            model.deleted.is_(False),
            model.start_date <= today,
            (model.end_date.is_(None)) | (model.end_date >= today),
        )
        .order_by(model.start_date)
    )
    return {child_id: code for child_id, code in session.execute(query)}


def _status_label(code: str | None) -> str:
    if code is None:
        return "No legal status recorded"
    if code in codes.code_list("legal_status"):
        return codes.label("legal_status", code)
    return codes.label("permanence_order", code)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
