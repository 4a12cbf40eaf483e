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

from server.models import UserAccount
from server.services.demo_writer import DemoWriter, age_on, at, signed

if TYPE_CHECKING:  # demo_records writes the fields made here
    from server.services.demo_records import Child

#: The local authority the demo's postcodes are in (give it to ``returns ssda903 --check``).
LA_CODE = "E06000014"
POSTCODES = (
    "YO32 3DJ", "YO31 0UJ", "YO10 4UX", "YO31 6BH", "YO30 1YD", "YO26 6BJ", "YO10 5JT",
    "YO26 5JE", "YO26 6NN", "YO32 9SW", "YO24 4DD", "YO32 5WQ", "YO23 1AX", "YO24 2YX",
    "YO26 5NR", "YO26 8JR", "YO26 5FG", "YO24 2ST", "YO19 6AF", "YO26 5BY", "YO24 1BB",
    "YO10 3BW", "YO23 2SZ", "YO23 1AH", "YO30 5TR", "YO30 6BY",
)  # fmt: skip
#: The Ofsted URN of the demo council's own fostering service (every foster placement's URN).
FOSTERING_URN = "SC055123"
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


def write(w: DemoWriter, children: list[Child], managers: dict[int | None, UserAccount]) -> None:
    """Each child's yearly health and outcomes forms; for children under a placement order, the
    decision that they should be placed for adoption; for some teenagers, a day or two missing
    or away from their placement. Signed off by the worker and approved by the team's manager,
    as the service's practice is."""
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
