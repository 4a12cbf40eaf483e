"""The fostering panel at the service: a manager sets its dates and books households onto
them, records the panel's recommendation and the agency decision maker's decision; what it
decides about an approval reaches the household's own record, which the assessing worker's
laptop pulls. Workers see every date but only their own households' items; everything else is
refused in words and audited."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from server.models import AuditEvent, utcnow
from tests.server.conftest import LiveServer
from tests.server.helpers import upsert
from tests.server.test_register import household_fields, push

TODAY = utcnow().date()


def applicant(**overrides: Any) -> dict[str, Any]:
    return household_fields(
        name="The Rivers household",
        approval_status="APPLICANT",
        approval_date=None,
        approval_terms="",
        age_range_min=None,
        age_range_max=None,
        max_children=None,
        approval_type=None,
        enquiry_date=(TODAY - timedelta(200)).isoformat(),
        initial_visit_date=(TODAY - timedelta(190)).isoformat(),
        application_date=(TODAY - timedelta(180)).isoformat(),
        stage1_completed=(TODAY - timedelta(120)).isoformat(),
        **overrides,
    )


def ok(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def meeting(client: Any, on: Any) -> str:
    made = str(uuid.uuid4())
    ok(client.post("/v1/panels", json={"meeting_id": made, "sits_on": on.isoformat()}))
    return made


def book(client: Any, meeting_id: str, household: uuid.UUID, kind: str = "APPROVAL") -> Any:
    return client.post(
        f"/v1/panels/{meeting_id}/items",
        json={"item_id": str(uuid.uuid4()), "household_id": str(household), "kind": kind},
    )


def fields_of(client: Any, record_id: uuid.UUID) -> dict[str, Any]:
    fields: dict[str, Any] = client.pull_all().records[str(record_id)]["fields"]
    return fields


def test_booked_recommended_and_approved_reaches_the_workers_household(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    worker = server.client(team_setup["worker0a"])
    other = server.client(team_setup["worker1a"])
    admin_of_panel = server.client(team_setup["manager1"])  # any team's manager
    household = push(worker, "carer_household", applicant())
    # The panel administrator books for the whole service: another team's applicant is offered
    # by name; a worker is offered none.
    offered = ok(admin_of_panel.get("/v1/panels"))["bookable"]
    assert [
        (h["name"], h["approval_status"]) for h in offered if h["household_id"] == str(household)
    ] == [("The Rivers household", "APPLICANT")]
    assert ok(worker.get("/v1/panels"))["bookable"] == []

    # A date three weeks on, the household booked for its approval: the worker's laptop pulls
    # the booked day on the household's record, and sees the item; another team's worker sees
    # the date only.
    later = meeting(admin_of_panel, TODAY + timedelta(21))
    item = ok(book(admin_of_panel, later, household))["items"][0]
    assert (item["household_name"], item["kind"]) == ("The Rivers household", "APPROVAL")
    assert item["supervising_worker"] == team_setup["worker0a"]
    assert fields_of(worker, household)["panel_booked_date"] == (TODAY + timedelta(21)).isoformat()
    seen = {m["meeting_id"]: m["items"] for m in ok(worker.get("/v1/panels"))["meetings"]}
    assert [i["household_id"] for i in seen[later]] == [str(household)]
    assert {m["meeting_id"]: m["items"] for m in ok(other.get("/v1/panels"))["meetings"]}[
        later
    ] == []
    # Booked twice for the same thing: refused.
    again = book(admin_of_panel, later, household)
    assert again.status_code == 409, again.text

    # The panel has not sat: no recommendation yet.
    refused = admin_of_panel.post(
        f"/v1/panel-items/{item['item_id']}/recommendation", json={"recommendation": "APPROVE"}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "recommendation"

    # Moved to a panel sitting today. The report (stage 2) is not recorded complete yet:
    # refused, naming the stage; once the worker's laptop pushes it, the recommendation goes on
    # the household's record with the panel's day.
    today = meeting(admin_of_panel, TODAY)
    item = ok(book(admin_of_panel, today, household))["items"][0]
    assert fields_of(worker, household)["panel_booked_date"] == TODAY.isoformat()
    url = f"/v1/panel-items/{item['item_id']}"
    early = admin_of_panel.post(f"{url}/recommendation", json={"recommendation": "APPROVE"})
    assert early.status_code == 422, early.text
    assert early.json()["field"] == "panel_date"
    assert "stage 2" in early.json()["message"].lower()
    current = worker.pull_all().records[str(household)]
    [result] = worker.push(
        upsert(
            "carer_household",
            household,
            {"stage2_completed": (TODAY - timedelta(20)).isoformat()},
            base_revision=current["revision"],
        )
    )
    assert result["status"] == "applied", result
    ok(
        admin_of_panel.post(
            f"{url}/recommendation",
            json={"recommendation": "APPROVE", "notes": "Unanimous; warm and well prepared."},
        )
    )
    fields = fields_of(worker, household)
    assert (fields["panel_date"], fields["panel_recommendation"]) == (TODAY.isoformat(), "APPROVE")
    assert fields["approval_status"] == "APPLICANT"

    # The decision needs its terms; with them the household is approved on them, and on the
    # carer register with two free places.
    bare = admin_of_panel.post(
        f"{url}/decision", json={"decision": "APPROVE", "decided_on": TODAY.isoformat()}
    )
    assert bare.status_code == 422 and bare.json()["field"] == "max_children"
    decided = ok(
        admin_of_panel.post(
            f"{url}/decision",
            json={
                "decision": "APPROVE",
                "decided_on": TODAY.isoformat(),
                "decided_by": "Dana Okoro, agency decision maker",
                "approval_type": "SHORT_TERM",
                "max_children": 2,
                "age_range_min": 0,
                "age_range_max": 10,
                "terms": "Two children aged 0 to 10",
            },
        )
    )["items"][0]
    assert (decided["decision"], decided["decided_by"]) == (
        "APPROVE",
        "Dana Okoro, agency decision maker",
    )
    fields = fields_of(worker, household)
    assert fields["approval_status"] == "APPROVED"
    assert (fields["approval_date"], fields["decision_date"]) == (TODAY.isoformat(),) * 2
    assert (fields["approval_type"], fields["max_children"], fields["age_range_max"]) == (
        "SHORT_TERM",
        2,
        10,
    )
    register = ok(worker.get("/v1/register"))["entries"]
    assert [e["vacancies"] for e in register if e["household_id"] == str(household)] == [2]
    # Decided once.
    twice = admin_of_panel.post(
        f"{url}/decision", json={"decision": "NOT_APPROVE", "decided_on": TODAY.isoformat()}
    )
    assert twice.status_code == 409


def test_only_managers_change_the_panel_and_admins_cannot_read_it(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    worker = server.client(team_setup["worker0a"])
    admin = server.client(team_setup["admin"])
    manager = server.client(team_setup["manager0"])
    household = push(worker, "carer_household", applicant())
    refused = worker.post(
        "/v1/panels", json={"meeting_id": str(uuid.uuid4()), "sits_on": TODAY.isoformat()}
    )
    assert refused.status_code == 403
    assert "manager" in refused.json()["message"]
    assert admin.get("/v1/panels").status_code == 403
    sitting = meeting(manager, TODAY + timedelta(7))
    assert book(worker, sitting, household).status_code == 403
    # An applicant cannot go for a first review; an unknown household is not found.
    wrong = book(manager, sitting, household, "FIRST_REVIEW")
    assert wrong.status_code == 422 and wrong.json()["field"] == "kind"
    assert book(manager, sitting, uuid.uuid4()).status_code == 404
    with server.database.read() as session:
        actions = session.execute(
            select(AuditEvent.action, AuditEvent.outcome).where(AuditEvent.action.like("panel.%"))
        ).all()
    assert ("panel.add_meeting", "refused") in actions
    assert ("panel.read", "refused") in actions
    assert ("panel.add_item", "refused") in actions
    assert ("panel.add_item", "invalid") in actions
    assert ("panel.add_meeting", "ok") in actions


def test_new_terms_agreed_after_panel_become_the_households_terms(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    """An approved household goes to panel for a change of terms (two children 0 to 10, to
    three 0 to 17); once the decision maker agrees, its record and the register carry them. A
    first review's outcome stays on the item: the household's terms are untouched by it."""
    worker = server.client(team_setup["worker0a"])
    manager = server.client(team_setup["manager0"])
    household = push(worker, "carer_household", household_fields())
    sitting = meeting(manager, TODAY)
    items = ok(book(manager, sitting, household, "CHANGE_OF_TERMS"))["items"]
    review = ok(book(manager, sitting, household, "FIRST_REVIEW"))["items"]
    [change] = [i for i in items if i["kind"] == "CHANGE_OF_TERMS"]
    [first] = [i for i in review if i["kind"] == "FIRST_REVIEW"]
    for item in (change, first):
        ok(
            manager.post(
                f"/v1/panel-items/{item['item_id']}/recommendation",
                json={"recommendation": "APPROVE"},
            )
        )
    ok(
        manager.post(
            f"/v1/panel-items/{first['item_id']}/decision",
            json={"decision": "APPROVE", "decided_on": TODAY.isoformat()},
        )
    )
    assert fields_of(worker, household)["max_children"] == 2
    ok(
        manager.post(
            f"/v1/panel-items/{change['item_id']}/decision",
            json={
                "decision": "APPROVE",
                "decided_on": TODAY.isoformat(),
                "approval_type": "LONG_TERM",
                "max_children": 3,
                "age_range_min": 0,
                "age_range_max": 17,
                "terms": "Three children of any age, long-term",
            },
        )
    )
    fields = fields_of(worker, household)
    assert (fields["approval_type"], fields["max_children"], fields["age_range_max"]) == (
        "LONG_TERM",
        3,
        17,
    )
    assert fields["approval_status"] == "APPROVED"
    assert fields["approval_date"] == "2025-01-10"  # the approval itself is not redated
    register = ok(worker.get("/v1/register"))["entries"]
    assert [e["vacancies"] for e in register if e["household_id"] == str(household)] == [3]
