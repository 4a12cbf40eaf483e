"""A planned carer household turned into its records: the household and its carers, their
training (Skills to Foster, the TSD standards, courses), annual reviews and the actions agreed
at them, supervising and unannounced visits, and now and then a case note."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import CarerHousehold, CaseNote, Record, Review, TrainingRecord, Visit
from demo.laptop.child_records import review_actions
from demo.laptop.planner import Planner
from demo.laptop.plans import HouseholdPlan
from demo.laptop.schedule import YEARLY, series
from demo.laptop.words import HOUSEHOLD_NOTES


def finish_household(p: Planner, plan: HouseholdPlan) -> None:
    """The household, its carers and their training, reviews, visits and notes."""
    rng, h = p.rng, plan.household
    out: list[Record] = [h, *plan.carers]
    fostering = h.carer_type in (
        "MAINSTREAM_FOSTER",
        "CONNECTED_PERSON",
        "FOSTERING_FOR_ADOPTION",
    )
    approved = h.approval_date
    first_carer = plan.carers[0]
    if approved is not None and h.carer_type == "MAINSTREAM_FOSTER":
        out.append(
            TrainingRecord(
                household_id=h.id,
                carer_id=first_carer.id,
                kind="PREPARATION",
                title="Skills to Foster",
                completed_date=approved - timedelta(days=rng.randint(40, 200)),
            )
        )
    if approved is not None and fostering:
        # TSD within 12 months of approval (18 for connected persons); a few recently
        # approved carers are late.
        limit = 540 if h.carer_type == "CONNECTED_PERSON" else 365
        done = approved + timedelta(days=rng.randint(90, limit - 20))
        recent = (p.today - approved).days < 730
        if done <= p.today and not (recent and p.chance(0.08)) and not plan.late:
            out.append(
                TrainingRecord(
                    household_id=h.id,
                    carer_id=first_carer.id,
                    kind="TSD",
                    title="TSD standards workbook",
                    completed_date=done,
                )
            )
        if p.chance(0.5):
            out.append(
                TrainingRecord(
                    household_id=h.id,
                    kind="COURSE",
                    title=rng.choice(
                        ("Safer caring", "Trauma-informed care", "Paediatric first aid")
                    ),
                    completed_date=p.after(approved, 30, 900),
                )
            )
        for day in series(p, approved, YEARLY, p.today, 0.04):
            out.append(
                Review(
                    household_id=h.id,
                    kind="CARER_ANNUAL",
                    review_date=day,
                    chair="Fostering reviewing officer",
                    attendees="Carers, supervising social worker",
                    decisions="Approval continues on the same terms.",
                    status="finalised",
                )
            )
        carer_reviews = [r for r in out if isinstance(r, Review)]
        out += review_actions(p, carer_reviews, chance=0.3)
    if fostering and h.approval_status in ("APPROVED", "TEMPORARY"):
        out += _household_visits(p, plan)
    if p.chance(0.06):
        kind, subject, text = rng.choice(HOUSEHOLD_NOTES)
        out.append(
            CaseNote(
                household_id=h.id,
                kind=kind,
                event_date=p.ago(0, 200),
                subject=subject,
                text=text,
                status="finalised",
            )
        )
    plan.records = out


def _household_visits(p: Planner, plan: HouseholdPlan) -> list[Record]:
    h = plan.household
    began = h.approval_date or h.temporary_approval_date or p.today
    names = " and ".join(f"{c.given_name} {c.family_name}" for c in plan.carers)
    out: list[Record] = []
    day = p.ago(0, 40)
    for _ in range(p.rng.randint(2, 4)):  # supervision every month or two
        if day < began:
            break
        out.append(_carer_visit(p, h, "SUPERVISING", day, names))
        day -= timedelta(days=p.rng.randint(25, 60))
    # At least one unannounced visit a year (NMS 21.8); a few households are late.
    day = p.ago(380, 420) if p.chance(0.04) else p.ago(10, 330)
    if plan.late:
        day = began
    if day >= began:
        out.append(_carer_visit(p, h, "UNANNOUNCED", day, names))
    return out


def _carer_visit(p: Planner, h: CarerHousehold, kind: str, day: date, names: str) -> Visit:
    return Visit(
        household_id=h.id,
        visit_type=kind,
        visit_date=day,
        who_was_seen=names,
        observations=p.rng.choice(
            (
                "Home clean and welcoming; bedrooms checked. Carers well supported.",
                "Discussed the children's routines and the carers' training plan.",
                "Safer caring policy reviewed and signed. No concerns.",
            )
        ),
        status="finalised",
    )
