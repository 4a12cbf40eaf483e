"""Facts for the deadline engine from records as documents (a record's type, id and fields as
the wire carries them), for the central service's figures.

The laptop builds the same facts from its own tables (``from_store``); the service holds every
record as one JSON document (``server.models.Record``), so it hands the documents of a caseload
here instead. Both feed the one engine and rule table, so a manager's Team page and a worker's
dashboard count the same items as overdue. The choices that decide an answer (which legal
status and placement are current, when a looked-after spell began, which visits and reviews
count) are ``from_store``'s, reused rather than written again.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app import codes
from app.carer_stages import PANEL_BOOKED, STAGES
from app.deadlines import periods as spells
from app.deadlines import return_home
from app.deadlines import rules as rule_table
from app.deadlines.engine import DueItem, evaluate_child, evaluate_household
from app.deadlines.facts import (
    ActionFact,
    ChildFacts,
    HouseholdFacts,
    PlacementFacts,
    ReviewFact,
)
from app.deadlines.from_store import _FLAGS, CaseloadDeadlines
from app.deadlines.rules import Rule, RuleTable

_SIGNED = ("finalised", "approved")


@dataclass(frozen=True)
class Document:
    """One live record: deleted ones are left out by whoever reads them."""

    record_id: uuid.UUID
    record_type: str
    fields: Mapping[str, Any]


def caseload_deadlines(
    documents: Iterable[Document], today: date, *, table: RuleTable | None = None
) -> CaseloadDeadlines:
    """Every open child's and every carer household's due items as of ``today``, from the
    documents of a caseload (a child's or household's own records must be among them)."""
    table = table or rule_table.load()
    by_type: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        by_type[document.record_type].append(document)
    result = CaseloadDeadlines()
    situations: dict[tuple[Any, ...], list[Rule]] = {}
    for facts in child_facts(by_type, today, table):
        result.children[facts.child_id] = evaluate_child(facts, today, table, situations)
    for hfacts in household_facts(by_type):
        result.households[hfacts.household_id] = evaluate_household(hfacts, today, table)
    return result


def child_facts(
    by_type: Mapping[str, list[Document]], today: date, table: RuleTable
) -> list[ChildFacts]:
    looked_after_codes = set(codes.code_list("legal_status"))
    statuses: dict[str, list[tuple[date, date | None, str]]] = defaultdict(list)
    ended: dict[str, list[return_home.Ended]] = defaultdict(list)
    for doc in by_type.get("legal_status", ()):
        start = _day(doc.fields.get("start_date"))
        if start is not None and start <= today:
            key = str(doc.fields.get("child_id"))
            end, code = _day(doc.fields.get("end_date")), doc.fields["code"]
            statuses[key].append((start, end, code))
            ended[key].append((start, end, code, doc.fields.get("reason_ceased")))
    placements: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for doc in by_type.get("placement", ()):
        start = _day(doc.fields.get("start_date"))
        if start is not None and start <= today:
            placements[str(doc.fields.get("child_id"))].append(doc.fields)
    temporary = {
        str(doc.record_id)
        for doc in by_type.get("carer_household", ())
        if doc.fields.get("approval_status") == "TEMPORARY"
    }
    last_visit: dict[str, date] = {}
    concern: dict[str, date] = {}
    for doc in by_type.get("visit", ()):
        f = doc.fields
        on = _day(f.get("visit_date"))
        if (
            on is None
            or f.get("status") not in _SIGNED
            or f.get("visit_type") not in table.child_visit_types
            or not f.get("child_id")
        ):
            continue
        key = str(f["child_id"])
        _latest(last_visit, key, on)
        if f.get("welfare_concern"):
            _latest(concern, key, on)
    reviews: dict[str, dict[str, list[ReviewFact]]] = defaultdict(lambda: defaultdict(list))
    for doc in _signed_by_date(by_type.get("review", ()), "review_date"):
        f = doc.fields
        if f.get("child_id"):
            fact = ReviewFact(_must(f["review_date"]), f.get("visit_interval_weeks"))
            reviews[str(f["child_id"])][f["kind"]].append(fact)
    plans: dict[str, list[date]] = defaultdict(list)
    for doc in _signed_by_date(by_type.get("care_plan", ()), "plan_date"):
        plans[str(doc.fields.get("child_id"))].append(_must(doc.fields["plan_date"]))
    actions = _open_actions(by_type.get("action", ()), child=True)
    plans_agreed = _support_plans_agreed(by_type.get("assessment", ()))
    support_after, outcomes, decisions = _return_home_forms(by_type.get("assessment", ()))

    out = []
    for doc in by_type.get("child", ()):
        if not doc.fields.get("case_open", True):
            continue
        key = str(doc.record_id)
        periods = sorted(statuses.get(key, []), key=lambda p: p[0])
        current = spells.current(periods, today)
        looked_after = current is not None and current[2] in looked_after_codes
        la_start = spells.spell_start(periods, current, looked_after_codes)
        child_placements = sorted(placements.get(key, []), key=lambda p: p["start_date"])
        now = next(
            (p for p in reversed(child_placements) if (_day(p.get("end_date")) or today) >= today),
            None,
        )
        first = next(
            (
                _must(p["start_date"])
                for p in child_placements
                if la_start is None or _must(p["start_date"]) >= la_start
            ),
            None,
        )
        latest = child_placements[-1] if child_placements else None
        agreed = [
            d
            for d in (
                plans_agreed.get(key),
                plans_agreed.get(str(latest.get("household_id"))) if latest else None,
            )
            if d
        ]
        home = return_home.returned_home(
            ended.get(key, []), today, looked_after_codes, table.return_home_reasons
        )
        out.append(
            ChildFacts(
                child_id=doc.record_id,
                legal_status=current[2] if current else None,
                legal_status_start=current[0] if current else None,
                looked_after=looked_after,
                looked_after_start=la_start if looked_after else None,
                placement=PlacementFacts(
                    now["placement_type"],
                    _must(now["start_date"]),
                    frozenset(flag for flag in _FLAGS if now.get(flag)),
                    _day(now.get("placement_plan_date")),
                )
                if now
                else None,
                first_placement_start=first if looked_after else None,
                household_temporary=bool(now and str(now.get("household_id")) in temporary),
                last_visit=last_visit.get(key),
                last_welfare_concern=concern.get(key),
                reviews={k: tuple(v) for k, v in reviews.get(key, {}).items()},
                care_plan_dates=tuple(plans.get(key, ())),
                actions=tuple(actions.get(key, ())),
                support_plan_agreed=max(agreed) if agreed else None,
                returned_home=home,
                return_support_plan=max(support_after.get(key, ()), default=None),
                return_outcomes=return_home.latest_outcomes(outcomes.get(key, ()), home),
                parents_decision=max(decisions.get(key, ()), default=None),
            )
        )
    return out


def household_facts(by_type: Mapping[str, list[Document]]) -> list[HouseholdFacts]:
    reviews: dict[str, dict[str, list[ReviewFact]]] = defaultdict(lambda: defaultdict(list))
    for doc in _signed_by_date(by_type.get("review", ()), "review_date"):
        f = doc.fields
        if f.get("household_id") and not f.get("child_id"):
            reviews[str(f["household_id"])][f["kind"]].append(ReviewFact(_must(f["review_date"])))
    unannounced: dict[str, date] = {}
    for doc in by_type.get("visit", ()):
        f = doc.fields
        on = _day(f.get("visit_date"))
        if (
            on is not None
            and f.get("status") in _SIGNED
            and f.get("visit_type") == "UNANNOUNCED"
            and f.get("household_id")
        ):
            _latest(unannounced, str(f["household_id"]), on)
    tsd: dict[str, date] = {}
    for doc in by_type.get("training_record", ()):
        f = doc.fields
        done = _day(f.get("completed_date"))
        if f.get("kind") == "TSD" and done is not None:
            key = str(f.get("household_id"))
            if key not in tsd or done < tsd[key]:
                tsd[key] = done
    actions = _open_actions(by_type.get("action", ()), child=False)
    out = []
    for doc in by_type.get("carer_household", ()):
        f, key = doc.fields, str(doc.record_id)
        out.append(
            HouseholdFacts(
                household_id=doc.record_id,
                carer_type=f["carer_type"],
                approval_status=f["approval_status"],
                approval_date=_day(f.get("approval_date")),
                temporary_approval_date=_day(f.get("temporary_approval_date")),
                temporary_extension_until=_day(f.get("temporary_extension_until")),
                reviews={k: tuple(v) for k, v in reviews.get(key, {}).items()},
                last_unannounced_visit=unannounced.get(key),
                tsd_completed=tsd.get(key),
                actions=tuple(actions.get(key, ())),
                stages=_stages(f),
            )
        )
    return out


def due_items(deadlines: CaseloadDeadlines) -> dict[uuid.UUID, list[DueItem]]:
    """Children's and households' items in one mapping by subject id."""
    return {**deadlines.children, **deadlines.households}


# ---- Private API


def _stages(fields: Mapping[str, Any]) -> dict[str, date]:
    """As ``app.carer_stages.stage_dates`` over a synced document: the assessment stages a
    prospective household has reached, so the service's Team page and figures count the same
    recruitment items (FA1 to FA5) as the laptop."""
    out: dict[str, date] = {}
    for column in (*(s.column for s in STAGES), PANEL_BOOKED):
        day = _day(fields.get(column))
        if day is not None:
            out[column] = day
    return out


def _open_actions(documents: Iterable[Document], *, child: bool) -> dict[str, list[ActionFact]]:
    """As ``from_store._open_actions``: open actions with a due date, by subject, soonest
    first; an action naming a child is the child's, else its household's."""
    found: dict[str, list[ActionFact]] = defaultdict(list)
    for doc in documents:
        f = doc.fields
        due = _day(f.get("due_date"))
        if due is None or f.get("completed_date"):
            continue
        subject = f.get("child_id") if child else f.get("household_id")
        if not subject or (not child and f.get("child_id")):
            continue
        found[str(subject)].append(
            ActionFact(doc.record_id, f.get("description", ""), f.get("owner", ""), due)
        )
    for items in found.values():
        items.sort(key=lambda a: (a.due, a.action_id.hex))
    return found


def _support_plans_agreed(documents: Iterable[Document]) -> dict[str, date]:
    """As ``from_store._support_plans_agreed``: the day the latest signed-off support plan was
    signed off, by the child or household it is recorded on."""
    from app.households import SUPPORT_PLAN_KIND, SUPPORT_PLAN_TEMPLATE

    plans = [
        d
        for d in documents
        if d.fields.get("status") in _SIGNED
        and d.fields.get("finalised_at")
        and (
            d.fields.get("kind") == SUPPORT_PLAN_KIND
            or d.fields.get("template_id") == SUPPORT_PLAN_TEMPLATE
        )
    ]
    found: dict[str, date] = {}
    for doc in sorted(plans, key=lambda d: _instant(d.fields["finalised_at"])):
        for name in ("child_id", "household_id"):
            if doc.fields.get(name):
                found[str(doc.fields[name])] = _instant(doc.fields["finalised_at"]).date()
    return found


def _return_home_forms(
    documents: Iterable[Document],
) -> tuple[dict[str, list[date]], dict[str, list[tuple[str, date]]], dict[str, list[date]]]:
    """As ``from_store._return_home_forms``: each child's signed-off return-home support plans,
    outcomes (with the outcome's point) and decisions to place with parents, by the day each
    was signed off."""
    plans: dict[str, list[date]] = defaultdict(list)
    outcomes: dict[str, list[tuple[str, date]]] = defaultdict(list)
    decisions: dict[str, list[date]] = defaultdict(list)
    for doc in documents:
        f = doc.fields
        if f.get("status") not in _SIGNED or not f.get("finalised_at") or not f.get("child_id"):
            continue
        signed = _instant(f["finalised_at"]).date()
        if f.get("kind") == return_home.SUPPORT_PLAN_KIND:
            plans[str(f["child_id"])].append(signed)
        elif f.get("kind") == return_home.PARENTS_DECISION_KIND:
            decisions[str(f["child_id"])].append(signed)
        elif f.get("kind") == return_home.OUTCOME_KIND:
            point = str((f.get("answers") or {}).get("point"))
            outcomes[str(f["child_id"])].append((point, signed))
    return plans, outcomes, decisions


def _instant(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _signed_by_date(documents: Iterable[Document], field: str) -> list[Document]:
    signed = [d for d in documents if d.fields.get("status") in _SIGNED and d.fields.get(field)]
    return sorted(signed, key=lambda d: str(d.fields[field]))


def _latest(found: dict[str, date], key: str, on: date) -> None:
    if key not in found or on > found[key]:
        found[key] = on


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _must(value: Any) -> date:
    day = _day(value)
    assert day is not None
    return day
