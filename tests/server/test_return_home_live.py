"""A child who went home (E4A) over the real service: the worker's laptop keeps the case (the
worker's pull still brings it, nothing is removed), and the manager's Team page shows the
support-after-return items the service works out from the same records."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from server.core.caller import Caller
from server.models import UserAccount, utcnow
from server.services import team
from server.services.accounts import find_user
from tests.server.conftest import LiveServer
from tests.server.helpers import new_child, upsert

TODAY = date(2026, 6, 10)
HOME = TODAY - timedelta(days=2)


def _caller(server: LiveServer, username: str) -> Caller:
    def read(session: Any) -> Caller:
        user: UserAccount = find_user(session, username=username)
        return Caller(user.id, user.username, user.display_name, user.role, user.team_id)

    return server.database.run_write(read)


def test_a_child_who_went_home_stays_in_scope_with_support_items(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    laptop = server.client(team_setup["worker0a"])
    child, _ = new_child(laptop, given_name="Evie", family_name="Whitfield")
    status = uuid.uuid4()
    ended = {
        "child_id": str(child),
        "code": "C2",
        "start_date": "2025-01-06",
        "end_date": HOME.isoformat(),
        "reason_ceased": "E4A",
    }
    results = laptop.push(upsert("legal_status", status, ended))
    assert all(r["status"] == "applied" for r in results), results

    pulled = server.client(team_setup["worker0a"]).pull_all()
    assert str(child) in pulled.records and str(status) in pulled.records
    assert str(child) not in pulled.removed

    manager = _caller(server, team_setup["manager0"])
    answer = server.database.run_write(
        lambda s: team.overview(s, caller=manager, today=TODAY, now=utcnow())
    )
    [evie] = [s for s in answer.subjects if s.subject_id == child]
    # First visit within a week of going home (RH2), due in five days: the first due.
    assert evie.next_due == HOME + timedelta(weeks=1)
    assert evie.next_item is not None and "support visit after return home" in evie.next_item
    assert evie.due_soon >= 2 and evie.overdue == 0  # RH1 support plan and RH2 first visit


def _status(
    child: uuid.UUID, code: str, start: date, end: date | None = None, why: str | None = None
) -> Any:
    fields = {
        "child_id": str(child),
        "code": code,
        "start_date": start.isoformat(),
        "end_date": end.isoformat() if end else None,
        "reason_ceased": why,
    }
    return upsert("legal_status", uuid.uuid4(), fields)


def test_the_manager_sees_which_children_came_back_into_care_within_a_year_of_going_home(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    """Worked by hand, on 10 June 2026 with the rule table's 12-month window: Kai went home
    on 2 Feb 2026 and came back on 4 May 2026, three months later (shown); Lola went home on
    1 Mar 2024 and came back on 1 Apr 2026, more than 12 months after (not a re-entry); Mo is
    still at home; another team's re-entered child is not in this manager's answer, and a
    worker is refused."""
    laptop = server.client(team_setup["worker0a"])
    kai, _ = new_child(laptop, given_name="Kai", family_name="Brennan")
    lola, _ = new_child(laptop, given_name="Lola", family_name="Fenwick")
    mo, _ = new_child(laptop, given_name="Mo", family_name="Adeyemi")
    went, back = date(2026, 2, 2), date(2026, 5, 4)
    results = laptop.push(
        _status(kai, "C2", date(2025, 1, 6), went, "E4A"),
        _status(kai, "V2", back),
        _status(lola, "V2", date(2023, 6, 1), date(2024, 3, 1), "E4A"),
        _status(lola, "C1", date(2026, 4, 1)),
        _status(mo, "C2", date(2025, 1, 6), HOME, "E4A"),
    )
    assert all(r["status"] == "applied" for r in results), results
    other = server.client(team_setup["worker1a"])
    hidden, _ = new_child(other, given_name="Hidden", family_name="Elsewhere")
    other.push(_status(hidden, "C2", date(2025, 1, 6), went, "E4A"), _status(hidden, "V2", back))

    manager = _caller(server, team_setup["manager0"])
    answer = server.database.run_write(
        lambda s: team.reentries(s, caller=manager, today=TODAY, now=utcnow())
    )
    assert (answer.window_months, answer.shown_months) == (12, 12)
    [kai_back] = answer.reentries
    assert (kai_back.subject_id, kai_back.name, kai_back.worker) == (
        kai,
        "Kai Brennan",
        team_setup["worker0a"],
    )
    assert (kai_back.returned_home, kai_back.came_back) == (went, back)

    # Over HTTP, only a manager, and the answer is their own team's.
    assert server.client(team_setup["worker0a"]).get("/v1/team/reentries").status_code == 403
    theirs = server.client(team_setup["manager1"]).get("/v1/team/reentries")
    assert theirs.status_code == 200, theirs.text
    assert [r["name"] for r in theirs.json()["reentries"]] == ["Hidden Elsewhere"]


def test_a_closed_case_leaves_the_team_page_and_has_no_items(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    laptop = server.client(team_setup["worker0a"])
    child, revision = new_child(laptop, given_name="Evie", family_name="Whitfield")
    laptop.push(_status(child, "C2", date(2025, 1, 6), HOME, "E4A"))
    manager = _caller(server, team_setup["manager0"])

    def shown() -> list[uuid.UUID]:
        answer = server.database.run_write(
            lambda s: team.overview(s, caller=manager, today=TODAY, now=utcnow())
        )
        return [s.subject_id for s in answer.subjects]

    assert child in shown()
    closed = laptop.push(upsert("child", child, {"case_open": False}, base_revision=revision))
    assert all(r["status"] == "applied" for r in closed), closed
    assert child not in shown()
