"""The demo worker's child who has gone home (issue 30): in care on a care order, fostered, then
placed with her mother under the order on the nominated officer's decision, and home for good
when the order was discharged nine days ago (SSDA903 reason E4A, "returned home as part of care
planning").

Her case stays open as support after return (rules RH1 to RH6 in ``resources/rules/
deadlines.toml``), so ``make run`` shows the whole of that work beginning: the first support
visit made, the support plan part-written and due within ten working days of going home, the
first support review and the six-month outcome ahead. Her history is written as every other
demo child's is, as wire records through the service's write path, and her own random source
(seeded from her id) chooses the words, so adding her changed nothing else the demo writes.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from demo.service.households import Household
from demo.service.records import OBSERVED, Child, _band, write_assessment
from demo.service.returns import child_fields, placement_fields
from demo.service.writer import DemoWriter, age_on, at, signed
from server.models import UserAccount

#: Days before today: came into care, full care order, placed with mum, went home for good.
ENTERED, CARE_ORDER, WITH_MUM, HOME = 430, 330, 190, 9


def returned_home_child(
    w: DemoWriter,
    worker: UserAccount,
    manager: UserAccount,
    foster_home: Household | None,
    born: date,
) -> Child:
    """Write the child and her history; returns her as the other demo children are. The
    nominated officer's decision to place her with her mother is signed off by the worker and
    approved by ``manager``."""
    entered, order, with_mum, home = (w.ago(d) for d in (ENTERED, CARE_ORDER, WITH_MUM, HOME))
    cid = w.new_id()
    rng = random.Random(cid.int)  # noqa: S311 - demo content, not security
    child = Child(cid, worker, "Evie", born, entered, foster_home)
    child.legal = [("C1", entered), ("C2", order)]
    child.left_care = home
    w.allocate(child.subject, worker, since=entered)
    facts = child_fields(cid, born, "F", w.today, entered)
    w.write(
        "child",
        {
            "given_name": "Evie",
            "family_name": "Whitcombe",
            "preferred_name": None,
            "date_of_birth": born.isoformat(),
            "sex": "F",
            "category_of_need": "N1",
            "allocated_worker": worker.username,
            # Open: the service supports the family after the return until the worker closes it.
            "case_open": True,
            "about_me": "Loves her scooter and Saturday swimming with mum; wants to stay at "
            "Fennbridge Primary with her friends.",
            **facts,
        },
        worker,
        child.subject,
        cid,
    )
    for code, start, end, reason in (
        ("C1", entered, order, "X1"),
        ("C2", order, home, "E4A"),
    ):
        w.write(
            "legal_status",
            {
                "child_id": str(cid),
                "code": code,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "reason_ceased": reason,
            },
            worker,
            child.subject,
        )
    fostered = foster_home.household_id if foster_home else None
    stays: tuple[tuple[str, uuid.UUID | None, date, date, str | None], ...] = (
        ("U6", fostered, entered, with_mum, "CARPL"),
        ("P1", None, with_mum, home, None),
    )
    for place, household, start, end, changed in stays:
        where = placement_fields(cid, household, place, facts["home_postcode"])
        if place == "P1":  # her mother's home
            where["postcode"] = facts["home_postcode"]
        w.write(
            "placement",
            {
                "child_id": str(cid),
                "household_id": str(household) if household else None,
                "placement_type": place,
                "provider": "PR0" if place == "P1" else "PR1",
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "reason_changed": changed,
                "long_term_designated": False,
                "intended_until_18": False,
                "child_agrees_less_frequent_visits": False,
                "before_assessment_complete": False,
                "placement_plan_date": start.isoformat(),
                **where,
            },
            worker,
            child.subject,
        )
    for day in (entered + timedelta(days=6), with_mum - timedelta(days=20)):
        w.write(
            "care_plan",
            {
                "child_id": str(cid),
                "plan_date": day.isoformat(),
                "permanence_plan": "RETURN_HOME",
                "iro_name": "Janet Rowe",
                "summary": "Plan agreed at the planning meeting: rehabilitation home to mum, "
                "with family time increasing as the reunification assessment recommends.",
                **signed(day, worker),
            },
            worker,
            child.subject,
        )
    _parents_decision(w, child, manager, with_mum)
    _reviews(w, child, until=home)
    carers = foster_home.names if foster_home else "her foster carer"
    day = entered + timedelta(days=5)
    while day < home:
        who = f"Evie and {carers} (carers)" if day < with_mum else "Evie and mum"
        _visit(w, child, rng, "STATUTORY_CHILD", day, who, fostered if day < with_mum else None)
        day += timedelta(days=35 if day < with_mum else 28)
    _visit(w, child, rng, "RETURN_HOME_SUPPORT", w.ago(HOME - 5), "Evie and mum", None)
    write_assessment(w, "draft_return_home_support_plan", worker, child=child)
    return child


def _parents_decision(w: DemoWriter, child: Child, manager: UserAccount, placed: date) -> None:
    """The nominated officer's decision to place her with her mother under the care order
    (CPPCR 2010 regs 17 to 19), after the assessment of mum and the home, a week before."""
    decided, assessed = placed - timedelta(days=7), placed - timedelta(days=21)
    answers = {
        "route": "ASSESSED",
        "placed_with": "Kerry Whitcombe (mother)",
        "placement_date": placed.isoformat(),
        "assessment_done": "YES",
        "assessment_date": assessed.isoformat(),
        "assessment_summary": "Mum has completed the parenting programme and kept every family "
        "time session for six months; the home is safe and Evie has her own room. The "
        "reunification assessment recommends return with support.",
        "nominated_officer": "Head of Service (nominated officer)",
        "decision": "APPROVED",
        "decision_date": decided.isoformat(),
        "reasons": "The assessment shows the changes mum has made are lasting, and Evie wants to "
        "go home; support from the family support service is in place.",
        "iro_informed": "YES",
        "placement_plan": "YES",
    }
    w.write(
        "assessment",
        {
            "kind": "PLACEMENT_WITH_PARENTS",
            "template_id": "placement_with_parents",
            "template_version": 1,
            "answers": answers,
            "started_date": (decided - timedelta(days=2)).isoformat(),
            **signed(decided, child.owner),
            "status": "approved",
            "approved_by": manager.username,
            "approved_at": at(decided, 17),
            "child_id": str(child.child_id),
            "household_id": None,
        },
        child.owner,
        child.subject,
    )


def _reviews(w: DemoWriter, child: Child, *, until: date) -> None:
    """Looked-after reviews on the statutory timetable (20 working days, 3 months, then every
    6) while she was in care, each deciding the next step home."""
    day = child.entered + timedelta(days=24)
    for gap, decisions in zip((85, 170, 170), _DECISIONS, strict=True):
        if day >= until:
            return
        review = w.write(
            "review",
            {
                "kind": "CHILD_LAC",
                "review_date": day.isoformat(),
                "chair": "Janet Rowe",
                "attendees": "Evie, mum, carers, social worker, IRO",
                "participation": "PN1" if age_on(child.born, day) >= 4 else "PN0",
                "decisions": decisions,
                "visit_interval_weeks": None,
                **signed(day, child.owner),
                "child_id": str(child.child_id),
                "household_id": None,
            },
            child.owner,
            child.subject,
        )
        child.reviews.append((review, day))
        day += timedelta(days=gap)


def _visit(
    w: DemoWriter,
    child: Child,
    rng: random.Random,
    kind: str,
    day: date,
    who: str,
    household: uuid.UUID | None,
) -> None:
    age = age_on(child.born, day)
    if kind == "RETURN_HOME_SUPPORT":
        wishes = "Evie said she likes having her own room at mum's and wants to keep seeing "
        wishes += "her foster carer at the park."
    elif household is None:  # placed with mum, still under the care order
        wishes = rng.choice(_AT_HOME)
    else:
        wishes = rng.choice(_FOSTERED)
    w.write(
        "visit",
        {
            "visit_type": kind,
            "visit_date": day.isoformat(),
            "who_was_seen": who,
            "seen_alone": age >= 3,
            "not_seen_alone_reason": None if age >= 3 else "INAPPROPRIATE",
            "wishes_and_feelings": wishes,
            "wishes_not_gathered": None,
            "observations": rng.choice(OBSERVED[_band(age)]),
            "actions_agreed": "",
            "welfare_concern": False,
            **signed(day, child.owner),
            "child_id": str(child.child_id),
            "household_id": str(household) if household else None,
        },
        child.owner,
        child.subject,
    )


#: What each looked-after review decided, in turn.
_DECISIONS = (
    "Plan of rehabilitation home endorsed; family time with mum to increase to overnight stays.",
    "Reunification assessment recommends return; placement with mum under the care order agreed.",
    "Evie is settled at home with mum; the service will apply to discharge the care order.",
)
_FOSTERED = (
    "Evie talked about school and asked how long until she can go home to mum.",
    "Evie enjoyed the overnight at mum's and wants more of them; she likes her carers' dog.",
)
_AT_HOME = (
    "Evie said she is glad to be home and showed me her bedroom; she misses her carers' dog.",
    "Evie said home is calmer now and mum walks her to school every morning.",
)
