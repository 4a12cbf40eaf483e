"""Scope: who sees what (worker / manager / admin × own / other team), 404s, reallocation."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from server.models import AuditEvent
from tests.server.conftest import LiveServer
from tests.server.helpers import new_child, new_visit, upsert


def _visible(server: LiveServer, username: str) -> set[str]:
    return set(server.client(username).pull_all().records)


def test_scope_matrix(server: LiveServer, team_setup: dict[str, Any]) -> None:
    """Workers see their own cases, managers their team's, admins nothing unless allocated."""
    people = team_setup
    owned: dict[str, set[str]] = {}
    children: dict[str, uuid.UUID] = {}
    for key in ("worker0a", "worker0b", "worker1a"):
        laptop = server.client(people[key])
        child_id, _ = new_child(laptop)
        visit_id, _ = new_visit(laptop, child_id)
        owned[key] = {str(child_id), str(visit_id)}
        children[key] = child_id
    assert _visible(server, people["worker0a"]) == owned["worker0a"]
    assert _visible(server, people["worker0b"]) == owned["worker0b"]
    assert _visible(server, people["manager0"]) == owned["worker0a"] | owned["worker0b"]
    assert _visible(server, people["manager1"]) == owned["worker1a"]
    assert _visible(server, people["admin"]) == set()
    server.allocate("child", children["worker1a"], people["admin"])
    assert _visible(server, people["admin"]) == owned["worker1a"]


def test_guessing_another_workers_record_id_gets_404_and_is_audited(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    """Reading a record outside one's caseload answers 404 exactly like a missing record."""
    owner = server.client(team_setup["worker0a"])
    child_id, _ = new_child(owner)
    visit_id, base = new_visit(owner, child_id)
    assert owner.get(f"/v1/records/visit/{visit_id}").status_code == 200
    for other in ("worker0b", "worker1a", "manager1", "admin"):
        snoop = server.client(team_setup[other])
        theirs = snoop.get(f"/v1/records/visit/{visit_id}")
        missing = snoop.get(f"/v1/records/visit/{uuid.uuid4()}")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json()["code"] == missing.json()["code"] == "not_found"
    manager = server.client(team_setup["manager0"])
    assert manager.get(f"/v1/records/visit/{visit_id}").status_code == 200
    with server.database.read() as session:
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.actor == team_setup["worker1a"], AuditEvent.outcome == "denied"
            )
        ).all()
    assert any(str(visit_id) in event.record_ids for event in denied)


def test_writing_another_workers_record_is_refused_and_audited(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    """A push to someone else's record, or under their child, is rejected and audited."""
    owner = server.client(team_setup["worker0a"])
    child_id, _ = new_child(owner)
    visit_id, base = new_visit(owner, child_id)
    intruder = server.client(team_setup["worker1a"])
    edit, attach = intruder.push(
        upsert("visit", visit_id, {"observations": "x"}, base),
        upsert(
            "case_note",
            uuid.uuid4(),
            {
                "kind": "CASE_NOTE",
                "event_date": "2024-01-01",
                "subject": "s",
                "text": "t",
                "status": "draft",
                "child_id": str(child_id),
            },
        ),
    )
    assert edit["status"] == attach["status"] == "rejected"
    assert attach["field"] == "child_id"
    assert owner.get(f"/v1/records/visit/{visit_id}").json()["fields"]["observations"] == ""
    with server.database.read() as session:
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.actor == team_setup["worker1a"],
                AuditEvent.action == "record.write",
                AuditEvent.outcome == "denied",
            )
        ).all()
    assert {str(visit_id), str(child_id)} <= {i for event in denied for i in event.record_ids}


def test_reallocation_moves_the_whole_case(server: LiveServer, team_setup: dict[str, Any]) -> None:
    """After reallocation the old worker is told to purge every record of the child and the new
    worker receives all of them, including revisions older than its cursor."""
    old = server.client(team_setup["worker0a"])
    new = server.client(team_setup["worker1a"])
    child_id, _ = new_child(old)
    visits = {str(new_visit(old, child_id)[0]) for _ in range(3)}
    old_cursor = old.pull_all().cursor
    new_state = new.pull_all()
    # Something unrelated happens after the case's records were written.
    new_child(new)
    new_state = new.pull_all(new_state.cursor)
    server.allocate("child", child_id, team_setup["worker1a"])
    gone = old.pull_all(old_cursor)
    assert gone.removed == {r: "out_of_scope" for r in visits | {str(child_id)}}
    assert gone.records == {}
    arrived = new.pull_all(new_state.cursor)
    assert set(arrived.records) == visits | {str(child_id)}
    assert arrived.records[str(child_id)]["fields"]["allocated_worker"] == team_setup["worker1a"]
    # Managers follow too: the old team's manager loses the case, the new team's gains it.
    assert str(child_id) not in _visible(server, team_setup["manager0"])
    assert str(child_id) in _visible(server, team_setup["manager1"])
    [late] = old.push(upsert("visit", uuid.UUID(next(iter(visits))), {"observations": "x"}, 1))
    assert late["status"] == "rejected"
