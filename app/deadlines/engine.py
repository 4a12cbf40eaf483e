"""Evaluating the rule table for one child or household on one day.

For each obligation (statutory visit, review, care plan...) every rule whose conditions hold
proposes a due date; the earliest wins, unless a rule that applies replaces others
(``supersedes``). When two rules propose the same date, the more specific one wins
(``Rule.specificity``), so the item cites the regulation that governs the case rather than the
default one that happens to agree with it. A "once" rule that has already been met proposes
nothing but is remembered, so an obligation that was met and does not recur shows as done.

Beside the rules' items, each open agreed action with a due date (from a review, or added on its
own) is an item of its own (``action_item``): no regulation sets its date, but it is due by the
same thresholds, so the dashboard ranks what a worker promised with what the law requires.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from app.carer_stages import STAGE_OBLIGATIONS
from app.deadlines.calendar import add
from app.deadlines.facts import ActionFact, ChildFacts, HouseholdFacts, ReviewFact
from app.deadlines.rules import Rule, RuleTable


class Status(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"
    DONE = "done"


#: How a status reads to a worker, in words (never colour alone).
STATUS_WORDS = {
    Status.OVERDUE: "Overdue",
    Status.DUE_SOON: "Due soon",
    Status.UPCOMING: "Upcoming",
    Status.DONE: "Done",
}


#: An agreed action's item: its obligation and its ref are this prefix and the action's id
#: (32 hex digits), so each action is an obligation of its own, and never a rule's ref.
ACTION = "action:"

#: What an action's item says where a statutory item names its regulation.
ACTION_SOURCE = "Agreed action"

#: How much of an action's description its item's title keeps (one line of the dashboard).
ACTION_TITLE_CHARS = 70


def is_action(ref: str) -> bool:
    """Whether an item's rule ref (or obligation) is an agreed action's."""
    return ref.startswith(ACTION)


def action_title(description: str, owner: str) -> str:
    """How an action reads among statutory items: "Action: Book a dental check-up (Sam
    Reid)". Marked as an action so nobody takes it for a statutory duty; the description is
    cut at a word to one line (the whole text is on the case page)."""
    text = " ".join(description.split())
    if len(text) > ACTION_TITLE_CHARS:
        text = text[:ACTION_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    who = " ".join(owner.split())
    return f"Action: {text} ({who})" if who else f"Action: {text}"


@dataclass(frozen=True)
class DueItem:
    subject_id: uuid.UUID
    obligation: str
    title: str
    due: date
    status: Status
    rule_ref: str
    regulation: str
    last_done: date | None = None
    unverified: bool = False


@dataclass(frozen=True)
class _Proposal:
    rule: Rule
    due: date
    met_on: date | None  # a once-rule already met: when


def evaluate_child(
    facts: ChildFacts,
    today: date,
    table: RuleTable,
    situations: dict[tuple[Any, ...], list[Rule]] | None = None,
) -> list[DueItem]:
    """``situations`` caches which rules apply to a given situation (legal status, placement
    type and phase, review counts...), which thousands of children share on a dashboard."""
    view = _ChildView(facts, table)
    cache = situations if situations is not None else {}
    key = view.situation(today)
    rules = cache.get(key)
    if rules is None:
        rules = cache[key] = [r for r in table.by_subject["child"] if view.holds(r, today)]
    items = _evaluate(view, facts.child_id, today, table, rules)
    return _with_actions(items, facts.child_id, facts.actions, today, table)


def evaluate_household(facts: HouseholdFacts, today: date, table: RuleTable) -> list[DueItem]:
    view = _HouseholdView(facts)
    rules = [r for r in table.by_subject["household"] if view.holds(r, today)]
    items = _evaluate(view, facts.household_id, today, table, rules)
    return _with_actions(items, facts.household_id, facts.actions, today, table)


def action_item(
    subject_id: uuid.UUID, action: ActionFact, today: date, table: RuleTable
) -> DueItem:
    """An open action as a due item, overdue / due soon / upcoming by the statutory items'
    thresholds, so the dashboard ranks it with them."""
    ref = ACTION + action.action_id.hex
    return DueItem(
        subject_id,
        ref,
        action_title(action.description, action.owner),
        action.due,
        _status(action.due, today, table),
        ref,
        ACTION_SOURCE,
    )


def _with_actions(
    items: list[DueItem],
    subject_id: uuid.UUID,
    actions: tuple[ActionFact, ...],
    today: date,
    table: RuleTable,
) -> list[DueItem]:
    if not actions:
        return items
    items = items + [action_item(subject_id, a, today, table) for a in actions]
    return sorted(items, key=lambda i: (_ORDER[i.status], i.due, i.obligation))


def _status(due: date, today: date, table: RuleTable) -> Status:
    if due < today:
        return Status.OVERDUE
    if (due - today).days <= table.due_soon_days:
        return Status.DUE_SOON
    return Status.UPCOMING


def _evaluate(
    view: _View, subject_id: uuid.UUID, today: date, table: RuleTable, rules: list[Rule]
) -> list[DueItem]:
    proposals: dict[str, list[_Proposal]] = {}
    for rule in rules:
        start = view.trigger(rule)
        if start is None:
            continue
        due = add(start, view.interval(rule), rule.unit)
        if rule.until_recorded:
            recorded = view.recorded(rule.until_recorded)
            if recorded is not None and recorded < due:
                due = recorded
        met = view.met_on(rule, start) if rule.repeat == "once" else None
        proposals.setdefault(rule.obligation, []).append(_Proposal(rule, due, met))
    items = []
    for obligation, found in proposals.items():
        replaced = {ref for p in found if p.met_on is None for ref in p.rule.supersedes}
        live = [p for p in found if p.met_on is None and p.rule.ref not in replaced]
        if live:
            best = min(live, key=lambda p: (p.due, -p.rule.specificity, p.rule.ref))
            items.append(_item(subject_id, obligation, best, today, table, view))
        else:
            last = max(found, key=lambda p: p.met_on or date.min)
            items.append(
                DueItem(
                    subject_id,
                    obligation,
                    last.rule.title,
                    last.due,
                    Status.DONE,
                    last.rule.ref,
                    last.rule.regulation,
                    last.met_on,
                    last.rule.unverified,
                )
            )
    return sorted(items, key=lambda i: (_ORDER[i.status], i.due, i.obligation))


#: The review kind of support after return home, counted from the return.
RETURN_HOME_REVIEW = "RETURN_HOME_SUPPORT"
#: The outcome obligations after a return home, and the outcome form's point each is met by.
_OUTCOME_POINTS = {
    "return_home_outcome_6": "SIX_MONTHS",
    "return_home_outcome_12": "TWELVE_MONTHS",
}

_ORDER = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.UPCOMING: 2, Status.DONE: 3}


def _item(
    subject_id: uuid.UUID,
    obligation: str,
    best: _Proposal,
    today: date,
    table: RuleTable,
    view: _View,
) -> DueItem:
    return DueItem(
        subject_id,
        obligation,
        best.rule.title,
        best.due,
        _status(best.due, today, table),
        best.rule.ref,
        best.rule.regulation,
        view.last_done(obligation),
        best.rule.unverified,
    )


# ---- Views: how each kind of subject answers the rule table's questions


class _View(ABC):
    @abstractmethod
    def holds(self, rule: Rule, today: date) -> bool: ...

    @abstractmethod
    def trigger(self, rule: Rule) -> date | None: ...

    @abstractmethod
    def met_on(self, rule: Rule, start: date) -> date | None: ...

    @abstractmethod
    def last_done(self, obligation: str) -> date | None: ...

    def interval(self, rule: Rule) -> int:
        return rule.amount

    def recorded(self, name: str) -> date | None:
        """A date the worker recorded that can end a rule's interval sooner
        (``Rule.until_recorded``); none for subjects that record no such dates."""
        return None

    def reviews_since(
        self, reviews: dict[str, tuple[ReviewFact, ...]], kind: str, since: date | None
    ) -> tuple[ReviewFact, ...]:
        found = reviews.get(kind, ())
        return found if since is None else tuple(r for r in found if r.on >= since)

    @staticmethod
    def review_on_or_after(
        reviews: dict[str, tuple[ReviewFact, ...]], rule: Rule, start: date
    ) -> date | None:
        """A review-based once-rule is met by the latest review of its kind since its trigger."""
        kind = rule.review_kind
        later = [r.on for r in reviews.get(kind, ()) if r.on >= start] if kind else []
        return later[-1] if later else None

    @staticmethod
    def count_ok(rule: Rule, count: int) -> bool:
        low = rule.conditions.get("reviews_at_least")
        high = rule.conditions.get("reviews_at_most")
        return (low is None or count >= low) and (high is None or count <= high)


class _ChildView(_View):
    def __init__(self, facts: ChildFacts, table: RuleTable) -> None:
        self.f = facts
        self.table = table

    def period_start(self, kind: str) -> date | None:
        """Reviews count from the start of what they review."""
        f = self.f
        if kind == "CHILD_LAC":
            return f.looked_after_start
        if kind == "ADOPTION_PLACEMENT":
            return f.placement.start if f.placement else None
        if kind == RETURN_HOME_REVIEW:
            return f.returned_home
        return f.legal_status_start

    def reviews(self, kind: str) -> tuple[ReviewFact, ...]:
        return self.reviews_since(self.f.reviews, kind, self.period_start(kind))

    def situation(self, today: date) -> tuple[Any, ...]:
        """Everything ``holds`` looks at, so children in the same situation share one answer."""
        f, p = self.f, self.f.placement
        return (
            f.legal_status,
            f.looked_after,
            f.household_temporary,
            f.returned_home is not None,
            (p.placement_type, p.flags, _years_between(p.start, today)) if p else None,
            tuple(
                sorted(
                    (k, min(len(self.reviews(k)), self.table.review_count_cap)) for k in f.reviews
                )
            ),
        )

    def holds(self, rule: Rule, today: date) -> bool:
        c, f, p = rule.conditions, self.f, self.f.placement
        if c.get("looked_after") and not f.looked_after:
            return False
        if "legal_status" in c and f.legal_status not in c["legal_status"]:
            return False
        if "not_legal_status" in c and f.legal_status in c["not_legal_status"]:
            return False
        if (
            any(
                k in c
                for k in (
                    "placement_type",
                    "placement_flags",
                    "placement_age_under_years",
                    "placement_age_at_least_years",
                )
            )
            and p is None
        ):
            return False
        if p is not None:
            if "placement_type" in c and p.placement_type not in c["placement_type"]:
                return False
            if "not_placement_type" in c and p.placement_type in c["not_placement_type"]:
                return False
            if not set(c.get("placement_flags", ())) <= p.flags:
                return False
            if set(c.get("not_placement_flags", ())) & p.flags:
                return False
            years = _years_between(p.start, today)
            if "placement_age_under_years" in c and years >= c["placement_age_under_years"]:
                return False
            if "placement_age_at_least_years" in c and years < c["placement_age_at_least_years"]:
                return False
        if c.get("household_temporary") and not f.household_temporary:
            return False
        if c.get("returned_home") and f.returned_home is None:
            return False
        kind = rule.review_kind
        return kind is None or self.count_ok(rule, len(self.reviews(kind)))

    def trigger(self, rule: Rule) -> date | None:
        f, p = self.f, self.f.placement
        visit_in_placement = (
            f.last_visit if f.last_visit and p and f.last_visit >= p.start else None
        )
        kind = rule.review_kind
        match rule.trigger:
            case "placement_start":
                return p.start if p else None
            case "first_placement_start":
                return f.first_placement_start
            case "looked_after_start":
                return f.looked_after_start
            case "legal_status_start":
                return f.legal_status_start
            case "last_visit":
                return visit_in_placement
            case "last_visit_or_placement":
                return visit_in_placement or (p.start if p else None)
            case "welfare_concern_visit":
                return f.last_welfare_concern
            case "last_review":
                found = self.reviews(kind) if kind else ()
                return found[-1].on if found else None
            case "last_review_or_status":
                found = self.reviews(kind) if kind else ()
                return found[-1].on if found else f.legal_status_start
            case "last_review_or_support_plan":
                # A support plan agreed after the last review starts a new plan period: its
                # review is due a full interval after it (SGR 2005 reg 17).
                found = self.reviews(kind) if kind else ()
                latest = [d for d in (found[-1].on if found else None, f.support_plan_agreed) if d]
                return max(latest) if latest else f.legal_status_start
            case "returned_home":
                return f.returned_home
            case "last_visit_or_return_home":
                home = f.returned_home
                if home is None:
                    return None
                return f.last_visit if f.last_visit and f.last_visit >= home else home
            case "last_review_or_return_home":
                found = self.reviews(kind) if kind else ()
                return found[-1].on if found else f.returned_home
        return None

    def interval(self, rule: Rule) -> int:
        if rule.from_review:
            found = self.reviews(rule.from_review)
            set_by_review = found[-1].visit_interval_weeks if found else None
            if set_by_review:
                # The review sets weeks; the row's unit is weeks by convention for such rules.
                return set_by_review
        return rule.amount

    def met_on(self, rule: Rule, start: date) -> date | None:
        f = self.f
        match rule.obligation:
            case "child_visit":
                return f.last_visit if f.last_visit and f.last_visit >= start else None
            case "care_plan":
                lead = f.looked_after_start or start
                earliest = date.fromordinal(lead.toordinal() - self.table.care_plan_lead_days)
                found = [d for d in f.care_plan_dates if d >= earliest]
                return found[-1] if found else None
            case "placement_plan":
                return f.placement.placement_plan_date if f.placement else None
            case "return_home_support_plan":
                agreed = f.return_support_plan
                return agreed if agreed and agreed >= start else None
            case "parents_placement_decision":
                signed = f.parents_decision
                return signed if signed and signed >= start else None
        if rule.obligation in _OUTCOME_POINTS:
            recorded = f.return_outcomes.get(_OUTCOME_POINTS[rule.obligation])
            return recorded if recorded and recorded >= start else None
        return self.review_on_or_after(f.reviews, rule, start)

    def last_done(self, obligation: str) -> date | None:
        f = self.f
        if obligation == "child_visit":
            return f.last_visit
        if obligation == "care_plan":
            return f.care_plan_dates[-1] if f.care_plan_dates else None
        if obligation == "placement_plan":
            return f.placement.placement_plan_date if f.placement else None
        if obligation == "return_home_support_plan":
            return f.return_support_plan
        if obligation == "parents_placement_decision":
            return f.parents_decision
        if obligation in _OUTCOME_POINTS:
            return f.return_outcomes.get(_OUTCOME_POINTS[obligation])
        kinds = {
            "child_review": "CHILD_LAC",
            "sgo_support_review": "SGO_SUPPORT",
            "return_home_review": RETURN_HOME_REVIEW,
        }
        if obligation == "adoption_review":
            dates = [
                r.on
                for k in ("ADOPTION_PLACEMENT", "AUTHORITY_TO_PLACE")
                for r in f.reviews.get(k, ())
            ]
            return max(dates) if dates else None
        found = f.reviews.get(kinds.get(obligation, ""), ())
        return found[-1].on if found else None


class _HouseholdView(_View):
    def __init__(self, facts: HouseholdFacts) -> None:
        self.f = facts

    def reviews(self, kind: str) -> tuple[ReviewFact, ...]:
        return self.reviews_since(self.f.reviews, kind, self.f.approval_date)

    def holds(self, rule: Rule, today: date) -> bool:
        c, f = rule.conditions, self.f
        if "carer_type" in c and f.carer_type not in c["carer_type"]:
            return False
        if "household_status" in c and f.approval_status not in c["household_status"]:
            return False
        if c.get("has_extension") and f.temporary_extension_until is None:
            return False
        kind = rule.review_kind
        return kind is None or self.count_ok(rule, len(self.reviews(kind)))

    def trigger(self, rule: Rule) -> date | None:
        f = self.f
        match rule.trigger:
            case "approval_date":
                return f.approval_date
            case "temporary_approval_date":
                return f.temporary_approval_date
            case "temporary_extension_until":
                return f.temporary_extension_until
            case "last_unannounced_or_approval":
                return f.last_unannounced_visit or f.approval_date or f.temporary_approval_date
            case "last_review":
                found = self.reviews(rule.review_kind or "")
                return found[-1].on if found else None
            case "enquiry_date" | "application_date" | "panel_date" | "panel_booked_date":
                return f.stages.get(rule.trigger)
        return None

    def recorded(self, name: str) -> date | None:
        return self.f.temporary_extension_until if name == "temporary_extension_until" else None

    def met_on(self, rule: Rule, start: date) -> date | None:
        f = self.f
        if rule.obligation == "tsd":
            return f.tsd_completed
        if rule.obligation == "temporary_approval_expiry":
            return None  # an end date is never "met"; it stops applying when approval changes
        if rule.obligation in STAGE_OBLIGATIONS:
            return f.stages.get(STAGE_OBLIGATIONS[rule.obligation])
        return self.review_on_or_after(f.reviews, rule, start)

    def last_done(self, obligation: str) -> date | None:
        f = self.f
        if obligation == "unannounced_visit":
            return f.last_unannounced_visit
        if obligation == "tsd":
            return f.tsd_completed
        if obligation == "carer_review":
            found = f.reviews.get("CARER_ANNUAL", ())
            return found[-1].on if found else None
        if obligation in STAGE_OBLIGATIONS:
            return f.stages.get(STAGE_OBLIGATIONS[obligation])
        return None


def _years_between(start: date, today: date) -> int:
    return today.year - start.year - ((today.month, today.day) < (start.month, start.day))
