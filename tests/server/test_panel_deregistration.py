"""A deregistration decided after the fostering panel: the approved household goes to panel,
and once the agency decision maker agrees, its approval ends on the day decided, for Ofsted's
reason, on its own record (so the worker's laptop pulls it, it leaves the register and the
fostering data collection counts it). Without a reason the service refuses, naming the field."""

from __future__ import annotations

from typing import Any

from tests.server.conftest import LiveServer
from tests.server.test_panels import TODAY, book, fields_of, meeting, ok
from tests.server.test_register import household_fields, push


def test_a_deregistration_agreed_after_panel_ends_the_approval_with_its_reason(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    worker = server.client(team_setup["worker0a"])
    manager = server.client(team_setup["manager0"])
    household = push(worker, "carer_household", household_fields())
    sitting = meeting(manager, TODAY)
    [item] = ok(book(manager, sitting, household, "DEREGISTRATION"))["items"]
    path = f"/v1/panel-items/{item['item_id']}"
    ok(manager.post(f"{path}/recommendation", json={"recommendation": "APPROVE"}))
    decision = {"decision": "APPROVE", "decided_on": TODAY.isoformat()}
    refused = manager.post(f"{path}/decision", json=decision)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "deregistration_reason"
    assert fields_of(worker, household)["approval_status"] == "APPROVED"  # nothing half-done

    ok(manager.post(f"{path}/decision", json={**decision, "deregistration_reason": "DR6"}))
    fields = fields_of(worker, household)
    assert (
        fields["approval_status"],
        fields["deregistered_date"],
        fields["deregistration_reason"],
    ) == ("ENDED", TODAY.isoformat(), "DR6")
    register = ok(worker.get("/v1/register"))["entries"]
    assert str(household) not in {e["household_id"] for e in register}
