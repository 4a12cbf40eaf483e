"""A worker's own desk: the drafts they have not signed off, and a diary of what falls due.

Drafts: every visit, case note, review and assessment still a draft that this laptop's worker
started, oldest first, with its age: a draft left for weeks is a record the child's file does
not yet have, and the oldest is the one to finish first.

Diary: the statutory items and open actions across the caseload (children and carer
households) falling due from today for ``DIARY_WEEKS`` weeks, grouped by the week they fall
in (weeks start on Monday, as a worker's diary does), with anything already overdue first. The
items come from the same saved deadlines as the dashboard (``app.dashboard.build``), so the two
never disagree.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app import codes
from app.chronology import child_names
from app.dashboard import build
from app.deadlines.engine import DueItem, Status, is_action
from app.households import household_names
from app.models import DRAFT, Assessment, CaseNote, Review, Visit
from app.store import Store

#: How far ahead the diary looks.
DIARY_WEEKS = 6


@dataclass(frozen=True)
class Draft:
    """One unsigned record of the worker's, with what is needed to open it."""

    record_type: str  # visit, case_note, review, assessment
    record_id: uuid.UUID
    child_id: uuid.UUID | None
    household_id: uuid.UUID | None
    kind_word: str  # "Visit", "Case note"...
    title: str  # what it is: "Statutory visit to a child", "Phone call: school"
    about: str  # whom it is about, by name
    started: datetime
    last_saved: datetime
    age_days: int


@dataclass(frozen=True)
class DiaryItem:
    due: date
    title: str
    about: str
    regulation: str
    overdue: bool
    action: bool
    child_id: uuid.UUID | None
    household_id: uuid.UUID | None


@dataclass(frozen=True)
class DiaryWeek:
    """The items due in the week starting ``monday`` (``overdue`` for those already late)."""

    monday: date | None
    items: tuple[DiaryItem, ...]


_Recorded = Visit | CaseNote | Review | Assessment

_KINDS: tuple[tuple[type[_Recorded], str], ...] = (
    (Visit, "Visit"),
    (CaseNote, "Case note"),
    (Review, "Review"),
    (Assessment, "Assessment"),
)


def my_drafts(store: Store, today: date) -> list[Draft]:
    """Every draft the laptop's worker started, oldest first."""
    worker = store.worker
    found: list[tuple[str, _Recorded]] = []
    with store.read() as session:
        for model, word in _KINDS:
            query = select(model).where(
                model.status == DRAFT, model.deleted.is_(False), model.created_by == worker
            )
            rows: list[_Recorded] = list(session.scalars(query))
            found.extend((word, row) for row in rows)
        children = child_names(session, {r.child_id for _, r in found if r.child_id})
        homes = household_names(session, {r.household_id for _, r in found})
        drafts = [_draft(word, row, children, homes, today) for word, row in found]
    return sorted(drafts, key=lambda d: d.started)


def diary(store: Store, today: date, *, weeks: int = DIARY_WEEKS) -> list[DiaryWeek]:
    """What falls due from today for ``weeks`` weeks, by week; overdue items first (a week
    with ``monday`` None). Weeks with nothing due are kept, so the worker sees they are free."""
    board = build(store, today)
    end = today + timedelta(weeks=weeks)
    items: list[DiaryItem | None] = []
    for row in board.children:
        items.extend(_diary_item(i, row.name, row.child_id, None) for i in row.items)
    for home in board.households:
        items.extend(_diary_item(i, home.name, None, home.household_id) for i in home.items)
    wanted = [i for i in items if i is not None and (i.overdue or today <= i.due < end)]
    wanted.sort(key=lambda i: (i.due, i.about, i.title))
    first_monday = today - timedelta(days=today.weekday())
    out = [DiaryWeek(None, tuple(i for i in wanted if i.overdue))]
    for n in range(weeks + 1):
        monday = first_monday + timedelta(weeks=n)
        if monday >= end:
            break
        out.append(
            DiaryWeek(
                monday,
                tuple(
                    i
                    for i in wanted
                    if not i.overdue and monday <= i.due < monday + timedelta(days=7)
                ),
            )
        )
    return out


# ---- Private API


def _diary_item(
    item: DueItem, about: str, child_id: uuid.UUID | None, household_id: uuid.UUID | None
) -> DiaryItem | None:
    if item.status is Status.DONE:
        return None
    return DiaryItem(
        due=item.due,
        title=item.title,
        about=about,
        regulation=item.regulation,
        overdue=item.status is Status.OVERDUE,
        action=is_action(item.rule_ref),
        child_id=child_id,
        household_id=household_id,
    )


def _draft(
    word: str,
    row: _Recorded,
    children: dict[uuid.UUID, str],
    homes: dict[uuid.UUID, str],
    today: date,
) -> Draft:
    if row.child_id is not None:
        about = children.get(row.child_id, "")
    else:
        about = homes.get(row.household_id, "") if row.household_id is not None else ""
    return Draft(
        record_type=row.record_type,
        record_id=row.id,
        child_id=row.child_id,
        household_id=row.household_id,
        kind_word=word,
        title=_title(row),
        about=about or "(not on this laptop)",
        started=row.created_at,
        last_saved=row.updated_at,
        age_days=max(0, (today - row.created_at.astimezone().date()).days),
    )


def _title(row: _Recorded) -> str:
    if isinstance(row, Visit):
        return f"{codes.label('visit_type', row.visit_type)}, {row.visit_date:%d %b %Y}"
    if isinstance(row, CaseNote):
        title = codes.label("note_kind", row.kind)
        return f"{title}: {row.subject}" if row.subject.strip() else title
    if isinstance(row, Review):
        return f"{codes.label('review_kind', row.kind)}, {row.review_date:%d %b %Y}"
    return codes.label("assessment_kind", row.kind)
