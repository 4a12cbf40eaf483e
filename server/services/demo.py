"""A believable demonstration service: teams, workers, managers, ~200 children with histories.

Everything is written as wire-schema records through the same versioning as real pushes, so the
demo exercises pulls, scope and conflicts exactly as production data would. All dates are in
the past. Passwords are random and returned once for the CLI to print.
"""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Allocation, UserAccount
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
LEGAL = ("C1", "C2", "E1", "V2", "D1")
PLACEMENT = ("U1", "U3", "U4", "U6", "A5", "R1", "K2")
PLANS = ("LONG_TERM_FOSTERING", "ADOPTION", "RETURN_HOME", "SPECIAL_GUARDIANSHIP", "KINSHIP")
NEED = ("N1", "N1", "N1", "N2", "N4", "N5", "N8")
CARER_TYPES = ("MAINSTREAM_FOSTER", "CONNECTED_PERSON", "ADOPTER", "SPECIAL_GUARDIAN")
STREETS = ("Mill Lane", "Church Road", "Station Road", "Park Avenue", "Victoria Street")


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
    today = datetime.now(UTC).date()
    result = DemoResult()
    workers: list[UserAccount] = []

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
    for index, team in enumerate(TEAMS):
        accounts.create_team(session, name=team, actor="demo")
        person(f"manager{index + 1}", "manager", f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", team)
        for number in range(4):
            username = f"worker{index + 1}{number + 1}"
            workers.append(
                person(username, "worker", f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", team)
            )

    batch = WriteBatch(session)

    def write(
        record_type: str,
        fields: dict[str, Any],
        owner: UserAccount,
        subject: tuple[str, uuid.UUID],
        record_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        rid = record_id or uuid.UUID(int=rng.getrandbits(128), version=4)
        record = batch.new_record(
            record_type=record_type, record_id=rid, subject=subject, author=owner.username
        )
        batch.write(record=record, changes=fields, author=owner.username, device_id=None)
        result.records += 1
        return rid

    def allocate(subject: tuple[str, uuid.UUID], owner: UserAccount) -> None:
        session.add(
            Allocation(
                subject_type=subject[0],
                subject_id=subject[1],
                worker_id=owner.id,
                allocated_by="demo",
            )
        )
        batch.scope_event(
            subject_type=subject[0],
            subject_id=subject[1],
            from_worker_id=None,
            to_worker_id=owner.id,
            from_team_id=None,
            to_team_id=owner.team_id,
        )

    def past(days_max: int, days_min: int = 1) -> date:
        return today - timedelta(days=rng.randint(days_min, days_max))

    def signed(moment: date, who: UserAccount) -> dict[str, Any]:
        at = datetime(moment.year, moment.month, moment.day, 16, 30, tzinfo=UTC).isoformat()
        return {"status": "finalised", "finalised_at": at, "finalised_by": who.username}

    households: list[tuple[uuid.UUID, UserAccount]] = []
    supervisors = [w for w in workers if w.team_id == workers[-1].team_id]
    for _ in range(max(10, children // 3)):
        owner = rng.choice(supervisors)
        hid = uuid.UUID(int=rng.getrandbits(128), version=4)
        subject = ("carer_household", hid)
        allocate(subject, owner)
        family = rng.choice(FAMILY)
        approved = past(2000, 60)
        write(
            "carer_household",
            {
                "name": f"{family} household",
                "carer_type": rng.choice(CARER_TYPES),
                "approval_status": "APPROVED",
                "approval_date": approved.isoformat(),
                "temporary_approval_date": None,
                "temporary_extension_until": None,
                "approval_terms": "Up to two children aged 0-17",
                "age_range_min": 0,
                "age_range_max": 17,
                "max_children": rng.randint(1, 3),
                "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                "supervising_worker": owner.username,
            },
            owner,
            subject,
            hid,
        )
        for _carer in range(rng.randint(1, 2)):
            carer = write(
                "carer",
                {
                    "household_id": str(hid),
                    "given_name": rng.choice(GIVEN),
                    "family_name": family,
                    "date_of_birth": (today - timedelta(days=rng.randint(9000, 22000))).isoformat(),
                    "relationship_to_child": "Foster carer",
                },
                owner,
                subject,
            )
            write(
                "training_record",
                {
                    "household_id": str(hid),
                    "carer_id": str(carer),
                    "kind": "TSD",
                    "title": "Training, Support and Development standards",
                    "completed_date": past(700, 30).isoformat(),
                    "notes": "",
                },
                owner,
                subject,
            )
        households.append((hid, owner))
        result.households += 1

    case_workers = [w for w in workers if w not in supervisors]
    for _ in range(children):
        owner = rng.choice(case_workers)
        cid = uuid.UUID(int=rng.getrandbits(128), version=4)
        subject = ("child", cid)
        allocate(subject, owner)
        entered = past(1800, 120)
        birth = entered - timedelta(days=rng.randint(30, 5000))
        write(
            "child",
            {
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY),
                "preferred_name": None,
                "date_of_birth": birth.isoformat(),
                "sex": rng.choice(("1", "2")),
                "ethnicity": None,
                "upn": None,
                "category_of_need": rng.choice(NEED),
                "allocated_worker": owner.username,
                "case_open": True,
                "about_me": "Likes football and drawing; wants to stay at school.",
            },
            owner,
            subject,
            cid,
        )
        start = entered
        for step in range(rng.randint(1, 3)):
            end = None if step == 2 else min(today, start + timedelta(days=rng.randint(60, 500)))
            if end is not None and end >= today:
                end = None
            write(
                "legal_status",
                {
                    "child_id": str(cid),
                    "code": LEGAL[min(step, len(LEGAL) - 1)] if step else rng.choice(("C1", "V2")),
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat() if end else None,
                    "reason_ceased": None,
                },
                owner,
                subject,
            )
            if end is None:
                break
            start = end
        household, _supervisor = rng.choice(households)
        write(
            "placement",
            {
                "child_id": str(cid),
                "household_id": str(household),
                "placement_type": rng.choice(PLACEMENT),
                "provider": "PR1",
                "start_date": entered.isoformat(),
                "end_date": None,
                "reason_changed": None,
                "long_term_designated": rng.random() < 0.3,
                "intended_until_18": rng.random() < 0.3,
                "child_agrees_less_frequent_visits": False,
                "before_assessment_complete": False,
                "placement_plan_date": entered.isoformat(),
            },
            owner,
            subject,
        )
        plan_day = past(200, 20)
        write(
            "care_plan",
            {
                "child_id": str(cid),
                "plan_date": plan_day.isoformat(),
                "permanence_plan": rng.choice(PLANS),
                "iro_name": "Independent Reviewing Officer",
                "summary": "Plan agreed at review.",
                **signed(plan_day, owner),
            },
            owner,
            subject,
        )
        for visit_day in sorted(past(400, 3) for _ in range(rng.randint(4, 12))):
            write(
                "visit",
                {
                    "visit_type": "STATUTORY_CHILD",
                    "visit_date": visit_day.isoformat(),
                    "who_was_seen": "Child and carers",
                    "seen_alone": True,
                    "not_seen_alone_reason": None,
                    "wishes_and_feelings": "Says they are happy where they live.",
                    "observations": "Warm relationship with carers.",
                    "actions_agreed": "None.",
                    "welfare_concern": False,
                    **signed(visit_day, owner),
                    "child_id": str(cid),
                    "household_id": None,
                },
                owner,
                subject,
            )
        for review_day in sorted(past(500, 10) for _ in range(rng.randint(1, 3))):
            write(
                "review",
                {
                    "kind": "CHILD_LAC",
                    "review_date": review_day.isoformat(),
                    "chair": "IRO",
                    "attendees": "Child, carers, social worker",
                    "participation": "PN1",
                    "decisions": "Placement to continue.",
                    "visit_interval_weeks": 6,
                    **signed(review_day, owner),
                    "child_id": str(cid),
                    "household_id": None,
                },
                owner,
                subject,
            )
        note_day = past(60)
        write(
            "case_note",
            {
                "kind": "CASE_NOTE",
                "event_date": note_day.isoformat(),
                "subject": "Phone call",
                "text": "Carer called to update on school.",
                "status": "draft",
                "finalised_at": None,
                "finalised_by": None,
                "child_id": str(cid),
                "household_id": None,
            },
            owner,
            subject,
        )
        write(
            "action",
            {
                "description": "Arrange next review",
                "owner": owner.username,
                "due_date": (today - timedelta(days=rng.randint(0, 20))).isoformat(),
                "completed_date": None,
                "source_type": None,
                "source_id": None,
                "child_id": str(cid),
                "household_id": None,
            },
            owner,
            subject,
        )
        result.children += 1
    batch.finish()
    audit.record_event(
        session,
        actor="demo",
        action="admin.demo",
        detail=f"children={result.children} households={result.households}",
    )
    return result
