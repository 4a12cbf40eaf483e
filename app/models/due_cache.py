"""The dashboard's saved deadlines: each subject's due items, and which subjects need redoing.

Working out 5,000 children's deadlines takes seconds; the dashboard must open in 100 ms. So the
engine's answers are kept here, per subject, and redone only for subjects whose records changed
(listed in ``deadline_stale`` by triggers, in the same transaction as the change), whose answer
no longer holds for today (``valid_until``), or all of them when the rule table, the bank
holidays or the code lists change (a fingerprint in ``profile_state``).

None of this is a record: it never syncs, is never audited and can be thrown away at any time;
``app.deadlines.cache`` rebuilds it. Statuses (overdue, due soon...) are not stored: they depend
on the day the dashboard is opened and are worked out from the due date when read.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

#: ``subject_type`` values: a child, or a carer household.
CHILD = "child"
HOUSEHOLD = "household"


class DueSubject(Base):
    """A subject whose due items are saved, and for which days they hold.

    Kept even when a subject has no items at all, so "nothing due" is told apart from "not
    worked out yet". The answer holds from ``computed_for`` until the day before
    ``valid_until`` (no end if empty): a legal status or placement starting or ending, or a
    placement's anniversary, can change which rules apply, so those days end it.
    """

    __tablename__ = "due_subject"

    subject_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    computed_for: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    #: What the dashboard's first screen needs, kept with the answer (migration 0008) so that
    #: opening it reads one row per subject instead of every item: the first due date among
    #: the open items (None: nothing open), and every item packed in the engine's order
    #: (``app.deadlines.cache.pack``), for the filters and the tooltip.
    next_due: Mapped[date | None] = mapped_column(Date, default=None)
    items: Mapped[str] = mapped_column(Text, default="", server_default="")


class DueItemRow(Base):
    """One ``DueItem`` as the engine made it, less its status (see the module docstring).

    One row per obligation per subject, as the engine gives at most one item per obligation.
    """

    __tablename__ = "due_item"

    subject_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    obligation: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    due: Mapped[date] = mapped_column(Date)
    #: The obligation was met and does not recur: the item is shown as done whatever the day.
    done: Mapped[bool] = mapped_column(Boolean)
    rule_ref: Mapped[str] = mapped_column(String(64))
    regulation: Mapped[str] = mapped_column(String(200))
    last_done: Mapped[date | None] = mapped_column(Date, default=None)
    unverified: Mapped[bool] = mapped_column(Boolean, default=False)


class DeadlineStale(Base):
    """A subject whose saved items may be wrong because one of its records changed.

    Filled only by SQL triggers (migration 0006), because sync applies the service's records
    with bulk statements that no ORM hook sees; emptied when the items are redone.
    """

    __tablename__ = "deadline_stale"

    subject_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
