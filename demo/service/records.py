"""The demo service's children, and the permanency work on them: legal history, placement, care
plan, statutory visits, looked-after reviews with the actions agreed at them (``source_type=
"review"``, ``source_id`` the review), notes, and assessments made from the shipped forms.

Everything here is what the laptop's own rules accept (``app/validation.py``, the forms in
``resources/forms``): the laptop takes pulled records as the service sends them, so a demo record
it would refuse to save would be a record no worker could correct. The tests sync the demo to a
laptop and validate every record there.

The assessments' answers come from ``resources/demo/assessments.toml`` (``resources.demo``), the
same words the desktop's own demo shows, checked against their form version by the laptop when
it opens them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from demo.service import returns
from demo.service.households import Household, write_action
from demo.service.writer import DemoWriter, age_on, at, draft, signed
from resources import demo as demo_data
from server.models import UserAccount

GIVEN = (
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Freya", "Grace", "Ruby", "Noah",
    "Oliver", "George", "Leo", "Arthur", "Muhammad", "Harry", "Oscar", "Jack", "Theo", "Zara",
    "Aisha", "Kacper", "Maja", "Tomasz", "Priya", "Ravi", "Chloe", "Kai", "Ellie",
)  # fmt: skip
IROS = ("Janet Rowe", "Femi Adebayo", "Claire Whitlock", "Hassan Mirza", "Ruth Penhale")
PLANS = ("LONG_TERM_FOSTERING", "ADOPTION", "RETURN_HOME", "SPECIAL_GUARDIANSHIP", "KINSHIP")
#: Plans that agree with a placement: a child with family or friends is planned to stay with
#: them, one in a long-term foster home to stay there, one placed for adoption to be adopted.
PLANS_FOR = {
    "U1": ("KINSHIP", "SPECIAL_GUARDIANSHIP"),
    "U3": ("KINSHIP", "SPECIAL_GUARDIANSHIP"),
    "U4": ("LONG_TERM_FOSTERING",),
    "U5": ("ADOPTION",),
    "U6": ("RETURN_HOME", "LONG_TERM_FOSTERING", "ADOPTION"),
    "R1": ("RETURN_HOME", "LONG_TERM_FOSTERING"),
    "K2": ("RETURN_HOME", "LONG_TERM_FOSTERING"),
}
NEED = ("N1", "N1", "N1", "N2", "N4", "N5", "N8")
#: Placement types by the kind of carer the child lives with.
PLACEMENT_FOR = {
    "MAINSTREAM_FOSTER": ("U4", "U6", "U6"),
    "CONNECTED_PERSON": ("U1", "U3"),
    "FOSTERING_FOR_ADOPTION": ("U5",),
}
#: Placements away from a carer household.
GROUP_CARE = ("R1", "K2")
OBSERVATIONS = (
    "Settled and chatty; showed me their room and talked about football club.",
    "A little withdrawn at first; relaxed after we went for a walk to the park.",
    "Proud of a school certificate for reading; carer reports a good sleep routine.",
    "Talked about missing mum before family time; agreed to ask about an extra phone call.",
    "Enjoying cooking with the carers; school attendance has improved this term.",
)
#: What a child said, by age (4-10, 11 and over) and by where they live ("{home}" is "the
#: carers" or "the staff"): a four-year-old does not ask for more time at the youth club.
WISHES = {
    "young": (
        "Likes living with {home}; wants to keep seeing their brother on Saturdays.",
        "Wants mum to come and watch the nativity play.",
        "Happy where they are; asked that the next visit is after school, not during it.",
        "Asked why they cannot live with mum; life-story work agreed.",
        "Wants to keep going to swimming lessons and to bring a friend to tea.",
    ),
    "teen": (
        "Would like more time at the youth club and a say in the summer plans.",
        "Wants to stay with {home} until finishing college.",
        "Wants more say in when family time with dad happens, and to travel there alone.",
        "Worried about moving to sixth form; wants to stay at the same school.",
        "Wants to know more about why they came into care; life-story work agreed.",
    ),
}
#: What was seen, by age (a baby is observed, not asked).
OBSERVED = {
    "baby": (
        "Alert and smiling, reaching for toys; carer keeps a clear feeding and sleep diary.",
        "Settles quickly with the carer; a little unsettled after family time, easing by evening.",
    ),
    "young": OBSERVATIONS,
    "teen": (
        "Quiet but polite; wants more time on the phone to friends. Agreed a later curfew trial.",
        "Doing well at college on the motor vehicle course; wants help opening a bank account.",
        "Has joined the boxing club and is sleeping better. School report mostly positive.",
    ),
}


def _band(age: int) -> str:
    return "baby" if age < 4 else "young" if age < 11 else "teen"


DECISIONS = (
    "Plan endorsed; family time arrangements continue unchanged.",
    "Placement meets the child's needs; education plan to be updated before the next review.",
    "Permanence plan confirmed; later-life letter to be drafted.",
    "Family time with father to move to monthly, supervised, reviewed in three months.",
)
REVIEW_ACTIONS = (
    "Update the placement plan with the new family time arrangements",
    "Ask the virtual school for the updated personal education plan",
    "Book the annual health assessment and dental check",
    "Start life-story work before the next review",
    "Send the review record to the child's parents",
    "Refer to CAMHS for a consultation about sleep",
)


@dataclass
class Child:
    """A child as written, for what is written about them afterwards."""

    child_id: uuid.UUID
    owner: UserAccount
    name: str
    born: date
    entered: date
    household: Household | None
    reviews: list[tuple[uuid.UUID, date]] = field(default_factory=list)
    #: The legal statuses written, and when care ended (for ``demo.service.returns``).
    legal: list[tuple[str, date]] = field(default_factory=list)
    left_care: date | None = None

    @property
    def subject(self) -> tuple[str, uuid.UUID]:
        return ("child", self.child_id)


def write_child(
    w: DemoWriter,
    owner: UserAccount,
    *,
    family: str,
    born: date,
    entered: date,
    legal: list[tuple[str, date]],
    household: Household | None,
    placement_type: str | None = None,
    left_care: tuple[date, str] | None = None,
    plan: str | None = None,
    given: str | None = None,
    visit_every: int = 42,
) -> Child:
    """A child on ``owner``'s caseload who came into care on ``entered``: legal statuses in
    order (each ends when the next starts; ``left_care`` ends the last looked-after one with
    that SSDA903 reason, as a permanence order does), a placement, a care plan, statutory
    visits about every ``visit_every`` days while looked after, looked-after reviews (and
    reviews while authorised to place for adoption) on the statutory timetable and a note."""
    rng = w.rng
    cid = w.new_id()
    name = given or rng.choice(GIVEN)
    child = Child(cid, owner, name, born, entered, household)
    child.legal, child.left_care = list(legal), left_care[0] if left_care else None
    w.allocate(child.subject, owner, since=entered)
    sex = rng.choice(("M", "F"))
    for_return = returns.child_fields(cid, born, sex, w.today, entered)
    w.write(
        "child",
        {
            "given_name": name,
            "family_name": family,
            "preferred_name": None,
            "date_of_birth": born.isoformat(),
            "sex": sex,
            "ethnicity": None,
            "upn": None,
            "category_of_need": rng.choice(NEED),
            "allocated_worker": owner.username,
            "case_open": True,
            "about_me": "Likes football and drawing; wants to stay at the same school.",
            **for_return,
        },
        owner,
        child.subject,
        cid,
    )
    care_ends = left_care[0] if left_care else None
    for n, (code, start) in enumerate(legal):
        end = legal[n + 1][1] if n + 1 < len(legal) else None
        reason = "X1" if end else None
        if left_care and n == len(legal) - 2:
            reason = left_care[1]
        w.write(
            "legal_status",
            {
                "child_id": str(cid),
                "code": code,
                "start_date": start.isoformat(),
                "end_date": end.isoformat() if end else None,
                "reason_ceased": reason,
            },
            owner,
            child.subject,
        )
    place = placement_type or (
        rng.choice(PLACEMENT_FOR[household.plan.carer_type])
        if household
        else rng.choice(GROUP_CARE)
    )
    w.write(
        "placement",
        {
            "child_id": str(cid),
            "household_id": str(household.household_id) if household else None,
            "placement_type": place,
            "provider": "PR1",
            "start_date": entered.isoformat(),
            "end_date": care_ends.isoformat() if care_ends else None,
            "reason_changed": "CARPL" if care_ends else None,
            "long_term_designated": place in ("U1", "U4"),
            "intended_until_18": place in ("U1", "U4") and w.chance(0.5),
            "child_agrees_less_frequent_visits": False,
            "before_assessment_complete": False,
            "placement_plan_date": (entered + timedelta(days=rng.randint(0, 4))).isoformat(),
            **returns.placement_fields(
                cid,
                household.household_id if household else None,
                place,
                for_return["home_postcode"],
            ),
        },
        owner,
        child.subject,
    )
    plan_day = entered + timedelta(days=rng.randint(1, 9))
    if plan_day <= w.today:
        w.write(
            "care_plan",
            {
                "child_id": str(cid),
                "plan_date": plan_day.isoformat(),
                "permanence_plan": plan or rng.choice(PLANS_FOR.get(place, PLANS)),
                "iro_name": rng.choice(IROS),
                "summary": "Plan agreed at the planning meeting; see the review decisions.",
                **signed(plan_day, owner),
            },
            owner,
            child.subject,
        )
    last = min(care_ends or w.today, w.today)
    carers = f"{household.names} (carers)" if household else "key worker"
    day = entered + timedelta(days=rng.randint(2, 6))
    while day <= last:
        _visit(w, child, day, f"{name} and {carers}")
        day += timedelta(days=max(5, visit_every - rng.randint(0, visit_every // 4)))
    # CPPCR reg 33: within 20 working days, then 3 months, then every 6 months.
    day = entered + timedelta(days=rng.randint(20, 27))
    gaps = [rng.randint(80, 90)] + [rng.randint(160, 180)] * 40
    while day <= last:
        child.reviews.append((child_review(w, child, "CHILD_LAC", day), day))
        day += timedelta(days=gaps.pop(0))
    # AAR 2005 reg 36(1): reviewed within 3 months of a placement order, then every 6 months.
    placement_order = next((start for code, start in legal if code == "E1"), None)
    if placement_order is not None:
        day = placement_order + timedelta(days=rng.randint(75, 88))
        while day <= last:
            child_review(w, child, "AUTHORITY_TO_PLACE", day)
            day += timedelta(days=rng.randint(160, 178))
    note_day = w.past(60)
    w.write(
        "case_note",
        {
            "kind": "PHONE_CALL",
            "event_date": note_day.isoformat(),
            "subject": "Call from the carer",
            "text": "Carer called to update on school.",
            **draft(),
            "child_id": str(cid),
            "household_id": None,
        },
        owner,
        child.subject,
    )
    return child


def child_review(
    w: DemoWriter,
    child: Child,
    kind: str,
    day: date,
    *,
    household: Household | None = None,
    decisions: str | None = None,
) -> uuid.UUID:
    """A signed-off review of the child (a special guardianship support review also names the
    guardians' household)."""
    rng = w.rng
    participation = None
    if kind != "SGO_SUPPORT":
        participation = "PN0" if age_on(child.born, day) < 4 else rng.choice(("PN1", "PN1", "PN5"))
    return w.write(
        "review",
        {
            "kind": kind,
            "review_date": day.isoformat(),
            "chair": rng.choice(IROS),
            "attendees": "Child's social worker, carers, IRO",
            "participation": participation,
            "decisions": decisions or rng.choice(DECISIONS),
            "visit_interval_weeks": None,
            **signed(day, child.owner),
            "child_id": str(child.child_id),
            "household_id": str(household.household_id) if household else None,
        },
        child.owner,
        child.subject,
    )


def review_actions(
    w: DemoWriter,
    child: Child,
    *,
    states: tuple[str, ...] | None = None,
    texts: tuple[str, ...] = REVIEW_ACTIONS,
) -> None:
    """Actions agreed at the child's latest review, each ``done``, ``overdue``, ``soon`` (due
    within the dashboard's fortnight) or ``upcoming``; chosen by the dates when not given."""
    if not child.reviews:
        return
    review_id, review_day = child.reviews[-1]
    rng = w.rng
    if states is None:
        dues = [review_day + timedelta(days=rng.randint(14, 120)) for _ in range(rng.randint(1, 3))]
        planned = [(_state_for(w, due), due) for due in dues]
    else:
        planned = [(state, _due_for(w, review_day, state)) for state in states]
    chosen = rng.sample(texts, len(planned))
    for text, (state, due) in zip(chosen, planned, strict=True):
        done = None
        if state == "done":
            done = max(review_day, min(w.today, due - timedelta(days=rng.randint(0, 10))))
        write_action(
            w,
            child.owner,
            child.subject,
            text,
            owner=rng.choice((child.owner.display_name, "Carers", "Reviewing officer")),
            due=due,
            completed=done,
            review_id=review_id,
            child_id=child.child_id,
        )


def write_assessment(
    w: DemoWriter,
    key: str,
    owner: UserAccount,
    *,
    child: Child | None = None,
    household: Household | None = None,
    approver: UserAccount | None = None,
) -> uuid.UUID:
    """The demo assessment ``key`` (``resources/demo/assessments.toml``) for a child or a
    household, finalised a few weeks after it was started and, if the file says so, approved
    by ``approver`` (the team's manager) a few days later."""
    entry = demo_data.assessments()[key]
    started = entry.started(w.today)
    fields: dict[str, Any] = {
        "kind": entry.kind,
        "template_id": entry.template_id,
        "template_version": entry.template_version,
        "answers": entry.answers_for(today=w.today, name=child.name if child else ""),
        "started_date": started.isoformat(),
        "approved_at": None,
        "approved_by": None,
        "child_id": str(child.child_id) if child else None,
        "household_id": str(household.household_id) if household else None,
    }
    if entry.status == "draft":
        fields.update(draft())
    else:
        finished = min(w.today, started + timedelta(days=min(21, entry.started_days_ago // 2)))
        fields.update(signed(finished, owner))
        if entry.status == "approved":
            if approver is None:
                raise ValueError(f"the demo assessment {key!r} needs a manager to approve it")
            approved = min(w.today, finished + timedelta(days=3))
            fields.update(
                status="approved", approved_by=approver.username, approved_at=at(approved, 11)
            )
    subject = child.subject if child else household.subject if household else None
    if subject is None:
        raise ValueError("a demo assessment needs a child or a household")
    return w.write("assessment", fields, owner, subject)


# ---- Private API


def _visit(w: DemoWriter, child: Child, day: date, who: str) -> None:
    w.write(
        "visit",
        {
            "visit_type": "STATUTORY_CHILD",
            "visit_date": day.isoformat(),
            "who_was_seen": who,
            "seen_alone": age_on(child.born, day) >= 3,
            "not_seen_alone_reason": None if age_on(child.born, day) >= 3 else "INAPPROPRIATE",
            "wishes_and_feelings": _wishes(w, child, day),
            "wishes_not_gathered": None if age_on(child.born, day) >= 4 else "TOO_YOUNG",
            "observations": w.rng.choice(OBSERVED[_band(age_on(child.born, day))]),
            "actions_agreed": "",
            "welfare_concern": False,
            **signed(day, child.owner),
            "child_id": str(child.child_id),
            "household_id": str(child.household.household_id) if child.household else None,
        },
        child.owner,
        child.subject,
    )


def _wishes(w: DemoWriter, child: Child, day: date) -> str:
    """What the child said at their age, about where they live; "" for a child too young."""
    band = _band(age_on(child.born, day))
    if band == "baby":
        return ""
    home = "the carers" if child.household else "the staff"
    return w.rng.choice(WISHES[band]).format(home=home)


def _state_for(w: DemoWriter, due: date) -> str:
    if due > w.today:
        return "soon" if (due - w.today).days <= 14 else "upcoming"
    return "done" if w.chance(0.75) else "overdue"


def _due_for(w: DemoWriter, review_day: date, state: str) -> date:
    """A due date after the review that puts the action in ``state`` today."""
    rng, today = w.rng, w.today
    if state == "soon":
        return max(review_day, today + timedelta(days=rng.randint(2, 12)))
    if state == "upcoming":
        return max(review_day, today + timedelta(days=rng.randint(20, 70)))
    # done or overdue: due between the review and yesterday
    span = max(0, (today - review_day).days - 1)
    return review_day + timedelta(days=min(span, rng.randint(min(14, span), max(14, span))))
