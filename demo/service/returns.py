"""What the demo records for the children looked after return (SSDA903): the facts a child's
record and placement carry for it, each child's yearly health and outcomes form, and the agency
decisions on adoption, so the demo service's return passes the DfE's validation as a carefully
kept service's would (``tests/server/test_returns_ssda903.py`` checks it does).

These draw on their own random generator, seeded from the child's id, so adding them left every
other value the demo writes as it was.

The demo's postcodes are real ones (the validator looks them up) in one local authority,
:data:`LA_CODE`: the demo council's area, whatever its town is called on screen.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from demo.service.writer import DemoWriter, age_on, at, signed
from server.models import UserAccount

if TYPE_CHECKING:  # demo.service.records writes the fields made here
    from demo.service.households import Household
    from demo.service.records import Child

#: The local authority the demo's postcodes are in (give it to ``returns ssda903 --check``).
LA_CODE = "E06000014"
POSTCODES = (
    "YO32 3DJ", "YO31 0UJ", "YO10 4UX", "YO31 6BH", "YO30 1YD", "YO26 6BJ", "YO10 5JT",
    "YO26 5JE", "YO26 6NN", "YO32 9SW", "YO24 4DD", "YO32 5WQ", "YO23 1AX", "YO24 2YX",
    "YO26 5NR", "YO26 8JR", "YO26 5FG", "YO24 2ST", "YO19 6AF", "YO26 5BY", "YO24 1BB",
    "YO10 3BW", "YO23 2SZ", "YO23 1AH", "YO30 5TR", "YO30 6BY",
)  # fmt: skip
#: The Ofsted URNs of the demo council's own fostering service (every foster placement's URN)
#: and adoption agency.
FOSTERING_URN = "SC055123"
ADOPTION_URN = "SC055124"
ETHNICITY = ("WBRI",) * 14 + ("WOTH", "MWBC", "MWBA", "MWAS", "APKN", "BAFR", "BCRB", "WROM")


def _rng(record_id: uuid.UUID) -> random.Random:
    return random.Random(record_id.int)  # noqa: S311 - demo content, not security


def child_fields(
    child_id: uuid.UUID, born: date, sex: str, today: date, entered: date | None = None
) -> dict[str, Any]:
    """A child's ethnicity, pupil number, home postcode, motherhood and previous permanence;
    some teenagers came into care as unaccompanied asylum seekers (and so have no home
    postcode in England)."""
    rng = _rng(child_id)
    upn = "UN1"
    if age_on(born, today) >= 4:
        letter = rng.choice("ABCDEFGHJKLMNPQRTUVWXYZ")
        upn = letter + "".join(rng.choice("0123456789") for _ in range(12))
    home = rng.choice(POSTCODES)
    uasc = entered is not None and age_on(born, entered) >= 14 and rng.random() < 0.2
    return {
        "ethnicity": rng.choice(ETHNICITY),
        "upn": upn,
        "home_postcode": None if uasc else home,
        "is_mother": False if sex == "F" else None,
        "first_child_born": None,
        "previous_permanence": "Z1",
        "previous_permanence_date": None,
        "previous_permanence_la": None,
        "uasc": uasc,
        "uasc_ceased": None,
    }


def placement_fields(
    child_id: uuid.UUID, household_id: uuid.UUID | None, place: str, home: str | None
) -> dict[str, Any]:
    """Where the placement is (the carers' postcode, never the child's own home's) and the URN
    of the fostering service or children's home."""
    rng = _rng(household_id or child_id)
    postcode = rng.choice([p for p in POSTCODES if p != home])
    urn = None
    if place.startswith("U") or place.startswith("A"):
        urn = FOSTERING_URN
    elif place == "K2":
        urn = f"SC{rng.randint(400000, 499999)}"
    return {"postcode": postcode, "urn": urn}


def write(
    w: DemoWriter,
    children: list[Child],
    managers: dict[int | None, UserAccount],
    foster_home: Household | None = None,
) -> None:
    """Each child's yearly health and outcomes forms; for children under a placement order, the
    decision that they should be placed for adoption; for some teenagers, a day or two missing
    or away from their placement. Signed off by the worker and approved by the team's manager,
    as the service's practice is. Then one child adopted in the last complete collection year
    (:func:`_adopted_child`)."""
    for child in children:
        manager = managers.get(child.owner.team_id)
        rng = _rng(child.child_id)
        for year_end in _years_looked_after_twelve_months(child, w.today):
            day = year_end - timedelta(days=rng.randint(14, 60))
            _form(w, child, manager, "child_health_outcomes", "CHILD_HEALTH_OUTCOMES", day,
                  _health_answers(rng))  # fmt: skip
        order = next((start for code, start in child.legal if code == "E1"), None)
        if order is not None:
            decided = max(child.entered, order - timedelta(days=rng.randint(20, 60)))
            answers = {
                "date_should_be_placed": decided.isoformat(),
                "decision_maker": "Head of Service (agency decision maker)",
            }
            _form(w, child, manager, "adoption_decisions", "ADOPTION_DECISIONS", decided, answers)
        last = min(child.left_care or w.today, w.today) - timedelta(days=10)
        first = max(child.entered + timedelta(days=30), _birthday(child.born, 12))
        if first < last and rng.random() < 0.3:
            began = first + timedelta(days=rng.randint(0, (last - first).days))
            answers = {
                "missing_type": rng.choice(("M", "A")),
                "start_date": began.isoformat(),
                "returned": "YES",
                "end_date": (began + timedelta(days=rng.randint(1, 3))).isoformat(),
                "return_interview": "Held by the child's social worker two days after; the "
                "child said they had stayed with a friend and agreed to ring next time.",
            }
            day = began + timedelta(days=3)
            _form(w, child, manager, "missing_episode", "MISSING_EPISODE", day, answers)
    if len(children) > 1:
        # Not the demo laptop's worker (the first child's), whose caseload the app opens on.
        owner = children[1].owner
        adopted_child(w, owner, managers.get(owner.team_id), foster_home)


def adopted_child(
    w: DemoWriter, owner: UserAccount, manager: UserAccount | None, foster_home: Household | None
) -> uuid.UUID:
    """A child adopted by new parents four months before the end of the last complete
    collection year: in care for two years (interim then full care order, then a placement
    order), fostered, the agency's decision that she should be placed for adoption, matched,
    placed with the adopters, adopted. Her case is closed; every step is what the SSDA903
    return's AD1 and placed-for-adoption tables report."""
    from demo.service.records import Child

    today = w.today
    year_end = date(today.year if today.month >= 4 else today.year - 1, 3, 31)
    adopted = year_end - timedelta(days=120)
    entered = adopted - timedelta(days=700)
    born = entered - timedelta(days=200)
    steps = {
        "C2": entered + timedelta(days=110),
        "decided": entered + timedelta(days=330),
        "E1": entered + timedelta(days=380),
        "matched": entered + timedelta(days=520),
        "placed": entered + timedelta(days=540),
    }
    cid = w.new_id()
    child = Child(cid, owner, "Poppy", born, entered, foster_home)
    child.legal = [("C1", entered), ("C2", steps["C2"]), ("E1", steps["E1"])]
    child.left_care = adopted
    w.allocate(child.subject, owner, since=entered)
    facts = child_fields(cid, born, "F", today, entered)
    w.write(
        "child",
        {
            "given_name": "Poppy",
            "family_name": "Marsh",
            "preferred_name": None,
            "date_of_birth": born.isoformat(),
            "sex": "F",
            "category_of_need": "N1",
            "allocated_worker": owner.username,
            "case_open": False,
            "about_me": "Loves the swings and her adoptive family's dog.",
            **facts,
        },
        owner,
        child.subject,
        cid,
    )
    statuses = [
        ("C1", entered, steps["C2"], "X1"),
        ("C2", steps["C2"], steps["E1"], "X1"),
        ("E1", steps["E1"], adopted, "E11"),
        ("AO", adopted, None, None),
    ]
    for code, start, end, reason in statuses:
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
    home = foster_home.household_id if foster_home else None
    for place, household, start, end, reason in (
        ("U6", home, entered, steps["placed"], "CARPL"),
        ("A6", None, steps["placed"], adopted, None),
    ):
        where = placement_fields(cid, household, place, facts["home_postcode"])
        if place == "A6":
            where["urn"] = ADOPTION_URN
        w.write(
            "placement",
            {
                "child_id": str(cid),
                "household_id": str(household) if household else None,
                "placement_type": place,
                "provider": "PR1",
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "reason_changed": reason,
                "long_term_designated": False,
                "intended_until_18": False,
                "child_agrees_less_frequent_visits": False,
                "before_assessment_complete": False,
                "placement_plan_date": start.isoformat(),
                **where,
            },
            owner,
            child.subject,
        )
    rng = _rng(cid)
    for year_end_day in _years_looked_after_twelve_months(child, today):
        day = year_end_day - timedelta(days=rng.randint(14, 60))
        _form(w, child, manager, "child_health_outcomes", "CHILD_HEALTH_OUTCOMES", day,
              _health_answers(rng))  # fmt: skip
    decision = {
        "date_should_be_placed": steps["decided"].isoformat(),
        "decision_maker": "Head of Service (agency decision maker)",
    }
    _form(w, child, manager, "adoption_decisions", "ADOPTION_DECISIONS", steps["decided"],
          decision)  # fmt: skip
    matched = {
        **decision,
        "date_matched": steps["matched"].isoformat(),
        "number_of_adopters": "2",
        "sex_of_adopters": "MF",
        "legal_status_of_adopters": "L11",
    }
    _form(w, child, manager, "adoption_decisions", "ADOPTION_DECISIONS", steps["matched"],
          matched)  # fmt: skip
    return cid


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


def _years_looked_after_twelve_months(child: Child, today: date) -> list[date]:
    """Each 31 March, up to today, by which the child had been looked after a year."""
    ends = child.left_care or today
    out = []
    day = date(child.entered.year + 1, 3, 31)
    while day <= min(today, ends):
        if (day - child.entered).days >= 365:
            out.append(day)
        day = date(day.year + 1, 3, 31)
    return out


def _health_answers(rng: random.Random) -> dict[str, Any]:
    misuse = rng.random() < 0.05
    answers: dict[str, Any] = {
        "sdq_done": "YES",
        "sdq_score": rng.randint(4, 24),
        "health_assessment": "YES" if rng.random() < 0.9 else "NO",
        "teeth_check": "YES" if rng.random() < 0.85 else "NO",
        "immunisations": "YES" if rng.random() < 0.9 else "NO",
        "health_check": "YES",
        "substance_misuse": "YES" if misuse else "NO",
        "convicted": "NO",
    }
    if misuse:
        answers["intervention_received"] = "YES"
    return answers


def _form(
    w: DemoWriter,
    child: Child,
    manager: UserAccount | None,
    template: str,
    kind: str,
    day: date,
    answers: dict[str, Any],
) -> None:
    fields: dict[str, Any] = {
        "kind": kind,
        "template_id": template,
        "template_version": 1,
        "answers": answers,
        "started_date": day.isoformat(),
        "approved_at": None,
        "approved_by": None,
        **signed(day, child.owner),
        "child_id": str(child.child_id),
        "household_id": None,
    }
    if manager is not None:
        fields.update(status="approved", approved_by=manager.username, approved_at=at(day, 17))
    w.write("assessment", fields, child.owner, child.subject)
