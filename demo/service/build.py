"""A believable demonstration service: teams, workers, managers, ~200 children with histories,
and the carer households they live with.

Everything is written as wire-schema records through the same versioning as real pushes, so the
demo exercises pulls, scope and conflicts exactly as production data would. All events are in
the past (only the due dates of open actions are later). Passwords are random and returned once
for the CLI to print.

The work is split by what it writes: ``writer`` (the seeded writer every record goes
through), ``households`` (carers, their training, visits and annual reviews),
``records`` (children, their reviews and actions, assessments), ``returns`` (what the SSDA903
return needs) and ``showcase`` (the
demo laptop's worker's own cases, one of each stage of the permanency workflow, so ``make
run`` never opens on an empty tab). Everything written is what the laptop's validation accepts.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.service import courses, returns
from demo.service.households import STREETS, Household, random_plan, write_household
from demo.service.records import Child, review_actions, write_assessment, write_child
from demo.service.showcase import SHOWCASE_CHILDREN, showcase
from demo.service.writer import DemoWriter, age_on
from server.models import UserAccount
from server.services import accounts, audit
from server.services.records import WriteBatch

TEAMS = ("North Permanency", "South Permanency", "Fostering Support")
GIVEN = (
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Freya",
    "Grace",
    "Ruby",
    "Noah",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Muhammad",
    "Harry",
    "Oscar",
    "Jack",
    "Theo",
    "Zara",
    "Aisha",
    "Kacper",
    "Maja",
    "Tomasz",
    "Priya",
    "Ravi",
    "Chloe",
    "Kai",
    "Ellie",
)
FAMILY = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Khan",
    "Patel",
    "Ali",
    "Davies",
    "Hughes",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "Nowak",
    "Begum",
    "Clarke",
    "Okafor",
    "Mensah",
    "Murphy",
    "Kelly",
    "Hussain",
    "Green",
)


@dataclass
class DemoResult:
    passwords: dict[str, str] = field(default_factory=dict)
    children: int = 0
    households: int = 0
    records: int = 0


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(9)


def build_demo(
    session: Session, *, hasher: PasswordHasher, children: int = 200, seed: int = 1
) -> DemoResult:
    """Create the demo service; refuses if any account already exists."""
    if session.scalar(select(UserAccount.id).limit(1)) is not None:
        raise accounts.AdminError(
            "This database already has accounts; load the demo only into an empty one."
        )
    rng = random.Random(seed)  # noqa: S311 - demo content, not security
    result = DemoResult()
    workers: list[UserAccount] = []
    managers: dict[int | None, UserAccount] = {}

    def person(username: str, role: str, name: str, team: str | None) -> UserAccount:
        password = _password()
        result.passwords[username] = password
        return accounts.create_user(
            session,
            hasher=hasher,
            username=username,
            password=password,
            role=role,
            display_name=name,
            team_name=team,
            actor="demo",
        )

    person("admin", "admin", "Service Administrator", None)
    # Runs the whole service's figures and returns (server.reports.access).
    person("performance", "performance", "Performance Officer", None)
    for index, team in enumerate(TEAMS):
        accounts.create_team(session, name=team, actor="demo")
        manager = person(
            f"manager{index + 1}", "manager", f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", team
        )
        managers[manager.team_id] = manager
        for number in range(4):
            username = f"worker{index + 1}{number + 1}"
            workers.append(
                person(username, "worker", f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", team)
            )

    # Social Work England numbers (made up, in SWE's format) for the 903's SW_ID.
    for n, social_worker in enumerate([*managers.values(), *workers]):
        social_worker.swe_number = f"SW{610001 + n}"
    w = DemoWriter(session, WriteBatch(session), rng, datetime.now(UTC).date())
    # The fostering team supervises the carer households; the permanency teams hold children.
    supervisors = [x for x in workers if x.team_id == workers[-1].team_id]
    households = [
        write_household(
            w,
            rng.choice(supervisors),
            random_plan(w),
            family=rng.choice(FAMILY),
            address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}, Fennbridge",
        )
        for _ in range(max(10, children // 3))
    ]
    homes = [h for h in households if h.can_care]
    case_workers = [x for x in workers if x not in supervisors]
    # The showcase's children count towards ``children`` (a demo has at least those).
    made = [
        _random_child(
            w, case_workers[n] if n < len(case_workers) else rng.choice(case_workers), homes
        )
        for n in range(max(0, children - SHOWCASE_CHILDREN))
    ]
    _assessments(w, made, households, managers)
    foster_homes = [h for h in homes if h.plan.carer_type == "MAINSTREAM_FOSTER"] or homes
    made += showcase(w, workers[0], managers[workers[0].team_id], foster_homes)
    returns.write(w, made, managers, foster_homes[0] if foster_homes else None)
    courses.write(session, w.today)
    w.batch.finish()
    result.children = len(made)
    result.households = len(households)
    result.records = w.records
    audit.record_event(
        session,
        actor="demo",
        action="admin.demo",
        detail=f"children={result.children} households={result.households}",
    )
    return result


def _random_child(w: DemoWriter, owner: UserAccount, homes: list[Household]) -> Child:
    """A child in care for between four months and five years, usually in foster care: an
    interim order or s20 accommodation, often a full care order after it, then sometimes a
    placement order; reviews on time, and the actions agreed at the latest for some."""
    rng = w.rng
    entered = w.past(1800, 120)
    legal = [(rng.choice(("C1", "V2")), entered)]
    start = entered
    for code in ("C2", "E1"):
        start = start + timedelta(days=rng.randint(60, 500))
        if start > w.today - timedelta(days=30) or rng.random() < 0.4:
            break
        legal.append((code, start))
    # Placed with carers approved by then (one in ten in residential care instead).
    ready = [h for h in homes if (h.plan.approval_date or w.today) <= entered]
    household = rng.choice(ready) if ready and rng.random() < 0.9 else None
    in_care = (w.today - entered).days
    child = write_child(
        w,
        owner,
        family=rng.choice(FAMILY),
        born=entered - timedelta(days=rng.randint(30, 17 * 365 - in_care)),
        entered=entered,
        legal=legal,
        household=household,
        plan="ADOPTION" if legal[-1][0] == "E1" else None,
    )
    if w.chance(0.4):
        review_actions(w, child)
    return child


def _assessments(
    w: DemoWriter,
    children: list[Child],
    households: list[Household],
    managers: dict[int | None, UserAccount],
) -> None:
    """Assessments for a sample of every worker's children (one in eight of school age: an
    approved one, a draft, an older one on version 1 of the form), the special guardians'
    support plan and an applicant household's assessment summary."""
    school_age = [c for c in children if 5 <= age_on(c.born, w.today) <= 15]
    for n, child in enumerate(school_age[::8]):
        key = ("approved_asset_based", "draft_asset_based", "first_version_asset_based")[n % 3]
        if key == "first_version_asset_based" and (w.today - child.entered).days < 450:
            key = "draft_asset_based"
        approver = managers.get(child.owner.team_id)
        write_assessment(w, key, child.owner, child=child, approver=approver)
    guardians = [h for h in households if h.plan.carer_type == "SPECIAL_GUARDIAN"]
    if guardians:
        write_assessment(
            w, "special_guardians_support_plan", guardians[0].owner, household=guardians[0]
        )
    applicants = [h for h in households if h.plan.status == "APPLICANT"]
    if applicants:
        write_assessment(
            w, "applicant_household_summary", applicants[0].owner, household=applicants[0]
        )
