"""A small generated service whose figures are worked out by hand in the tests.

Every record is written through ``WriteBatch``, the path a laptop's push takes, into a fresh
database. Two teams: Alpha (workers Ann and Bob, manager Mia) and Beta (worker Cat); a
performance officer, Pat. The children and households below are described where they are
made; the expected figures, and the arithmetic behind each, are in the tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.core.config import Settings
from server.core.security import password_hasher
from server.models import Allocation, ScopeEvent, UserAccount
from server.services import accounts
from server.services.records import WriteBatch

PASSWORD = "long enough password"
CHILD, HOUSEHOLD = "child", "carer_household"


@dataclass
class Built:
    children: dict[str, uuid.UUID] = field(default_factory=dict)
    households: dict[str, uuid.UUID] = field(default_factory=dict)


class _Writer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.batch = WriteBatch(session)
        self.users = {u.username: u for u in session.scalars(select(UserAccount))}

    def record(
        self, record_type: str, subject: tuple[str, uuid.UUID], fields: dict[str, Any]
    ) -> uuid.UUID:
        record_id = subject[1] if record_type in (CHILD, HOUSEHOLD) else uuid.uuid4()
        state = self.batch.new_record(
            record_type=record_type, record_id=record_id, subject=subject, author="builder"
        )
        self.batch.write(record=state, changes=fields, author="builder", device_id=None)
        return record_id

    def allocate(self, subject: tuple[str, uuid.UUID], username: str) -> None:
        user = self.users[username]
        found = self.session.get(Allocation, subject)
        previous = self.session.get(UserAccount, found.worker_id) if found else None
        if found is None:
            self.session.add(
                Allocation(
                    subject_type=subject[0],
                    subject_id=subject[1],
                    worker_id=user.id,
                    allocated_by="builder",
                )
            )
            self.session.flush()
        else:
            found.worker_id = user.id
        self.batch.scope_event(
            subject_type=subject[0],
            subject_id=subject[1],
            from_worker_id=previous.id if previous else None,
            to_worker_id=user.id,
            from_team_id=previous.team_id if previous else None,
            to_team_id=user.team_id,
        )


def accounts_for(session: Session, settings: Settings) -> None:
    hasher = password_hasher(settings)
    for name in ("Alpha", "Beta"):
        accounts.create_team(session, name=name, actor="builder")
    people: list[tuple[str, str, str | None, str]] = [
        ("ann", "worker", "Alpha", "Ann Able"),
        ("bob", "worker", "Alpha", "Bob Baker"),
        ("cat", "worker", "Beta", "Cat Cole"),
        ("mia", "manager", "Alpha", "Mia Moss"),
        ("pat", "performance", None, "Pat Page"),
    ]
    for username, role, team, display in people:
        accounts.create_user(
            session,
            hasher=hasher,
            username=username,
            password=PASSWORD,
            role=role,
            display_name=display,
            team_name=team,
            actor="builder",
        )


def _d(text: str) -> str:
    return date.fromisoformat(text).isoformat()


def _child(w: _Writer, born: str, worker: str) -> tuple[str, uuid.UUID]:
    subject = (CHILD, uuid.uuid4())
    w.record(
        CHILD,
        subject,
        {
            "given_name": "Test",
            "family_name": "Child",
            "date_of_birth": _d(born),
            "sex": "F",
            "allocated_worker": worker,
            "case_open": True,
            "about_me": "",
        },
    )
    w.allocate(subject, worker)
    return subject


def _status(
    w: _Writer, child: tuple[str, uuid.UUID], code: str, start: str, end: str | None = None,
    reason: str | None = None,
) -> None:  # fmt: skip
    w.record(
        "legal_status",
        child,
        {
            "child_id": str(child[1]),
            "code": code,
            "start_date": _d(start),
            "end_date": _d(end) if end else None,
            "reason_ceased": reason,
        },
    )


def _placement(
    w: _Writer,
    child: tuple[str, uuid.UUID],
    kind: str,
    start: str,
    end: str | None = None,
    *,
    provider: str | None = "PR1",
    household: uuid.UUID | None = None,
    until_18: bool = False,
) -> None:
    w.record(
        "placement",
        child,
        {
            "child_id": str(child[1]),
            "household_id": str(household) if household else None,
            "placement_type": kind,
            "provider": provider,
            "start_date": _d(start),
            "end_date": _d(end) if end else None,
            "reason_changed": None,
            "long_term_designated": False,
            "intended_until_18": until_18,
            "child_agrees_less_frequent_visits": False,
            "before_assessment_complete": False,
            "placement_plan_date": _d(start),
        },
    )


def _signed(on: str) -> dict[str, Any]:
    return {
        "status": "finalised",
        "finalised_at": datetime.fromisoformat(on).replace(hour=17, tzinfo=UTC).isoformat(),
        "finalised_by": "builder",
    }


def _visit(
    w: _Writer, subject: tuple[str, uuid.UUID], on: str, kind: str = "STATUTORY_CHILD",
    *, signed: bool = True,
) -> None:  # fmt: skip
    w.record(
        "visit",
        subject,
        {
            "visit_type": kind,
            "visit_date": _d(on),
            "who_was_seen": "",
            "seen_alone": True,
            "wishes_and_feelings": "",
            "observations": "",
            "actions_agreed": "",
            "welfare_concern": False,
            **(_signed(on) if signed else {"status": "draft"}),
            "child_id": str(subject[1]) if subject[0] == CHILD else None,
            "household_id": str(subject[1]) if subject[0] == HOUSEHOLD else None,
        },
    )


def _review(w: _Writer, subject: tuple[str, uuid.UUID], kind: str, on: str) -> None:
    w.record(
        "review",
        subject,
        {
            "kind": kind,
            "review_date": _d(on),
            "chair": "",
            "attendees": "",
            "decisions": "",
            "visit_interval_weeks": None,
            **_signed(on),
            "child_id": str(subject[1]) if subject[0] == CHILD else None,
            "household_id": str(subject[1]) if subject[0] == HOUSEHOLD else None,
        },
    )


def _care_plan(w: _Writer, child: tuple[str, uuid.UUID], on: str, plan: str) -> None:
    w.record(
        "care_plan",
        child,
        {
            "child_id": str(child[1]),
            "plan_date": _d(on),
            "permanence_plan": plan,
            "iro_name": "",
            "summary": "",
            **_signed(on),
        },
    )


def _household(w: _Writer, worker: str, carer_type: str, approved: str) -> tuple[str, uuid.UUID]:
    subject = (HOUSEHOLD, uuid.uuid4())
    w.record(
        HOUSEHOLD,
        subject,
        {
            "name": "Test household",
            "carer_type": carer_type,
            "approval_status": "APPROVED",
            "approval_date": _d(approved),
            "temporary_approval_date": None,
            "temporary_extension_until": None,
            "approval_terms": "",
            "address": "",
            "supervising_worker": worker,
        },
    )
    w.allocate(subject, worker)
    return subject


def build(session: Session) -> Built:
    w = _Writer(session)
    out = Built()

    # Households. HH1 (Ann): mainstream, approved 2025-02-01: first review 2026-01-20, TSD
    # 2026-02-10, unannounced visit 2026-01-15. HH2 (Cat): connected person, approved
    # 2024-09-01: first review 2025-08-20, no TSD, never visited unannounced.
    hh1 = _household(w, "ann", "MAINSTREAM_FOSTER", "2025-02-01")
    _review(w, hh1, "CARER_ANNUAL", "2026-01-20")
    w.record(
        "training_record",
        hh1,
        {
            "household_id": str(hh1[1]),
            "kind": "TSD",
            "title": "TSD",
            "completed_date": "2026-02-10",
            "notes": "",
        },
    )
    _visit(w, hh1, "2026-01-15", "UNANNOUNCED")
    hh2 = _household(w, "cat", "CONNECTED_PERSON", "2024-09-01")
    _review(w, hh2, "CARER_ANNUAL", "2025-08-20")
    out.households.update(HH1=hh1[1], HH2=hh2[1])

    # A (Ann): care order since 2025-01-06, own foster carers (U4) since then.
    a = _child(w, "2016-05-01", "ann")
    _status(w, a, "C2", "2025-01-06")
    _placement(w, a, "U4", "2025-01-06")
    for on in ("2025-12-01", "2026-01-10", "2026-03-01", "2026-04-01"):
        _visit(w, a, on)
    _visit(w, a, "2026-05-20", signed=False)  # a draft: not a visit yet
    for on in ("2025-01-30", "2025-04-28", "2025-10-20", "2026-04-10"):
        _review(w, a, "CHILD_LAC", on)

    # B (Bob): accommodated (s20) from 2026-02-02, agency foster carers (U6, PR4), two short
    # temporary moves in the spring.
    b = _child(w, "2018-07-07", "bob")
    _status(w, b, "V2", "2026-02-02")
    _placement(w, b, "U6", "2026-02-02", provider="PR4")
    _placement(w, b, "T2", "2026-04-10", "2026-04-12", provider=None)
    _placement(w, b, "T4", "2026-05-01", "2026-05-02", provider=None)
    for on in ("2026-02-06", "2026-03-30"):
        _visit(w, b, on)
    for on in ("2026-02-27", "2026-06-05"):
        _review(w, b, "CHILD_LAC", on)

    # C: care order since 2023-06-01, with the same own foster carers (HH6) since 2024-01-01,
    # intended to last until 18. Held by Ann (Alpha) until 2026-03-15, then by Cat (Beta).
    c = _child(w, "2014-05-01", "ann")
    hh6 = uuid.uuid4()
    _status(w, c, "C2", "2023-06-01")
    _placement(w, c, "U4", "2024-01-01", household=hh6, until_18=True)
    for on in ("2025-12-15", "2026-03-10", "2026-06-20"):
        _visit(w, c, on)
    for on in ("2023-06-20", "2023-09-15", "2025-12-20", "2026-06-10"):
        _review(w, c, "CHILD_LAC", on)
    w.allocate(c, "cat")

    # H (Cat): accommodated since 2025-09-01; foster carers, a children's home, then agency
    # carers (HH2) from 2026-04-01; nothing recorded since.
    h = _child(w, "2011-01-15", "cat")
    _status(w, h, "V2", "2025-09-01")
    _placement(w, h, "U6", "2025-09-01", "2025-10-31", household=uuid.uuid4())
    _placement(w, h, "R1", "2025-11-01", "2026-03-31", provider=None)
    _placement(w, h, "U6", "2026-04-01", provider="PR4", household=hh2[1])

    # I (Bob): care order since 2022-01-01; new own foster carers (HH7) from 2025-01-01.
    i = _child(w, "2012-03-01", "bob")
    hh7 = uuid.uuid4()
    _status(w, i, "C2", "2022-01-01")
    _placement(w, i, "U6", "2022-01-05", "2024-12-31", household=uuid.uuid4())
    _placement(w, i, "U4", "2025-01-01", household=hh7)
    for on in ("2025-12-20", "2026-01-30", "2026-03-13", "2026-04-24", "2026-06-05"):
        _visit(w, i, on)
    for on in ("2022-01-20", "2022-04-10", "2025-08-15", "2026-02-01"):
        _review(w, i, "CHILD_LAC", on)

    # D (Ann): adopted by the foster carers (HH1) she had lived with since 2023-03-05.
    d = _child(w, "2020-01-01", "ann")
    _status(w, d, "C2", "2023-03-01", "2024-02-29", "X1")
    _status(w, d, "E1", "2024-03-01", "2025-11-14", "E11")
    _status(w, d, "AO", "2025-11-15")
    _placement(w, d, "U6", "2023-03-05", "2025-03-31", household=hh1[1])
    _placement(w, d, "A5", "2025-04-01", "2025-11-14", household=hh1[1])
    _care_plan(w, d, "2023-09-01", "ADOPTION")
    for on in ("2025-04-25", "2025-07-20", "2025-11-10"):
        _review(w, d, "ADOPTION_PLACEMENT", on)

    # E (Cat): adopted by new adopters (A6), no placement order recorded.
    e = _child(w, "2021-02-02", "cat")
    _status(w, e, "C2", "2024-06-01", "2025-12-01", "E12")
    _placement(w, e, "U6", "2024-06-03", "2025-08-31", household=uuid.uuid4())
    _placement(w, e, "A6", "2025-09-01", "2025-12-01", household=uuid.uuid4())
    _care_plan(w, e, "2025-01-15", "ADOPTION")

    # F (Bob): special guardianship to the kinship foster carers she lived with (E45).
    f = _child(w, "2015-09-09", "bob")
    _status(w, f, "V2", "2024-10-01", "2025-10-31", "E45")
    _status(w, f, "SGO", "2025-11-01")
    _placement(w, f, "U3", "2024-10-01", "2025-10-31", household=uuid.uuid4())
    _care_plan(w, f, "2025-03-01", "SPECIAL_GUARDIANSHIP")
    _review(w, f, "SGO_SUPPORT", "2026-05-01")

    # G (Cat): special guardianship to relatives she had not lived with (E47); no decision
    # recorded in a care plan.
    g = _child(w, "2017-04-04", "cat")
    _status(w, g, "C2", "2025-01-10", "2025-09-30", "E47")
    _placement(w, g, "U6", "2025-01-10", "2025-09-30", household=uuid.uuid4())

    w.batch.finish()
    session.flush()
    # C moved from Ann to Cat on 2026-03-15; every other allocation is as first made.
    moves = session.scalars(
        select(ScopeEvent.id).where(ScopeEvent.subject_id == c[1]).order_by(ScopeEvent.revision)
    ).all()
    for event_id, at in zip(moves, ("2023-06-01", "2026-03-15"), strict=True):
        session.execute(
            update(ScopeEvent)
            .where(ScopeEvent.id == event_id)
            .values(at=datetime.fromisoformat(at).replace(hour=12, tzinfo=UTC))
        )
    out.children.update(A=a[1], B=b[1], C=c[1], H=h[1], I=i[1], D=d[1], E=e[1], F=f[1], G=g[1])
    return out
