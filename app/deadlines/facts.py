"""What the deadline engine needs to know about one child or household, as plain values.

Built in bulk from the store by ``from_store`` (or by hand in tests), so the engine itself is a
pure function of facts, a date and the rule table.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class PlacementFacts:
    placement_type: str
    start: date
    flags: frozenset[str] = frozenset()
    placement_plan_date: date | None = None


@dataclass(frozen=True)
class ReviewFact:
    on: date
    visit_interval_weeks: int | None = None


@dataclass(frozen=True)
class ActionFact:
    """An open agreed action with a due date (from a review, a visit or on its own): it is due
    like a statutory item, though no regulation sets its date."""

    action_id: uuid.UUID
    description: str
    owner: str
    due: date


@dataclass(frozen=True)
class ChildFacts:
    child_id: uuid.UUID
    legal_status: str | None = None
    legal_status_start: date | None = None
    looked_after: bool = False
    looked_after_start: date | None = None
    placement: PlacementFacts | None = None
    first_placement_start: date | None = None
    household_temporary: bool = False
    #: The latest signed-off statutory visit, and the latest that raised a welfare concern.
    last_visit: date | None = None
    last_welfare_concern: date | None = None
    reviews: dict[str, tuple[ReviewFact, ...]] = field(default_factory=dict)
    care_plan_dates: tuple[date, ...] = ()
    actions: tuple[ActionFact, ...] = ()
    #: When the latest signed-off support plan for the child (on the child, or on the household
    #: the child last lived with: the special guardians') was agreed.
    support_plan_agreed: date | None = None
    #: Support after return home (``app.deadlines.return_home``): the day the child's last
    #: looked-after spell ended by going home, if they are not looked after now; when the
    #: latest signed-off return-home support plan was agreed; and when each outcome point
    #: ("SIX_MONTHS", "TWELVE_MONTHS") was last recorded.
    returned_home: date | None = None
    return_support_plan: date | None = None
    return_outcomes: dict[str, date] = field(default_factory=dict)
    #: When the latest signed-off decision to place the child with their parents was signed.
    parents_decision: date | None = None


@dataclass(frozen=True)
class HouseholdFacts:
    household_id: uuid.UUID
    carer_type: str
    approval_status: str
    approval_date: date | None = None
    temporary_approval_date: date | None = None
    temporary_extension_until: date | None = None
    reviews: dict[str, tuple[ReviewFact, ...]] = field(default_factory=dict)
    last_unannounced_visit: date | None = None
    tsd_completed: date | None = None
    actions: tuple[ActionFact, ...] = ()
    #: A prospective household's assessment stages, as recorded (``app.carer_stages``).
    stages: dict[str, date] = field(default_factory=dict)
