"""How each kind of child on the caseload came to be where they are today: one function per
scenario (``demo.laptop.scenarios``) setting the date of birth, the legal statuses in order and
the placements, with the households they were placed with. Dates follow the orders' real
sequence (an interim order before the full one, a placement order before a placement for
adoption), so the deadline engine reads them as it would a real child's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from demo.laptop.planner import Planner
from demo.laptop.plans import ChildPlan


def _care_order_foster(p: Planner, plan: ChildPlan) -> None:
    start = p.ago(200, 2600)
    p.born(plan, start, 0, 12)
    plan.looked_after_start = start
    plan.statuses = [("C1", start), ("C2", p.after(start, 120, 300))]
    current = p.moves(plan, start, p.today - timedelta(days=30))
    if (p.today - start).days > 700 and p.chance(0.5):
        flags = ["long_term_designated", "intended_until_18"]
        if p.age_on(plan.child.date_of_birth, p.today) >= 8 and p.chance(0.4):
            flags.append("child_agrees_less_frequent_visits")
        p.place(
            plan,
            "U4",
            current,
            p.household("MAINSTREAM_FOSTER", reuse=0.3, first_used=current),
            flags,
        )
    else:
        p.foster(plan, current)


def _care_order_kin(p: Planner, plan: ChildPlan) -> None:
    start = p.ago(200, 2400)
    p.born(plan, start, 0, 12)
    plan.looked_after_start = start
    plan.statuses = [("C1", start), ("C2", p.after(start, 120, 300))]
    kin = p.new_household("CONNECTED_PERSON", start)
    p.place(plan, "U3", start, kin)
    approved = kin.household.approval_date
    if approved is not None and approved < p.today - timedelta(days=30):
        # Once approved and the plan is long-term, the same placement changes type.
        p.place(plan, "U1", approved, kin, ["long_term_designated", "intended_until_18"])


def _care_order_home(p: Planner, plan: ChildPlan) -> None:
    start = p.ago(150, 1200)
    p.born(plan, start, 0, 10)
    plan.looked_after_start = start
    order = p.after(start, 90, 250)
    plan.statuses = [("C1", start), ("C2", order)]
    p.foster(plan, start)
    home = p.after(order, 0, 150)
    recent = (p.today - home).days < 90
    flags = ["before_assessment_complete"] if recent and p.chance(0.4) else []
    p.place(plan, "P1", home, None, flags)


def _care_order_residential(p: Planner, plan: ChildPlan) -> None:
    start = p.ago(200, 2000)
    p.born(plan, start, 9, 14)
    plan.looked_after_start = start
    plan.statuses = [("C1", start), ("C2", p.after(start, 120, 300))]
    current = p.moves(plan, start, p.today - timedelta(days=60))
    p.place(plan, "K2", current, None)


def _interim_foster(p: Planner, plan: ChildPlan) -> None:
    start = p.ago(3, 250)
    p.born(plan, start, 0, 15)
    plan.looked_after_start = start
    plan.statuses = [("C1", start)]
    p.foster(plan, start)


def _interim_home(p: Planner, plan: ChildPlan) -> None:
    start = p.ago(3, 150)
    p.born(plan, start, 0, 12)
    plan.looked_after_start = start
    plan.statuses = [("C1", start)]
    p.place(plan, "P1", start, None)


def _interim_connected(p: Planner, plan: ChildPlan) -> None:
    start = p.ago(3, 170)
    p.born(plan, start, 0, 14)
    plan.looked_after_start = start
    plan.statuses = [("C1", start)]
    kin = p.new_household("CONNECTED_PERSON", start)
    p.place(plan, "U3", start, kin)


def _accommodated(p: Planner, plan: ChildPlan) -> None:
    start = p.ago(5, 1500)
    p.born(plan, start, 1, 16)
    plan.looked_after_start = start
    plan.statuses = [("V2", start)]
    if p.age_on(plan.child.date_of_birth, start) >= 12 and p.chance(0.25):
        p.place(plan, "K2", start, None)
    else:
        p.foster(plan, start)


def _short_breaks(p: Planner, plan: ChildPlan) -> None:
    start = p.ago(60, 1200)
    p.born(plan, start, 4, 14)
    plan.child.category_of_need = "N2"
    plan.looked_after_start = start
    plan.statuses = [(plan.scenario.legal_status, start)]
    p.foster(plan, start)


def _placed_for_adoption(p: Planner, plan: ChildPlan) -> None:
    placed = p.ago(2, 330)
    hearing = placed - timedelta(days=p.rng.randint(40, 300))
    start = hearing - timedelta(days=p.rng.randint(120, 280))
    p.born(plan, start, 0, 3)
    plan.looked_after_start = start
    plan.statuses = [("C1", start), ("E1", hearing)]
    if plan.scenario.key == "fostering_for_adoption":
        # The same carers foster first (U5), then the child is placed with them for
        # adoption once the placement order is made (A5).
        ffa = p.new_household("FOSTERING_FOR_ADOPTION", start)
        p.place(plan, "U5", start, ffa)
        p.place(plan, "A5", placed, ffa)
    else:
        p.foster(plan, start)
        adopters = p.new_household("ADOPTER", placed)
        p.place(plan, "A6", placed, adopters)


def _awaiting_adoption(p: Planner, plan: ChildPlan) -> None:
    hearing = p.ago(10, 600)
    start = hearing - timedelta(days=p.rng.randint(120, 280))
    p.born(plan, start, 0, 5)
    plan.looked_after_start = start
    plan.statuses = [("C1", start), ("E1", hearing)]
    p.foster(plan, p.moves(plan, start, p.today - timedelta(days=30)))


def _emergency(p: Planner, plan: ChildPlan) -> None:
    longest = {"L1": 2, "L2": 12, "L3": 6}[plan.scenario.legal_status]
    start = p.ago(0, longest)
    p.born(plan, start, 0, 16)
    plan.looked_after_start = start
    plan.statuses = [(plan.scenario.legal_status, start)]
    p.foster(plan, start)


def _youth_justice(p: Planner, plan: ChildPlan) -> None:
    code = plan.scenario.legal_status
    start = {"J1": p.ago(3, 120), "J2": p.ago(0, 1), "J3": p.ago(30, 300)}[code]
    p.born(plan, start, 12, 16)
    plan.looked_after_start = start
    plan.statuses = [(code, start)]
    if code == "J2":
        p.place(plan, "K2", start, None)
    else:
        p.foster(plan, start)


def _permanence_order(p: Planner, plan: ChildPlan) -> None:
    code = plan.scenario.legal_status
    order = p.ago(20, 2900)
    start = order - timedelta(days=p.rng.randint(150, 700))
    p.born(plan, start, 0, 11)
    plan.looked_after_start = start
    final_hearing = p.chance(0.5)
    plan.statuses = [("C1", start)]
    if not final_hearing:
        plan.statuses.append(("C2", start + timedelta(days=p.rng.randint(100, 140))))
    plan.statuses.append((code, order))
    kind = "SPECIAL_GUARDIAN" if code == "SGO" else "CAO_CARER"
    carers = p.new_household(kind, start)
    roll = p.rng.random()
    if code == "CAO":
        plan.order_reason = "E41"
        p.place(plan, "U3", start, carers)
    elif roll < 0.7:  # SGO to the relatives who fostered the child
        plan.order_reason = "E45"
        p.place(plan, "U3", start, carers)
    elif roll < 0.85:  # SGO to the unrelated foster carers
        plan.order_reason = "E46"
        p.place(plan, "U4", start, carers, ["long_term_designated"])
    else:  # SGO to relatives the child had not lived with
        plan.order_reason = "E47"
        p.foster(plan, start)
    plan.order_date = order
    plan.stays[-1].end = order


def _adopted(p: Planner, plan: ChildPlan) -> None:
    order = p.ago(30, 2500)
    placed = order - timedelta(days=p.rng.randint(70, 300))
    hearing = placed - timedelta(days=p.rng.randint(40, 250))
    start = hearing - timedelta(days=p.rng.randint(120, 280))
    p.born(plan, start, 0, 3)
    plan.looked_after_start = start
    plan.statuses = [("C1", start), ("E1", hearing), ("AO", order)]
    plan.order_reason = p.rng.choice(("E11", "E12", "E12"))
    p.foster(plan, start)
    adopters = p.new_household("ADOPTER", placed)
    p.place(plan, "A6", placed, adopters)
    plan.order_date = order
    plan.stays[-1].end = order


#: The situation that makes each scenario's child (``Scenario.key``).
SITUATIONS: dict[str, Callable[[Planner, ChildPlan], None]] = {
    "care_order_foster": _care_order_foster,
    "care_order_kin": _care_order_kin,
    "care_order_home": _care_order_home,
    "care_order_residential": _care_order_residential,
    "interim_foster": _interim_foster,
    "interim_home": _interim_home,
    "interim_connected": _interim_connected,
    "accommodated": _accommodated,
    "short_breaks_episodes": _short_breaks,
    "short_breaks_agreement": _short_breaks,
    "placed_for_adoption": _placed_for_adoption,
    "fostering_for_adoption": _placed_for_adoption,
    "awaiting_adoption": _awaiting_adoption,
    "police_protection": _emergency,
    "emergency_protection": _emergency,
    "assessment_order": _emergency,
    "remanded": _youth_justice,
    "pace": _youth_justice,
    "youth_rehabilitation": _youth_justice,
    "special_guardianship": _permanence_order,
    "child_arrangements": _permanence_order,
    "adopted": _adopted,
}
