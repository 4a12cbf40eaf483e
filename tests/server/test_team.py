"""A team manager's figures and allocation: worked out by the service from its records, for the
manager's own team only, and allocation through the same path as the admin command."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from server.core.caller import Caller
from server.models import UserAccount, utcnow
from server.services import audit, team
from server.services.accounts import find_user
from tests.server.conftest import LiveServer
from tests.server.helpers import new_child, upsert, visit_fields

TODAY = date(2026, 6, 10)


def _action(child_id: uuid.UUID, description: str, due: date, done: date | None = None) -> Any:
    fields = {
        "description": description,
        "owner": "someone",
        "due_date": due.isoformat(),
        "completed_date": done.isoformat() if done else None,
        "source_type": None,
        "source_id": None,
        "child_id": str(child_id),
        "household_id": None,
    }
    return upsert("action", uuid.uuid4(), fields)


def _caller(server: LiveServer, username: str) -> Caller:
    def read(session: Any) -> Caller:
        user: UserAccount = find_user(session, username=username)
        return Caller(user.id, user.username, user.display_name, user.role, user.team_id)

    return server.database.run_write(read)


def test_the_overview_counts_each_workers_caseload(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    """Worked by hand: worker a holds one child who is not looked after (so no statutory items)
    with an action overdue (due yesterday), one due soon (in three days, within the rule
    table's 14 days), one far off and one done; and a draft visit. Worker b holds nothing.
    The other team's child is nowhere in the answer."""
    laptop_a = server.client(team_setup["worker0a"])
    other = server.client(team_setup["worker1a"])
    child, _ = new_child(laptop_a, given_name="Ruby", family_name="Okafor")
    hidden, _ = new_child(other, given_name="Hidden", family_name="Elsewhere")
    results = laptop_a.push(
        _action(child, "Overdue one", TODAY - timedelta(days=1)),
        _action(child, "Soon one", TODAY + timedelta(days=3)),
        _action(child, "Far one", TODAY + timedelta(days=60)),
        _action(child, "Done one", TODAY - timedelta(days=5), done=TODAY - timedelta(days=6)),
        upsert("visit", uuid.uuid4(), visit_fields(child)),
    )
    assert all(r["status"] == "applied" for r in results), results
    manager = _caller(server, team_setup["manager0"])

    def figures(days_later: int) -> Any:
        now = utcnow() + timedelta(days=days_later)
        return server.database.run_write(
            lambda s: team.overview(s, caller=manager, today=TODAY, now=now)
        )

    answer = figures(0)
    workers = {w.username: w for w in answer.workers}
    assert set(workers) == {team_setup[k] for k in ("manager0", "worker0a", "worker0b")}
    a, b = workers[team_setup["worker0a"]], workers[team_setup["worker0b"]]
    assert (a.children, a.households, a.overdue, a.due_soon, a.open_actions) == (1, 0, 1, 1, 3)
    assert a.old_drafts == 0  # the visit was started moments ago
    assert [laptop.name for laptop in a.laptops] == ["Test laptop"]
    assert a.laptops[0].last_contact is not None
    assert (b.children, b.overdue, b.due_soon, b.open_actions, b.laptops) == (0, 0, 0, 0, [])
    [ruby] = [s for s in answer.subjects if s.subject_id == child]
    assert (ruby.name, ruby.worker, ruby.overdue, ruby.due_soon) == (
        "Ruby Okafor",
        team_setup["worker0a"],
        1,
        1,
    )
    assert ruby.next_due == TODAY - timedelta(days=1) and "Overdue one" in (ruby.next_item or "")
    assert all(s.subject_id != hidden for s in answer.subjects)
    # Eight days on, the draft visit has waited more than a week.
    assert {w.username: w.old_drafts for w in figures(8).workers}[team_setup["worker0a"]] == 1


def test_only_a_manager_sees_only_their_own_team(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    worker = server.client(team_setup["worker0a"])
    child, _ = new_child(worker)
    assert worker.get("/v1/team/overview").status_code == 403
    assert server.client(team_setup["admin"]).get("/v1/team/overview").status_code == 403
    mine = server.client(team_setup["manager0"]).get("/v1/team/overview")
    assert mine.status_code == 200, mine.text
    assert str(child) in {s["subject_id"] for s in mine.json()["subjects"]}
    theirs = server.client(team_setup["manager1"]).get("/v1/team/overview")
    assert theirs.status_code == 200
    assert str(child) not in {s["subject_id"] for s in theirs.json()["subjects"]}
    assert team_setup["worker0a"] not in {w["username"] for w in theirs.json()["workers"]}


def test_a_manager_reallocates_a_child_within_the_team(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    """The new holder's laptop receives the child, the old one is told to remove it, the
    child's record names the new worker, and the move is audited under the manager's name.
    Another team's child looks missing; a worker outside the team is refused by name."""
    laptop_a = server.client(team_setup["worker0a"])
    laptop_b = server.client(team_setup["worker0b"])
    child, _ = new_child(laptop_a)
    other_child, _ = new_child(server.client(team_setup["worker1a"]))
    cursor_a = laptop_a.pull_all().cursor
    manager = server.client(team_setup["manager0"])

    def move(subject: uuid.UUID, worker: str, as_: Any = manager) -> Any:
        body = {"kind": "child", "subject_id": str(subject), "worker": worker}
        return as_.post("/v1/team/allocations", json=body)

    refused = move(child, team_setup["worker1a"])
    assert refused.status_code == 422 and refused.json()["field"] == "worker"
    assert move(other_child, team_setup["worker0b"]).status_code == 404
    assert move(child, team_setup["worker0b"], laptop_a).status_code == 403
    done = move(child, team_setup["worker0b"])
    assert done.status_code == 200, done.text
    assert done.json()["previous"] == team_setup["worker0a"]
    assert done.json()["worker"] == team_setup["worker0b"]
    arrived = laptop_b.pull_all().records[str(child)]
    assert arrived["fields"]["allocated_worker"] == team_setup["worker0b"]
    assert str(child) in laptop_a.pull_all(cursor_a).removed
    again = move(child, team_setup["worker0b"])
    assert again.status_code == 422 and "already" in again.json()["message"]

    events = server.database.run_write(
        lambda s: audit.query_events(s, actor=team_setup["manager0"], action="team.allocate")
    )
    assert [e.record_ids for e in events] == [[str(child)]]
