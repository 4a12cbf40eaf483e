"""The dashboard's saved deadlines (``app.models.due_cache``): kept current, and read back.

Working out every child's deadlines takes seconds on a 5,000-child caseload; the dashboard has
100 ms. So the engine's answers are saved per subject (child or carer household) and redone
only for the subjects that need it, all in one write transaction:

- every subject, when the rule table, the bank holidays, the code lists or this code's
  ``FORMAT`` differ from what the saved answers were worked out with (``fingerprint``, kept in
  ``profile_state``);
- subjects listed in ``deadline_stale``: the triggers of migration 0006 list them in the same
  transaction as any change to a record their facts come from, sync's bulk statements included;
- subjects whose answer does not hold for the day asked about: worked out for a later day (the
  clock went back), or on or after their ``valid_until``. That day comes from
  ``from_store.caseload_deadlines_until``: the first later day on which a legal status or
  placement begins or ends, or the current placement turns a whole year older (the
  ``placement_age_*`` rules). Nothing else in the engine looks at the date except the items'
  statuses, which are never saved but worked out from the due dates when read;
- open subjects with no saved answer at all (a saved answer that went missing).

Beside the items, each subject's ``due_subject`` row keeps its first open due date and all its
items packed in one text (``pack``): the dashboard's opening reads those, one row per subject,
and never the item rows (``app.dashboard.caseload``).

A subject redone that is no longer open (deleted, closed, purged) simply loses its rows.
Households' answers never expire with the date.

The cache holds no records, so its writes are plain bulk statements: they never pass through
the flush hooks (nothing to stamp, validate, queue for sync or audit), and the write is an
ordinary ``Store.write()``, not sync's ``remote=True``, which would only widen what the session
may do (deleting records) for nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Integer,
    String,
    case,
    delete,
    exists,
    insert,
    literal,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

import resources
from app.deadlines import rules as rule_table
from app.deadlines.engine import _ORDER, ACTION_SOURCE, DueItem, Status, is_action
from app.deadlines.engine import ACTION as ACTION_PREFIX
from app.deadlines.from_store import CaseloadDeadlines, Subjects, caseload_deadlines_until
from app.models import CarerHousehold, Child, DeadlineStale, DueItemRow, DueSubject
from app.models.due_cache import CHILD, HOUSEHOLD
from app.replica import state

if TYPE_CHECKING:
    from app.store import Store

log = logging.getLogger(__name__)

#: Bump when the engine or the fact builder changes what it answers for the same records and
#: rule table, or what is saved changes: every saved answer is then redone once. (2: each
#: subject's first open due date and packed items, migration 0008. 3: open agreed actions are
#: items too, their titles packed with them, migration 0010. 4: most specific rule wins a tie;
#: T2 worked out from the temporary approval; S1 from the support plan, migration 0018.)
FORMAT = 4

#: The resource files whose content the answers depend on.
_INPUTS = (
    ("rules", "deadlines.toml"),
    ("calendars", "england-bank-holidays.toml"),
    ("codes", "ssda903.toml"),
    ("codes", "service.toml"),
)


@dataclass(frozen=True)
class Refreshed:
    """What one refresh redid: the subjects worked out again (those no longer open lose their
    rows instead, and are not named here), and whether it was everything."""

    children: frozenset[uuid.UUID]
    households: frozenset[uuid.UUID]
    everything: bool


@cache
def fingerprint() -> str:
    """Identifies the rule table, bank holidays and code lists (by content) and ``FORMAT``."""
    digest = hashlib.sha256(f"casebook deadlines {FORMAT} {_version()}".encode())
    for parts in _INPUTS:
        digest.update(b"\0" + "/".join(parts).encode() + b"\0")
        digest.update(resources.read_text(*parts).encode())
    return digest.hexdigest()


# ---- Public API


@contextmanager
def current(store: Store, today: date) -> Iterator[Session]:
    """A session in which the saved deadlines hold for ``today``: a read transaction when
    nothing needs redoing (the usual case, which never waits for the write lock), else a write
    transaction that redoes what is needed first. Either way, everything read in it comes from
    one snapshot, so the saved deadlines and the records agree."""
    with store.read() as session:
        if is_current(session, today):
            yield session
            return
    with store.write() as session:
        refresh(session, today)
        yield session


def is_current(session: Session, today: date) -> bool:
    """Whether nothing needs redoing for ``today``: one query of a few index lookups, plus a
    pass over the saved subjects' days and the open subjects' ids."""
    if state.get(session, state.DEADLINE_FINGERPRINT) != fingerprint():
        return False
    needs = select(
        exists(select(DeadlineStale.subject_id))
        | exists(select(DueSubject.subject_id).where(_expired(today)))
        | exists(_unsaved(CHILD))
        | exists(_unsaved(HOUSEHOLD))
    )
    return not session.scalar(needs)


def refresh(session: Session, today: date) -> Refreshed:
    """Redo every subject whose saved answer does not hold for ``today`` (see the module
    docstring), in the caller's write transaction, and empty ``deadline_stale``."""
    started = time.perf_counter()
    everything = state.get(session, state.DEADLINE_FINGERPRINT) != fingerprint()
    if everything:
        _forget_all(session)
        deadlines, until = caseload_deadlines_until(session, today)
        _save_fingerprint(session)
    else:
        _enlist(session, today)
        children, households = _worklist(CHILD), _worklist(HOUSEHOLD)
        if not session.scalar(select(exists(select(DeadlineStale.subject_id)))):
            return Refreshed(frozenset(), frozenset(), everything=False)
        _forget(session, CHILD, children)
        _forget(session, HOUSEHOLD, households)
        deadlines, until = caseload_deadlines_until(
            session, today, only_children=children, only_households=households
        )
    _save(session, today, deadlines, until)
    # Everything listed was handled: the write lock has been held since this transaction began,
    # and the statements above change no table whose triggers list subjects.
    session.execute(delete(DeadlineStale).execution_options(synchronize_session=False))
    done = Refreshed(frozenset(deadlines.children), frozenset(deadlines.households), everything)
    log.info(
        "deadlines redone for %d children and %d households%s in %.0f ms",
        len(done.children),
        len(done.households),
        " (rules changed: all)" if everything else "",
        (time.perf_counter() - started) * 1000,
    )
    return done


def pack(items: list[DueItem]) -> str:
    """A subject's items as saved in ``due_subject.items``, in the engine's order: for each,
    its rule's ref, due date and whether it is done, e.g. ``"V2 2026-07-22 0;CP1 2026-01-05 1"``.
    Everything else a statutory item says is its rule's (the fingerprint pins the rule table).
    An agreed action has no rule to say it, so its title follows, quoted (``quote_title``):
    ``"action:<id> 2026-07-01 0 Action:%20Ring%20the%20school%20(Sam)"``."""
    out = []
    for item in items:
        if _SEPARATORS.intersection(item.rule_ref):
            raise ValueError(f"rule ref {item.rule_ref!r} cannot be packed")
        part = f"{item.rule_ref} {item.due.isoformat()} {int(item.status is Status.DONE)}"
        if is_action(item.rule_ref):
            part += " " + quote_title(item.title)
        out.append(part)
    return ";".join(out)


def unpack(packed: str) -> list[tuple[str, date, bool, str | None]]:
    """``pack``'s items back as (rule ref, due date, done, title), in the same order; the title
    is an action's own (None for a statutory item, whose title is its rule's)."""
    out = []
    for part in packed.split(";") if packed else ():
        ref, due, done, *title = part.split(" ")
        out.append(
            (ref, date.fromisoformat(due), done == "1", unquote_title(title[0]) if title else None)
        )
    return out


def quote_title(title: str) -> str:
    """An action's title without the characters ``pack`` separates with (and ``%`` itself)."""
    return title.replace("%", "%25").replace(" ", "%20").replace(";", "%3B")


def unquote_title(quoted: str) -> str:
    return quoted.replace("%3B", ";").replace("%20", " ").replace("%25", "%")


def read(session: Session, today: date, *, households: bool = True) -> CaseloadDeadlines:
    """Every saved subject's items with their status for ``today``, each subject's most urgent
    first, exactly as the engine gives them (``refresh`` first, or use ``current``); only the
    children's when ``households`` is false.

    One query of the few columns that differ between subjects; an item's obligation, title,
    regulation and flag are its rule's, taken from the rule table in memory (the fingerprint
    guarantees it is the table the items were worked out with), which halves what is read.
    """
    table = rule_table.load()
    soon = today + timedelta(days=table.due_soon_days)
    rules = {r.ref: (r.obligation, r.title, r.regulation, r.unverified) for r in table.rules}
    groups: tuple[dict[str, list[DueItem]], dict[str, list[DueItem]]] = ({}, {})
    ids: dict[str, uuid.UUID] = {}
    dates: dict[str, date] = {}
    query = select(
        DueItemRow.subject_type == HOUSEHOLD,
        type_coerce(DueItemRow.subject_id, String(32)),
        DueItemRow.rule_ref,
        type_coerce(DueItemRow.due, String(10)),
        type_coerce(DueItemRow.done, Integer),
        type_coerce(DueItemRow.last_done, String(10)),
        # An action's title is its own (it has no rule); read only for actions.
        case((DueItemRow.rule_ref.startswith(ACTION_PREFIX), DueItemRow.title), else_=null()),
    )
    if not households:
        query = query.where(DueItemRow.subject_type == CHILD)
    # Core rather than ORM rows, and ids and dates as stored, each converted once: 25,000
    # items share 9,000 subjects and a few thousand dates, and ORM rows, UUID objects and
    # their hashes were most of the cost.
    rows = session.connection().execute(query).all()
    for household, key, ref, due_text, done, last_text, action_title in rows:
        subject_id = ids.get(key)
        if subject_id is None:
            subject_id = ids[key] = uuid.UUID(hex=key)
        due = dates.get(due_text)
        if due is None:
            due = dates[due_text] = date.fromisoformat(due_text)
        last_done = None
        if last_text is not None:
            last_done = dates.get(last_text)
            if last_done is None:
                last_done = dates[last_text] = date.fromisoformat(last_text)
        if done:
            status = Status.DONE
        elif due < today:
            status = Status.OVERDUE
        elif due <= soon:
            status = Status.DUE_SOON
        else:
            status = Status.UPCOMING
        if action_title is None:
            obligation, title, regulation, unverified = rules[ref]
        else:
            obligation, title, regulation, unverified = ref, action_title, ACTION_SOURCE, False
        item = _due_item(
            subject_id, obligation, title, due, status, ref, regulation, last_done, unverified
        )
        found = groups[household]
        items = found.get(key)
        if items is None:
            found[key] = [item]
        else:
            items.append(item)
    for found in groups:
        for items in found.values():
            if len(items) > 1:
                items.sort(key=_urgency)
    children_found, households_found = groups
    return CaseloadDeadlines(
        {ids[key]: items for key, items in children_found.items()},
        {ids[key]: items for key, items in households_found.items()},
    )


def subject_items(
    session: Session, today: date, subject_type: str, subject_id: uuid.UUID
) -> list[DueItem]:
    """One child's or household's saved items (``subject_type`` ``CHILD`` or ``HOUSEHOLD``),
    most urgent first, with their status for ``today``, exactly as ``read`` gives them: what a
    case page's Due tab shows. The session must be one in which the saved deadlines hold for
    ``today`` (``current``)."""
    soon = today + timedelta(days=rule_table.load().due_soon_days)
    items = []
    for row in session.scalars(
        select(DueItemRow).where(
            DueItemRow.subject_type == subject_type, DueItemRow.subject_id == subject_id
        )
    ):
        if row.done:
            status = Status.DONE
        elif row.due < today:
            status = Status.OVERDUE
        elif row.due <= soon:
            status = Status.DUE_SOON
        else:
            status = Status.UPCOMING
        items.append(
            _due_item(
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
    items.sort(key=_urgency)
    return items


# ---- Private API


def _urgency(item: DueItem) -> tuple[int, date, str]:
    """The engine's order within a subject."""
    return _ORDER[item.status], item.due, item.obligation


def _version() -> str:
    try:
        return metadata.version("casebook")
    except metadata.PackageNotFoundError:  # a frozen build without the package's metadata
        return "unknown"


def _expired(today: date) -> Any:
    """Saved subjects whose answer does not hold on ``today``."""
    return or_(DueSubject.computed_for > today, DueSubject.valid_until <= today)


def _unsaved(kind: str) -> Any:
    """Open subjects of ``kind`` with no saved answer (the ids, as a query)."""
    model: Any = Child if kind == CHILD else CarerHousehold
    where = [model.deleted.is_(False)]
    if kind == CHILD:
        where.append(Child.case_open.is_(True))
    saved = select(DueSubject.subject_id).where(
        DueSubject.subject_type == kind, DueSubject.subject_id == model.id
    )
    return select(model.id).where(*where, ~exists(saved))


def _worklist(kind: str) -> Subjects:
    return select(DeadlineStale.subject_id).where(DeadlineStale.subject_type == kind)


def _not_listed(kind: Any, subject_id: Any) -> Any:
    """No row in ``deadline_stale`` for this subject (a kind and an id: values or columns)."""
    return ~exists(
        select(DeadlineStale.subject_id).where(
            DeadlineStale.subject_type == kind, DeadlineStale.subject_id == subject_id
        )
    )


def _enlist(session: Session, today: date) -> None:
    """Add to ``deadline_stale`` the subjects to redo that the triggers did not list: expired
    answers, and open subjects with none. It then lists everything this refresh redoes."""
    columns = ["subject_type", "subject_id"]
    session.execute(
        insert(DeadlineStale).from_select(
            columns,
            select(DueSubject.subject_type, DueSubject.subject_id).where(
                _expired(today), _not_listed(DueSubject.subject_type, DueSubject.subject_id)
            ),
        )
    )
    for kind in (CHILD, HOUSEHOLD):
        unsaved = _unsaved(kind).subquery()
        session.execute(
            insert(DeadlineStale).from_select(
                columns,
                select(literal(kind, String(16)), unsaved.c.id).where(
                    _not_listed(kind, unsaved.c.id)
                ),
            )
        )


def _forget(session: Session, kind: str, subjects: Subjects) -> None:
    """Delete the saved answers of the listed subjects of ``kind``."""
    session.execute(
        delete(DueItemRow)
        .where(DueItemRow.subject_type == kind, DueItemRow.subject_id.in_(subjects))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(DueSubject)
        .where(DueSubject.subject_type == kind, DueSubject.subject_id.in_(subjects))
        .execution_options(synchronize_session=False)
    )


def _forget_all(session: Session) -> None:
    session.execute(delete(DueItemRow).execution_options(synchronize_session=False))
    session.execute(delete(DueSubject).execution_options(synchronize_session=False))


def _save(
    session: Session, today: date, deadlines: CaseloadDeadlines, until: dict[uuid.UUID, date]
) -> None:
    subjects: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for kind, found in ((CHILD, deadlines.children), (HOUSEHOLD, deadlines.households)):
        for subject_id, due_items in found.items():
            live = [i.due for i in due_items if i.status is not Status.DONE]
            subjects.append(
                {
                    "subject_type": kind,
                    "subject_id": subject_id,
                    "computed_for": today,
                    "valid_until": until.get(subject_id) if kind == CHILD else None,
                    "next_due": min(live, default=None),
                    "items": pack(due_items),
                }
            )
            items.extend(
                {
                    "subject_type": kind,
                    "subject_id": subject_id,
                    "obligation": i.obligation,
                    "title": i.title,
                    "due": i.due,
                    "done": i.status is Status.DONE,
                    "rule_ref": i.rule_ref,
                    "regulation": i.regulation,
                    "last_done": i.last_done,
                    "unverified": i.unverified,
                }
                for i in due_items
            )
    if subjects:
        session.execute(insert(DueSubject), subjects)
    if items:
        session.execute(insert(DueItemRow), items)


def _save_fingerprint(session: Session) -> None:
    state.put(session, state.DEADLINE_FINGERPRINT, fingerprint())


#: What ``pack`` uses between an item's parts and between items.
_SEPARATORS = frozenset(" ;")

#: ``DueItem``'s fields in order; ``_due_item`` fills exactly these (checked at import).
_FIELDS = (
    "subject_id",
    "obligation",
    "title",
    "due",
    "status",
    "rule_ref",
    "regulation",
    "last_done",
    "unverified",
)
if tuple(f.name for f in fields(DueItem)) != _FIELDS or hasattr(DueItem, "__post_init__"):
    raise ImportError("app.deadlines.cache._due_item no longer matches DueItem; update both")

_new = object.__new__


def _due_item(
    subject_id: uuid.UUID,
    obligation: str,
    title: str,
    due: date,
    status: Status,
    rule_ref: str,
    regulation: str,
    last_done: date | None,
    unverified: bool,
) -> DueItem:
    """``DueItem(...)``, equal in every way, for less: a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__``, which made building a
    caseload's 25,000 items the largest part of reading them."""
    item: DueItem = _new(DueItem)
    item.__dict__.update(
        subject_id=subject_id,
        obligation=obligation,
        title=title,
        due=due,
        status=status,
        rule_ref=rule_ref,
        regulation=regulation,
        last_done=last_done,
        unverified=unverified,
    )
    return item
