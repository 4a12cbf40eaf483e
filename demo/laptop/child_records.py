"""A planned child turned into the records a worker would have made: the child, their legal
statuses and placements, care plans, reviews and the actions agreed at them, visits (a few
still drafts) and case notes, in the order their foreign keys need."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import Action, CarePlan, CaseNote, LegalStatus, Placement, Record, Review, Visit
from demo.laptop.planner import Planner
from demo.laptop.plans import ChildPlan, Stay
from demo.laptop.words import (
    ACTION_TEXTS,
    ACTIONS_AGREED,
    CARER_ACTION_TEXTS,
    DECISIONS,
    IROS,
    NOTES,
    OBSERVATIONS,
    WISHES,
)


def finish_child(p: Planner, plan: ChildPlan) -> None:
    """Turn the plan into records: child, statuses, placements, plans, reviews, visits,
    notes and actions, in that order (foreign keys are checked at commit)."""
    rng, child = p.rng, plan.child
    out: list[Record] = [child]
    for i, (code, start) in enumerate(plan.statuses):
        nxt = plan.statuses[i + 1] if i + 1 < len(plan.statuses) else None
        reason = None
        if nxt is not None:
            permanence = nxt[0] in ("SGO", "CAO", "AO")
            reason = plan.order_reason if permanence else "X1"
        out.append(
            LegalStatus(
                child_id=child.id,
                code=code,
                start_date=start,
                end_date=nxt[1] if nxt else None,
                reason_ceased=reason,
            )
        )
    for stay in plan.stays:
        plan_date: date | None = stay.start + timedelta(days=rng.randint(0, 5))
        if stay.start + timedelta(days=5) > p.today or (
            stay.end is None and (p.today - stay.start).days > 10 and p.chance(0.01)
        ):
            plan_date = None  # not written yet (a few late ones show as overdue)
        out.append(
            Placement(
                child_id=child.id,
                household_id=stay.household.household.id if stay.household else None,
                placement_type=stay.place,
                provider=_provider(stay),
                start_date=stay.start,
                end_date=stay.end,
                reason_changed="CARPL" if stay.end else None,
                long_term_designated="long_term_designated" in stay.flags,
                intended_until_18="intended_until_18" in stay.flags,
                child_agrees_less_frequent_visits=(
                    "child_agrees_less_frequent_visits" in stay.flags
                ),
                before_assessment_complete="before_assessment_complete" in stay.flags,
                placement_plan_date=plan_date,
            )
        )
    out += _care_plans(p, plan)
    for kind, dates in plan.reviews.items():
        for day in dates:
            out.append(_review(p, plan, kind, day))
    out += _child_visits(p, plan)
    for _ in range(rng.choice((0, 1, 1, 2))):
        kind, subject, text = rng.choice(NOTES)
        out.append(
            CaseNote(
                child_id=child.id,
                kind=kind,
                event_date=p.ago(0, 120),
                subject=subject,
                text=text,
                status="draft" if p.chance(0.05) else "finalised",
            )
        )
    out += review_actions(p, [r for r in out if isinstance(r, Review)])
    if p.chance(0.15):
        due = p.today + timedelta(days=rng.randint(-20, 40))
        done = due if due <= p.today and p.chance(0.5) else None
        out.append(
            Action(
                child_id=child.id,
                description=rng.choice(ACTION_TEXTS),
                owner=p.worker,
                due_date=due,
                completed_date=done,
            )
        )
    plan.records = out


def review_actions(p: Planner, reviews: list[Review], *, chance: float = 0.4) -> list[Record]:
    """Actions agreed at the latest signed review, due some weeks after it: most done by
    now or not yet due, a few overdue, so the dashboard shows actions in every state."""
    rng = p.rng
    latest = max(reviews, key=lambda r: r.review_date, default=None)
    if latest is None or latest.status != "finalised" or not p.chance(chance):
        return []
    out: list[Record] = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        due = latest.review_date + timedelta(days=rng.randint(14, 120))
        done = None
        if due <= p.today and p.chance(0.8):
            done = max(latest.review_date, due - timedelta(days=rng.randint(0, 10)))
        out.append(
            Action(
                child_id=latest.child_id,
                household_id=latest.household_id,
                description=rng.choice(ACTION_TEXTS if latest.child_id else CARER_ACTION_TEXTS),
                owner=rng.choice((p.worker, "Carers", "Reviewing officer")),
                due_date=due,
                completed_date=done,
                source_type="review",
                source_id=latest.id,
            )
        )
    return out


def _care_plans(p: Planner, plan: ChildPlan) -> list[Record]:
    """The first plan within 10 working days of the first placement, then a new version
    after the latest review."""
    codes = [code for code, _ in plan.statuses]
    place = plan.stays[-1].place if plan.stays else ""
    if "E1" in codes:
        wanted = "ADOPTION"
    elif codes[-1] in ("SGO", "CAO"):
        wanted = "SPECIAL_GUARDIANSHIP" if codes[-1] == "SGO" else "CHILD_ARRANGEMENTS"
    elif place in ("P1", "U1", "U3", "U4"):
        wanted = {"P1": "RETURN_HOME", "U4": "LONG_TERM_FOSTERING"}.get(place, "KINSHIP")
    else:
        wanted = p.rng.choice(("RETURN_HOME", "LONG_TERM_FOSTERING", "KINSHIP"))
    left_care = plan.order_date or p.today
    first = plan.looked_after_start + timedelta(days=p.rng.randint(0, 9))
    days = [first] if first <= p.today else []
    latest = plan.reviews.get("CHILD_LAC", [])
    if latest:
        days.append(min(p.after(latest[-1], 1, 10), left_care))
    return [
        CarePlan(
            child_id=plan.child.id,
            plan_date=day,
            status="finalised",
            permanence_plan=wanted,
            iro_name=p.rng.choice(IROS),
            summary="Plan agreed at the planning meeting; see the review decisions.",
        )
        for day in days
    ]


def _review(p: Planner, plan: ChildPlan, kind: str, day: date) -> Review:
    age = p.age_on(plan.child.date_of_birth, day)
    participation = None
    if kind == "CHILD_LAC":
        participation = (
            "PN0"
            if age < 4
            else p.rng.choices(
                ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"), (40, 10, 5, 5, 20, 10, 10)
            )[0]
        )
    return Review(
        child_id=plan.child.id,
        kind=kind,
        review_date=day,
        chair=p.rng.choice(IROS),
        attendees="Child's social worker, carers, IRO",
        participation=participation,
        decisions=p.rng.choice(DECISIONS),
        status="finalised",
    )


def _child_visits(p: Planner, plan: ChildPlan) -> list[Record]:
    chosen = plan.candidates[: plan.visit_count]
    draft = None
    if plan.draft:
        # A visit made but not yet written up and signed off: it does not count yet.
        draft = (
            min(p.today, chosen[0][0] + timedelta(days=p.rng.randint(1, 20))),
            chosen[0][1],
        )
        chosen = chosen[:-1]
    out: list[Record] = []
    for day, kind in chosen:
        out.append(_visit(p, plan, day, kind, final=True))
    if draft is not None:
        out.append(_visit(p, plan, *draft, final=False))
    return out


def _visit(p: Planner, plan: ChildPlan, day: date, kind: str, *, final: bool) -> Visit:
    rng, child = p.rng, plan.child
    age = p.age_on(child.date_of_birth, day)
    band = "baby" if age < 3 else "young" if age < 11 else "teen"
    stay = next(
        (s for s in reversed(plan.stays) if s.start <= day and (s.end is None or day <= s.end)),
        None,
    )
    household = stay.household if stay else None
    name = child.preferred_name or child.given_name
    if household is not None:
        carer = household.carers[0]
        who = f"{name} and {carer.given_name} {carer.family_name} (carer)"
    elif stay is not None and stay.place == "P1":
        who = f"{name} and mum"
    else:
        who = f"{name} and key worker"
    child_visit = kind != "SGO_SUPPORT"
    seen_alone: bool | None = None
    reason = None
    if child_visit:
        seen_alone = age >= 3 and rng.random() < 0.93
        if not seen_alone:
            reason = "INAPPROPRIATE" if age < 3 else rng.choice(("CHILD_REFUSED", "UNABLE"))
    visit = Visit(
        child_id=child.id,
        household_id=household.household.id if household else None,
        visit_type=kind,
        visit_date=day,
        who_was_seen=who,
        seen_alone=seen_alone,
        not_seen_alone_reason=reason,
        observations=rng.choice(OBSERVATIONS[band]),
        wishes_and_feelings=""
        if band == "baby"
        else rng.choice(WISHES[band]).format(
            home="the carers" if household else "mum" if who.endswith("mum") else "the staff"
        ),
        wishes_not_gathered="TOO_YOUNG" if band == "baby" and child_visit else None,
        actions_agreed=rng.choice(ACTIONS_AGREED),
        status="finalised" if final else "draft",
    )
    if not final and rng.random() < 0.5:
        visit.seen_alone = None  # still being written up
    return visit


def _provider(stay: Stay) -> str:
    if stay.place == "P1":
        return "PR0"
    if stay.place == "K2":
        return "PR4"
    return "PR1"
