"""One child's whole record, shaped for reading: profile, legal status history, placements,
actions and a chronology of everything recorded, newest first.

Qt-free so the case view shows exactly what is tested here, and so the same shape can feed a
printed chronology later. Everything is read in a handful of whole-child queries (one per
record table), never one query per item: a child in care for years has hundreds of entries and
the case view opens on a worker thread while the worker waits.

Entries carry short plain-text summaries, not whole texts: the table shows a line per entry and
the full record opens in its own form.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import codes, people
from app.deadlines import cache
from app.deadlines.engine import DueItem
from app.forms import answers, registry
from app.models import (
    Action,
    Addendum,
    Assessment,
    CarePlan,
    CarerHousehold,
    CaseNote,
    Child,
    LegalStatus,
    Placement,
    Review,
    Visit,
)
from app.models.due_cache import CHILD

if TYPE_CHECKING:
    from app.store import Store

#: Kinds of chronology entry, in the order the filter lists them, with the words it shows.
KINDS: dict[str, str] = {
    "visit": "Visits",
    "assessment": "Assessments",
    "review": "Reviews",
    "case_note": "Case notes",
    "action": "Actions",
    "addendum": "Addenda",
    "care_plan": "Care plans",
}

#: The singular word for each kind, as the chronology's "Kind" column shows it.
KIND_WORDS: dict[str, str] = {
    "visit": "Visit",
    "assessment": "Assessment",
    "review": "Review",
    "case_note": "Case note",
    "action": "Action",
    "addendum": "Addendum",
    "care_plan": "Care plan",
}

#: How long a summary may be before it is cut at a word: one table line at a normal width.
SUMMARY_CHARS = 160

_STATUS_WORDS = {"draft": "Draft", "finalised": "Finalised", "approved": "Approved"}


@dataclass(frozen=True)
class ChildProfile:
    child_id: uuid.UUID
    name: str
    full_name: str
    date_of_birth: date
    age: int
    legal_status_code: str | None
    legal_status: str
    allocated_worker: str
    case_open: bool
    #: The child's returns home from care, in words (support after return, a re-entry to care
    #: within the service's window); empty if they never went home from care.
    return_home: str = ""
    #: Whether a return home ended in a re-entry to care within the window (shown strongly).
    reentered: bool = False


@dataclass(frozen=True)
class LegalStatusPeriod:
    code: str
    label: str
    start: date
    end: date | None
    reason_ended: str | None
    #: The SSDA903 code of ``reason_ended`` (E4A...), for what the code decides.
    reason_code: str | None = None


@dataclass(frozen=True)
class PlacementPeriod:
    placement_type: str
    label: str
    start: date
    end: date | None
    carers: str
    current: bool
    #: The carers' household, when its record is on this laptop (its page can be opened).
    household_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ActionItem:
    action_id: uuid.UUID
    description: str
    owner: str
    due: date | None
    completed: date | None
    overdue: bool
    #: What was done, as noted when it was marked done.
    completion_note: str = ""


@dataclass(frozen=True)
class Entry:
    """One line of the chronology. ``on`` is when it happened (the visit's date, the note's
    event date), not when it was typed, because a chronology is read in the order of the
    child's life; ``recorded_at`` keeps the entry time for tie-breaks and timeliness."""

    kind: str
    record_id: uuid.UUID
    on: date
    recorded_at: datetime
    title: str
    summary: str
    status: str
    author: str
    #: For an addendum: the kind and id of the record it corrects.
    target_kind: str | None = None
    target_id: uuid.UUID | None = None

    @property
    def kind_word(self) -> str:
        return KIND_WORDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class CaseFile:
    profile: ChildProfile
    legal_statuses: tuple[LegalStatusPeriod, ...]
    placements: tuple[PlacementPeriod, ...]
    actions: tuple[ActionItem, ...]
    chronology: tuple[Entry, ...]
    #: Every statutory item and agreed action due for the child, most urgent first, as the
    #: deadline engine saved them (``open_case``; empty from ``load_case`` alone).
    due: tuple[DueItem, ...] = ()


class ChildNotFound(LookupError):
    """The child is not (or no longer) on this laptop, e.g. purged after leaving the caseload."""


def open_case(store: Store, child_id: uuid.UUID, today: date) -> CaseFile:
    """``load_case`` with the child's due items, in a session where the saved deadlines hold
    for ``today`` (the child's are redone first if a record changed): what the case page loads
    on a worker thread, so its Due tab and the dashboard always agree."""
    with cache.current(store, today) as session:
        case = load_case(session, child_id, today)
        return replace(case, due=tuple(cache.subject_items(session, today, CHILD, child_id)))


def load_case(session: Session, child_id: uuid.UUID, today: date) -> CaseFile:
    """Everything the case view shows for one child, in one read transaction."""
    child = session.get(Child, child_id)
    if child is None or child.deleted:
        raise ChildNotFound("This child's record is not on this laptop.")
    statuses = _legal_statuses(session, child_id)
    current = next(
        (s for s in statuses if s.start <= today and (s.end is None or s.end >= today)), None
    )
    home_words, reentered = _return_home(statuses, today, open_case=child.case_open)
    profile = ChildProfile(
        child_id=child.id,
        name=child.display_name,
        full_name=f"{child.given_name} {child.family_name}",
        date_of_birth=child.date_of_birth,
        age=age_on(child.date_of_birth, today),
        legal_status_code=current.code if current else None,
        legal_status=_until(current)
        if current
        else ("Not looked after" if home_words else "No legal status recorded"),
        allocated_worker=child.allocated_worker,
        case_open=child.case_open,
        return_home=home_words,
        reentered=reentered,
    )
    action_rows = list(session.scalars(_live(Action, child_id)))
    return CaseFile(
        profile=profile,
        legal_statuses=tuple(statuses),
        placements=_placements(session, child_id, today),
        actions=_actions(action_rows, today),
        chronology=chronology(session, child_id, actions=action_rows),
    )


def chronology(
    session: Session, child_id: uuid.UUID, *, actions: list[Action] | None = None
) -> tuple[Entry, ...]:
    """Every record about the child, newest first (by the date it happened, then by when it
    was recorded). One query per record table; ``actions`` saves one when the caller has
    already loaded the child's actions."""
    if actions is None:
        actions = list(session.scalars(_live(Action, child_id)))
    entries: list[Entry] = []
    live = [
        *_visits(session, child_id),
        *_assessments(session, child_id),
        *_reviews(session, child_id),
        *_case_notes(session, child_id),
        *_action_entries(actions),
        *_care_plans(session, child_id),
    ]
    entries.extend(live)
    entries.extend(_addenda(session, child_id, {e.record_id: e for e in live}))
    entries.sort(key=lambda e: (e.on, e.recorded_at), reverse=True)
    names = people.directory(session)
    return tuple(replace(e, author=people.shown(names, e.author) or "") for e in entries)


def filter_kinds(entries: tuple[Entry, ...], kinds: set[str] | None) -> tuple[Entry, ...]:
    """The entries of the given kinds (all when ``kinds`` is None), order kept."""
    if kinds is None:
        return entries
    return tuple(e for e in entries if e.kind in kinds)


def legal_status_words(code: str | None) -> str:
    """A legal status code in words: SSDA903 LS codes first, then permanence orders."""
    if code is None:
        return "No legal status recorded"
    if code in codes.code_list("legal_status"):
        return codes.label("legal_status", code)
    return codes.label("permanence_order", code)


def summarise(*texts: str | None, limit: int = SUMMARY_CHARS) -> str:
    """The first non-empty texts joined on one line, cut at a word boundary with an ellipsis."""
    joined = " ".join(" ".join(t.split()) for t in texts if t and t.strip())
    if len(joined) <= limit:
        return joined
    cut = joined[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# ---- Private API


def _live(model: Any, child_id: uuid.UUID) -> Any:
    return select(model).where(model.child_id == child_id, model.deleted.is_(False))


def _status(value: str) -> str:
    return _STATUS_WORDS.get(value, value.capitalize())


def _return_home(
    statuses: list[LegalStatusPeriod], today: date, *, open_case: bool = True
) -> tuple[str, bool]:
    """The child's returns home from care in words, and whether one ended in a re-entry to care
    within the service's window (``reentry_months`` in the rule table): the service is judged on
    returns home that last, so the worker and the manager see a re-entry on the record."""
    from app.deadlines import return_home
    from app.deadlines import rules as rule_table

    table = rule_table.load()
    periods = [(s.start, s.end, s.code, s.reason_code) for s in statuses if s.start <= today]
    looked_after = set(codes.code_list("legal_status"))
    found = return_home.returns_home(periods, looked_after, table.return_home_reasons)
    words: list[str] = []
    reentered = False
    for back in found:
        if back.came_back is not None and back.came_back <= today:
            within = back.reentered_within(table.reentry_months)
            reentered = reentered or within
            words.append(
                f"Came back into care on {_long(back.came_back)}, "
                + (f"within {table.reentry_months} months" if within else "")
                + ("" if within else "more than " + f"{table.reentry_months} months")
                + f" after going home on {_long(back.returned)}"
            )
    home = return_home.returned_home(periods, today, looked_after, table.return_home_reasons)
    if home is not None:
        words.append(
            f"Returned home on {_long(home)}" + (": support after return home" if open_case else "")
        )
    return " · ".join(words), reentered


def _until(status: LegalStatusPeriod) -> str:
    """The current legal status in words; one ending (the day a child leaves care is their last
    day looked after, so it is still current that day) says until when, so a worker who has
    just recorded leaving care today sees it took."""
    if status.end is None:
        return status.label
    return f"{status.label}, until {_long(status.end)}"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _legal_statuses(session: Session, child_id: uuid.UUID) -> list[LegalStatusPeriod]:
    rows = session.scalars(_live(LegalStatus, child_id).order_by(LegalStatus.start_date.desc()))
    return [
        LegalStatusPeriod(
            code=s.code,
            label=legal_status_words(s.code),
            start=s.start_date,
            end=s.end_date,
            reason_ended=codes.label("reason_episode_ceased", s.reason_ceased)
            if s.reason_ceased
            else None,
            reason_code=s.reason_ceased,
        )
        for s in rows
    ]


def _placements(session: Session, child_id: uuid.UUID, today: date) -> tuple[PlacementPeriod, ...]:
    placements = list(
        session.scalars(_live(Placement, child_id).order_by(Placement.start_date.desc()))
    )
    household_ids = {p.household_id for p in placements if p.household_id is not None}
    names: dict[uuid.UUID, str] = {}
    if household_ids:
        query = select(CarerHousehold.id, CarerHousehold.name).where(
            CarerHousehold.id.in_(household_ids)
        )
        names = {household_id: name for household_id, name in session.execute(query)}
    out = []
    for p in placements:
        if p.household_id is None:
            carers = ""
        else:
            carers = names.get(p.household_id, "Carers' record held by their supervising worker")
        out.append(
            PlacementPeriod(
                placement_type=p.placement_type,
                label=codes.label("placement_type", p.placement_type),
                start=p.start_date,
                end=p.end_date,
                carers=carers,
                current=p.start_date <= today and (p.end_date is None or p.end_date >= today),
                household_id=p.household_id if p.household_id in names else None,
            )
        )
    return tuple(out)


def _actions(rows: list[Action], today: date) -> tuple[ActionItem, ...]:
    """Open actions first (soonest due first, undated last), then completed ones."""
    items = [
        ActionItem(
            action_id=a.id,
            description=a.description,
            owner=a.owner,
            due=a.due_date,
            completed=a.completed_date,
            overdue=a.completed_date is None and a.due_date is not None and a.due_date < today,
            completion_note=a.completion_note or "",
        )
        for a in rows
    ]
    items.sort(
        key=lambda a: (
            a.completed is not None,
            a.due or date.max,
            -(a.completed or date.min).toordinal(),
        )
    )
    return tuple(items)


def _visits(session: Session, child_id: uuid.UUID) -> list[Entry]:
    out = []
    for v in session.scalars(_live(Visit, child_id)):
        title = codes.label("visit_type", v.visit_type)
        if v.welfare_concern:
            title += " (welfare concern)"
        out.append(
            Entry(
                "visit",
                v.id,
                v.visit_date,
                v.created_at,
                title,
                summarise(v.wishes_and_feelings, v.observations, v.actions_agreed),
                _status(v.status),
                v.created_by,
            )
        )
    return out


def _assessments(session: Session, child_id: uuid.UUID) -> list[Entry]:
    """Titled by the form's own title, summarised by its first written answers (for the
    asset-based assessment, the child's strengths: the thing to see first)."""
    out = []
    for a in session.scalars(_live(Assessment, child_id)):
        title, summary = codes.label("assessment_kind", a.kind), ""
        with contextlib.suppress(registry.TemplateNotFound):
            template = registry.get(session, a.template_id, a.template_version)
            title = template.title
            summary = summarise(
                *(
                    a.answers.get(q.id)
                    for _s, q in answers.visible_questions(template, a.answers)
                    if q.type == "long_text" and isinstance(a.answers.get(q.id), str)
                )
            )
        out.append(
            Entry(
                "assessment",
                a.id,
                a.started_date,
                a.created_at,
                title,
                summary,
                _status(a.status),
                a.created_by,
            )
        )
    return out


def _reviews(session: Session, child_id: uuid.UUID) -> list[Entry]:
    return [
        Entry(
            "review",
            r.id,
            r.review_date,
            r.created_at,
            codes.label("review_kind", r.kind),
            summarise(r.decisions),
            _status(r.status),
            r.created_by,
        )
        for r in session.scalars(_live(Review, child_id))
    ]


def _case_notes(session: Session, child_id: uuid.UUID) -> list[Entry]:
    out = []
    for n in session.scalars(_live(CaseNote, child_id)):
        title = codes.label("note_kind", n.kind)
        if n.subject.strip():
            title += f": {n.subject.strip()}"
        out.append(
            Entry(
                "case_note",
                n.id,
                n.event_date,
                n.created_at,
                title,
                summarise(n.text),
                _status(n.status),
                n.created_by,
            )
        )
    return out


def _action_entries(rows: list[Action]) -> list[Entry]:
    out = []
    for a in rows:
        if a.completed_date is not None:
            state = f"Completed {a.completed_date:%d %b %Y}"
        elif a.due_date is not None:
            state = f"Due {a.due_date:%d %b %Y}"
        else:
            state = "Open"
        out.append(
            Entry(
                "action",
                a.id,
                a.created_at.date(),
                a.created_at,
                f"Action for {a.owner}",
                summarise(a.description),
                state,
                a.created_by,
            )
        )
    return out


def _care_plans(session: Session, child_id: uuid.UUID) -> list[Entry]:
    return [
        Entry(
            "care_plan",
            p.id,
            p.plan_date,
            p.created_at,
            f"Care plan: {codes.label('permanence_plan', p.permanence_plan)}",
            summarise(p.summary),
            _status(p.status),
            p.created_by,
        )
        for p in session.scalars(_live(CarePlan, child_id))
    ]


def _addenda(session: Session, child_id: uuid.UUID, targets: dict[uuid.UUID, Entry]) -> list[Entry]:
    out = []
    for a in session.scalars(_live(Addendum, child_id)):
        target = targets.get(a.target_id)
        if target is not None:
            title = f"Addendum to {target.kind_word.lower()} of {target.on:%d %b %Y}"
        else:
            title = f"Addendum to a {KIND_WORDS.get(a.target_type, 'record').lower()}"
        out.append(
            Entry(
                "addendum",
                a.id,
                a.created_at.date(),
                a.created_at,
                title,
                summarise(a.text),
                "",
                a.created_by,
                target_kind=a.target_type,
                target_id=a.target_id,
            )
        )
    return out


def child_names(session: Session, child_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Display names for a set of children in one query: search results and forms name the
    child they are about, including children whose case is closed (not on the dashboard)."""
    if not child_ids:
        return {}
    query = select(Child).where(Child.id.in_(child_ids), Child.deleted.is_(False))
    return {c.id: c.display_name for c in session.scalars(query)}
