"""The carer register, worked out by the service from its records: each approved household's
terms, the children placed there now and its free places, for the service's workers and
managers in any team; read online, every read audited."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from server.models import AuditEvent, utcnow
from sync.protocol.records import RECORD_FIELDS
from tests.server.conftest import LiveServer
from tests.server.helpers import new_child, upsert

TODAY = utcnow().date()


def household_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "The Adeyemi household",
        "carer_type": "MAINSTREAM_FOSTER",
        "approval_status": "APPROVED",
        "approval_date": "2025-01-10",
        "approval_terms": "Up to two children aged 0 to 10, short-term.",
        "age_range_min": 0,
        "age_range_max": 10,
        "max_children": 2,
        "approval_type": "SHORT_TERM",
        "address": "1 High Street",
        "supervising_worker": "ignored",
    }
    fields.update(overrides)
    # Fields the household gains later (the recruitment pipeline's) are left empty: the
    # register reads only its terms.
    for name, kind in RECORD_FIELDS["carer_household"].items():
        fields.setdefault(name, "" if kind == "str" else None)
    return fields


def placement_fields(
    child_id: uuid.UUID, household_id: uuid.UUID, start: date, end: date | None = None
) -> dict[str, Any]:
    return {
        "child_id": str(child_id),
        "household_id": str(household_id),
        "placement_type": "U1",
        "provider": "PR1",
        "start_date": start.isoformat(),
        "end_date": end.isoformat() if end else None,
        "reason_changed": "E1" if end else None,
        "long_term_designated": False,
        "intended_until_18": False,
        "child_agrees_less_frequent_visits": False,
        "before_assessment_complete": False,
        "placement_plan_date": None,
        "postcode": None,
        "urn": None,
    }


def push(client: Any, record_type: str, fields: dict[str, Any]) -> uuid.UUID:
    record_id = uuid.uuid4()
    [result] = client.push(upsert(record_type, record_id, fields))
    assert result["status"] == "applied", str(result)
    return record_id


def _entry(client: Any, household: uuid.UUID, **params: Any) -> dict[str, Any] | None:
    answer = client.get("/v1/register", params=params)
    assert answer.status_code == 200, answer.text
    found = [e for e in answer.json()["entries"] if e["household_id"] == str(household)]
    return found[0] if found else None


def test_a_household_with_two_places_and_one_child_placed_has_one_vacancy(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    """Worked by hand: the Adeyemi household is approved for two children aged 0 to 10. One
    child (born seven years ago) is placed there now, one placement ended yesterday and one
    starts next week: 2 - 1 = 1 free place, and it shows the placed child as aged 7. Placing
    another child today takes the last place: 2 - 2 = 0. A household still being assessed is
    not on the register. A worker of another team reads the same answer."""
    supervising = server.client(team_setup["worker0a"])
    childs_worker = server.client(team_setup["worker1a"])
    household = push(supervising, "carer_household", household_fields())
    applicant = push(supervising, "carer_household", household_fields(approval_status="APPLICANT"))
    born = date(TODAY.year - 7, 1, 1)  # seven on 1 January this year
    placed, _ = new_child(childs_worker, date_of_birth=born.isoformat())
    left, _ = new_child(childs_worker)
    coming, _ = new_child(childs_worker)
    push(childs_worker, "placement", placement_fields(placed, household, TODAY - timedelta(30)))
    push(
        childs_worker,
        "placement",
        placement_fields(left, household, TODAY - timedelta(90), TODAY - timedelta(1)),
    )
    push(childs_worker, "placement", placement_fields(coming, household, TODAY + timedelta(7)))

    entry = _entry(childs_worker, household)
    assert entry is not None
    assert (entry["max_children"], entry["placed_ages"], entry["vacancies"]) == (2, [7], 1)
    assert (entry["approval_type"], entry["age_range_min"], entry["age_range_max"]) == (
        "SHORT_TERM",
        0,
        10,
    )
    assert entry["supervising_worker"] == team_setup["worker0a"]
    assert entry["supervising_worker_name"] == team_setup["worker0a"].title()
    assert "address" not in entry  # the register carries no address
    assert _entry(childs_worker, applicant) is None

    # The search: a child of 10 fits, 11 does not; short-term fits, long-term does not.
    assert _entry(childs_worker, household, age=10, approval_type="SHORT_TERM", vacant_only=True)
    assert _entry(childs_worker, household, age=11) is None
    assert _entry(childs_worker, household, approval_type="LONG_TERM") is None

    second, _ = new_child(childs_worker)
    push(childs_worker, "placement", placement_fields(second, household, TODAY))
    entry = _entry(server.client(team_setup["manager0"]), household)
    assert entry is not None and (len(entry["placed_ages"]), entry["vacancies"]) == (2, 0)
    assert _entry(childs_worker, household, vacant_only=True) is None


def test_only_workers_and_managers_read_the_register_and_each_read_is_audited(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    worker = server.client(team_setup["worker1b"])
    household = push(server.client(team_setup["worker0b"]), "carer_household", household_fields())
    assert _entry(worker, household) is not None
    refused = server.client(team_setup["admin"]).get("/v1/register")
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "register_refused"
    bad = worker.get("/v1/register", params={"approval_type": "NOT_A_TYPE"})
    assert bad.status_code == 422 and bad.json()["field"] == "approval_type", bad.text
    assert worker.get("/v1/register", params={"age": -1}).status_code == 422

    reads = server.database.run_write(
        lambda session: [
            (e.actor, e.outcome, e.detail, list(e.record_ids))
            for e in session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "register.read",
                    AuditEvent.actor.in_([team_setup["worker1b"], team_setup["admin"]]),
                )
            )
        ]
    )
    assert {(actor, outcome) for actor, outcome, _d, _r in reads} == {
        (team_setup["worker1b"], "ok"),
        (team_setup["worker1b"], "invalid"),
        (team_setup["admin"], "refused"),
    }
    [shown] = [r for actor, outcome, _d, r in reads if outcome == "ok"]
    assert str(household) in shown
