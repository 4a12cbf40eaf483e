"""What workers record about a child or a carer household: visits, assessments, reviews,
actions, case notes, and the addenda that correct signed-off records.

Each record names its subject by ``child_id`` and/or ``household_id``; the central service decides
a worker's scope from those, so they are required on every case record.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Finalisable, Record


class SubjectMixin:
    """A record's subject is its child if it names one, else its household.

    ``household_id`` deliberately has no foreign key: a record about a child may name the
    household the child lives in, which belongs to another worker's caseload (the supervising
    social worker's) and so is usually not on this laptop at all.
    """

    child_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("child.id"), index=True, default=None
    )
    household_id: Mapped[uuid.UUID | None] = mapped_column(index=True, default=None)


class Visit(Finalisable, SubjectMixin, Record, Base):
    """A statutory visit to a child (CPPCR reg 28/29) or a supervising visit to carers.

    ``welfare_concern`` records the reg 30 finding that the child's welfare is not adequately
    safeguarded, which obliges an early review.
    """

    __tablename__ = "visit"
    __table_args__ = (
        # Covering indexes for the deadline engine (migration 0004).
        Index(
            "ix_visit_deadline",
            "child_id",
            "visit_type",
            "status",
            "deleted",
            "welfare_concern",
            "visit_date",
        ),
        Index(
            "ix_visit_household_deadline",
            "household_id",
            "visit_type",
            "status",
            "deleted",
            "visit_date",
        ),
    )
    record_type = "visit"
    noun = "visit"

    # Not indexed alone: the deadline indexes above begin with each (migration 0016).
    child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("child.id"), default=None)
    household_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    visit_type: Mapped[str] = mapped_column(String(32))
    visit_date: Mapped[date] = mapped_column(Date, index=True)
    who_was_seen: Mapped[str] = mapped_column(Text, default="")
    seen_alone: Mapped[bool | None] = mapped_column(Boolean, default=None)
    not_seen_alone_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    wishes_and_feelings: Mapped[str] = mapped_column(Text, default="")
    #: Why the child's wishes and feelings could not be gathered at this visit (a code of
    #: ``wishes_not_gathered_reason``), when they could not: a baby, for instance.
    wishes_not_gathered: Mapped[str | None] = mapped_column(String(32), default=None)
    observations: Mapped[str] = mapped_column(Text, default="")
    actions_agreed: Mapped[str] = mapped_column(Text, default="")
    welfare_concern: Mapped[bool] = mapped_column(Boolean, default=False)


class Assessment(Finalisable, SubjectMixin, Record, Base):
    """An assessment made from a form template; answers are stored with the template version
    they were made with so an old record always renders with its own form."""

    __tablename__ = "assessment"
    record_type = "assessment"
    noun = "assessment"

    kind: Mapped[str] = mapped_column(String(32))
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_date: Mapped[date] = mapped_column(Date)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    approved_by: Mapped[str | None] = mapped_column(String(120), default=None)

    # A manager's approval arrives after the worker has finalised.
    MUTABLE_AFTER_FINALISE: ClassVar[frozenset[str]] = frozenset(
        {"status", "approved_at", "approved_by"}
    )


class Review(Finalisable, SubjectMixin, Record, Base):
    """A child's review (LAC, adoption), a carer annual review or an SGO support review.

    ``visit_interval_weeks`` holds the visiting frequency a review decided, where the regulations
    leave it to the review (AAR 2005 reg 36(4), CPPCR reg 28(3A)).
    """

    __tablename__ = "review"
    record_type = "review"
    noun = "review"

    kind: Mapped[str] = mapped_column(String(32))
    review_date: Mapped[date] = mapped_column(Date, index=True)
    chair: Mapped[str] = mapped_column(String(120), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    participation: Mapped[str | None] = mapped_column(String(4), default=None)
    decisions: Mapped[str] = mapped_column(Text, default="")
    visit_interval_weeks: Mapped[int | None] = mapped_column(Integer, default=None)

    # A manager's approval (``app.approvals``) arrives after the worker has signed it off.
    MUTABLE_AFTER_FINALISE: ClassVar[frozenset[str]] = frozenset({"status"})


class Action(SubjectMixin, Record, Base):
    """An agreed action; ``completion_note`` says what was done, written when it is marked
    done (migration 0019)."""

    __tablename__ = "action"
    record_type = "action"
    noun = "action"

    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    due_date: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    completed_date: Mapped[date | None] = mapped_column(Date, default=None)
    completion_note: Mapped[str | None] = mapped_column(Text, default=None)
    source_type: Mapped[str | None] = mapped_column(String(32), default=None)
    source_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class CaseNote(Finalisable, SubjectMixin, Record, Base):
    """A case note; ``event_date`` is when it happened, kept apart from when it was written so
    the record shows its own timeliness."""

    __tablename__ = "case_note"
    record_type = "case_note"
    noun = "case note"

    kind: Mapped[str] = mapped_column(String(32), default="CASE_NOTE")
    event_date: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")


class Addendum(SubjectMixin, Record, Base):
    """A correction or addition to a signed-off record, which itself never changes."""

    __tablename__ = "addendum"
    record_type = "addendum"
    noun = "addendum"

    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[uuid.UUID] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(Text)
