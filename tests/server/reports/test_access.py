"""Who may see the service's figures over HTTP: a manager their own team's, a performance
officer or a granted admin the service's or any team's, nobody else; every run audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from server.models import AuditEvent
from server.reports import access
from tests.server.conftest import LiveServer


def _runs(server: LiveServer, username: str) -> list[tuple[str, str]]:
    with server.database.read() as session:
        return [
            (event.outcome, event.detail)
            for event in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.actor == username, AuditEvent.action == access.RUN_ACTION)
                .order_by(AuditEvent.id)
            )
        ]


def test_who_sees_which_figures(server: LiveServer, team_setup: dict[str, Any]) -> None:
    people = team_setup
    team0, team1 = people["teams"]
    period = {"start": "2026-01-01", "end": "2026-06-30"}

    worker = server.client(people["worker0a"]).get("/v1/reports/figures", params=period)
    assert worker.status_code == 403
    assert worker.json()["code"] == "not_permitted"
    assert _runs(server, people["worker0a"]) == [
        ("denied", "kind=figures from=2026-01-01 to=2026-06-30")
    ]

    manager = server.client(people["manager0"])
    own = manager.get("/v1/reports/figures", params=period)
    assert own.status_code == 200, own.text
    body = own.json()
    assert (body["scope"], body["team"]) == ("team", team0)
    assert (body["period_start"], body["period_end"]) == ("2026-01-01", "2026-06-30")
    assert {row["measure"] for row in body["stability"]} == {
        "three_or_more_placements",
        "long_term_stability",
    }
    other = manager.get("/v1/reports/figures", params={**period, "team": team1})
    assert other.status_code == 403
    assert _runs(server, people["manager0"]) == [
        ("ok", f"kind=figures team={team0} from=2026-01-01 to=2026-06-30"),
        ("denied", "kind=figures from=2026-01-01 to=2026-06-30"),
    ]

    admin = server.client(people["admin"])
    assert admin.get("/v1/reports/figures", params=period).status_code == 403
    server.database.run_write(lambda s: access.grant(s, username=people["admin"], actor="test"))
    granted = admin.get("/v1/reports/figures", params=period)
    assert granted.status_code == 200
    assert (granted.json()["scope"], granted.json()["team"]) == ("service", None)
    narrowed = admin.get("/v1/reports/figures", params={**period, "team": team1})
    assert (narrowed.json()["scope"], narrowed.json()["team"]) == ("team", team1)
    server.database.run_write(lambda s: access.revoke(s, username=people["admin"], actor="test"))
    assert admin.get("/v1/reports/figures", params=period).status_code == 403

    officer = server.client(server.user("performance"))
    service = officer.get("/v1/reports/figures")
    assert service.status_code == 200
    assert service.json()["scope"] == "service"
    unknown = officer.get("/v1/reports/figures", params={"team": "no such team"})
    assert (unknown.status_code, unknown.json()["field"]) == (404, "team")


def test_a_period_that_ends_before_it_starts_is_refused_naming_the_field(
    server: LiveServer,
) -> None:
    officer = server.client(server.user("performance"))
    answer = officer.get("/v1/reports/figures", params={"start": "2026-05-01", "end": "2026-04-01"})
    assert answer.status_code == 422
    assert answer.json()["field"] == "start"
    assert officer.get("/v1/reports/figures", params={"end": "not a day"}).status_code == 422
    for edge in ({"end": "0001-01-01"}, {"start": "9999-12-30", "end": "9999-12-31"}):
        answer = officer.get("/v1/reports/figures", params=edge)
        assert (answer.status_code, answer.json()["field"]) == (422, "start"), edge


def test_only_an_admin_is_granted_reports_and_grants_are_audited(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    from server.services.accounts import AdminError

    admin, manager = team_setup["admin"], team_setup["manager0"]

    def run(fn: Any) -> None:
        server.database.run_write(fn)

    for username in (manager, server.user("performance")):
        with pytest.raises(AdminError, match="only an admin is granted reports"):
            run(lambda s, who=username: access.grant(s, username=who, actor="test"))
    run(lambda s: access.grant(s, username=admin, actor="cli:root"))
    with pytest.raises(AdminError, match="already holds"):
        run(lambda s: access.grant(s, username=admin, actor="cli:root"))
    run(lambda s: access.revoke(s, username=admin, actor="cli:root"))
    with server.database.read() as session:
        acts = [
            (event.action, event.detail)
            for event in session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.action.like("admin.reports.%"), AuditEvent.detail == f"user={admin}"
                )
                .order_by(AuditEvent.id)
            )
        ]
    assert acts == [
        ("admin.reports.grant", f"user={admin}"),
        ("admin.reports.revoke", f"user={admin}"),
    ]
