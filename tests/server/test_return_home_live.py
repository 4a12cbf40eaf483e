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
