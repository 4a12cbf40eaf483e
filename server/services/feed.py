"""The statements a pull page reads: a caller's records past the cursor in feed order, and
removals for records that left their caseload.

The feed is ordered by ``(key, record_id)`` where ``key`` is a record's revision, or the
revision of the scope event that brought its subject to the caller if that is later (so a newly
allocated case arrives whole, old revisions included). Removals for records that left the scope
are keyed by the scope event that took them away.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.sql import Executable, Subquery

from server.core.caller import Caller
from server.models import Record, ScopeEvent
from server.services import scope
from server.services.cursor import Cursor

#: The columns of ``FeedRecord``, read as plain rows: a page of 2,000 records costs a third of
#: the time it takes as ORM objects validated one by one. The fields stay JSON text
#: (``server.services.pull_page``).
_FEED = (
    Record.record_id,
    Record.record_type,
    Record.revision,
    Record.deleted,
    cast(Record.fields, Text).label("fields"),
    Record.created_by,
    Record.created_at,
    Record.updated_by,
    Record.updated_at,
    Record.updated_device,
)


def _not_own_echo() -> ColumnElement[bool]:
    """Leaves out the versions the calling laptop wrote itself and so already holds (from its
    push answer), in the query, so that the database never hands over their text: the pull
    after a laptop pushed a day's new records would otherwise read every one of them back.

    Only versions that reach it by their own revision (``_held_after``'s plain part): when a
    subject (re)enters the caller's caseload the scope event's revision is the key and
    everything is sent, because a laptop that gave a case up has purged it. A deletion is
    always sent, as a removal: it lets the laptop drop its tombstone. The cursor still moves
    past echoes: a page's cursor is its last item, and a feed read to its end leaves the
    cursor at the counter's top, so a laptop's cursor never lags behind its own writes (and
    the purge horizon).
    """
    return or_(
        Record.updated_device.is_(None),
        Record.updated_device != bindparam("device_id", type_=Record.updated_device.type),
        Record.deleted.is_(True),
    )


@dataclass(frozen=True)
class Shape:
    """What decides a feed statement's form (everything else is a bound value)."""

    #: A manager also holds their team's subjects.
    manager: bool
    #: The cursor is part-way through one revision (a page ended inside it).
    resumed: bool
    #: Leave out the calling laptop's own versions.
    skip_own: bool


@dataclass(frozen=True)
class Feed:
    """The three statements one page reads, built once per :class:`Shape`: building them
    anew (scope subqueries, joins, the cursor's conditions) took longer than running them for a
    page of a few dozen records, the page a sync after colleagues' edits fetches."""

    reentered: Executable
    plain: Executable
    gone: Executable
    shape: Shape

    def values(self, caller: Caller, cursor: Cursor, limit: int) -> dict[str, Any]:
        values: dict[str, Any] = {"user_id": caller.user_id, "key": cursor.key, "most": limit + 1}
        if self.shape.manager:
            values["team_id"] = caller.team_id
        if self.shape.resumed:
            values["after"] = cursor.after
        if self.shape.skip_own:
            values["device_id"] = caller.device_id
        return values


_KEY = bindparam("key", type_=Integer)
_AFTER = bindparam("after", type_=Record.record_id.type)
_MOST = bindparam("most", type_=Integer)


def _after(key: Any, record_id: Any, shape: Shape) -> ColumnElement[bool]:
    """Past the cursor in ``(key, record_id)`` order."""
    later: ColumnElement[bool] = key > _KEY
    if not shape.resumed:
        return later
    return or_(later, and_(key == _KEY, record_id > _AFTER))


def _latest_events(condition: ColumnElement[bool], label: str) -> Subquery:
    """Per subject, the revision (as ``label``) of its last scope event at or after the cursor
    that meets ``condition``."""
    return (
        select(
            ScopeEvent.subject_type,
            ScopeEvent.subject_id,
            func.max(ScopeEvent.revision).label(label),
        )
        .where(condition, ScopeEvent.revision >= _KEY)
        .group_by(ScopeEvent.subject_type, ScopeEvent.subject_id)
        .subquery()
    )


@functools.cache
def feed_statements(shape: Shape) -> Feed:
    """The caller's records whose feed key comes after the cursor, and removals for records
    that left the caller's scope after it; each the first ``limit + 1`` in feed order.

    A record's key is its revision, unless its subject (re)entered the caller's caseload later
    than that: then the scope event's revision, so the whole case is sent again. Computing that
    key for every record in scope would make every pull read the whole caseload, so the
    records are found in two parts that together are exactly those past the cursor:

    - records older than their subject's entry at or after the cursor (usually none; on a
      laptop's first pull, the few made before their case was allocated): keyed by the entry;
    - every other record, keyed by its revision: only those with a revision at or after the
      cursor, read along the revision index (a quiet pull reads nothing else, and a first
      pull reads a page at a time, however large the caseload).
    """
    holder = scope.Holder(
        bindparam("user_id", type_=Integer),
        bindparam("team_id", type_=Integer) if shape.manager else None,
    )
    recent = _latest_events(scope.entry_condition(holder), "erev")
    allowed = scope.scope_subjects(holder).subquery()
    in_scope = and_(
        allowed.c.subject_type == Record.subject_type, allowed.c.subject_id == Record.subject_id
    )
    # An entry at or after the cursor is the subject's last entry overall, so ``erev`` is it.
    older_than_entry = and_(
        recent.c.subject_type == Record.subject_type,
        recent.c.subject_id == Record.subject_id,
        recent.c.erev > Record.revision,
    )
    reentered = (
        select(*_FEED, recent.c.erev)
        .join(recent, older_than_entry)
        .where(exists().where(in_scope), _after(recent.c.erev, Record.record_id, shape))
        .order_by(recent.c.erev, Record.record_id)
        .limit(_MOST)
    )
    # EXISTS rather than a join, so the database walks the revision index from the cursor and
    # checks each record's subject, instead of visiting every subject in the caseload.
    plain = (
        select(*_FEED)
        .where(
            exists().where(in_scope),
            Record.revision >= _KEY,
            _after(Record.revision, Record.record_id, shape),
            ~exists().where(older_than_entry),
            _not_own_echo() if shape.skip_own else true(),
        )
        .order_by(Record.revision, Record.record_id)
        .limit(_MOST)
    )
    exits = _latest_events(scope.exit_condition(holder), "xrev")
    gone = (
        select(Record.record_type, Record.record_id, exits.c.xrev)
        .join(
            exits,
            and_(
                exits.c.subject_type == Record.subject_type,
                exits.c.subject_id == Record.subject_id,
            ),
        )
        .where(~exists().where(in_scope), _after(exits.c.xrev, Record.record_id, shape))
        .order_by(exits.c.xrev, Record.record_id)
        .limit(_MOST)
    )
    return Feed(reentered, plain, gone, shape)
