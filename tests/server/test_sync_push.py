"""Push: applied, merged, conflicts, rejections, idempotency, sign-off rules, tombstones."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from server.models import AuditEvent, Record, RecordVersion
from tests.server.conftest import LiveServer
from tests.server.helpers import child_fields, delete, new_child, new_visit, upsert, visit_fields


def test_register_push_pull_round_trip(server: LiveServer) -> None:
    """A new worker's laptop can create a child and a visit and read both back by pulling."""
    worker = server.user("worker", server.team())
    client = server.client(worker)
    child_id, _ = new_child(client)
    visit_id, _ = new_visit(client, child_id)
    pulled = client.pull_all()
    assert set(pulled.records) == {str(child_id), str(visit_id)}
    child = pulled.records[str(child_id)]
    assert child["fields"]["allocated_worker"] == worker
    assert child["created_by"] == worker


def test_resending_a_whole_or_partial_batch_changes_nothing_twice(server: LiveServer) -> None:
    """A re-sent batch (or part of it) gets the stored results and creates no new revisions."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    changes = [upsert("visit", uuid.uuid4(), visit_fields(child_id)) for _ in range(3)]
    first = client.push(*changes)
    assert [r["status"] for r in first] == ["applied"] * 3
    again = client.push(*changes)
    assert again == first
    partial = client.push(changes[1], upsert("visit", uuid.uuid4(), visit_fields(child_id)))
    assert partial[0] == first[1]
    assert partial[1]["revision"] > max(r["revision"] for r in first)
    assert len(client.pull_all().records) == 5


def test_edits_to_different_fields_merge(server: LiveServer) -> None:
    """Two laptops editing different fields on the same base both land; the second is merged."""
    worker = server.user("worker", server.team())
    laptop_a, laptop_b = server.client(worker), server.client(worker)
    child_id, _ = new_child(laptop_a)
    visit_id, base = new_visit(laptop_a, child_id)
    [a] = laptop_a.push(upsert("visit", visit_id, {"observations": "Settled"}, base))
    [b] = laptop_b.push(upsert("visit", visit_id, {"actions_agreed": "Call school"}, base))
    assert a["status"] == "applied"
    assert b["status"] == "merged"
    assert b["record"]["fields"]["observations"] == "Settled"
    assert b["record"]["fields"]["actions_agreed"] == "Call school"
    assert b["revision"] > a["revision"]


def test_same_field_conflict_reports_server_value_base_and_who(server: LiveServer) -> None:
    """Both sides changing one field is a conflict: nothing applied, base and author returned."""
    worker = server.user("worker", server.team())
    laptop_a, laptop_b = server.client(worker), server.client(worker)
    child_id, _ = new_child(laptop_a)
    visit_id, base = new_visit(laptop_a, child_id, observations="Original")
    laptop_a.push(upsert("visit", visit_id, {"observations": "From A"}, base))
    [result] = laptop_b.push(
        upsert("visit", visit_id, {"observations": "From B", "who_was_seen": "Carer"}, base)
    )
    assert result["status"] == "conflict"
    [conflict] = result["conflicts"]
    assert conflict["field"] == "observations"
    assert conflict["server_value"] == "From A"
    assert conflict["base_value"] == "Original"
    assert conflict["changed_by"] == worker
    assert result["record"]["fields"]["who_was_seen"] == "Child"  # nothing applied


def test_same_value_on_both_sides_is_not_a_conflict(server: LiveServer) -> None:
    """Two laptops making the same edit agree, so the second is accepted without a conflict."""
    worker = server.user("worker", server.team())
    laptop_a, laptop_b = server.client(worker), server.client(worker)
    child_id, _ = new_child(laptop_a)
    visit_id, base = new_visit(laptop_a, child_id)
    laptop_a.push(upsert("visit", visit_id, {"observations": "Same"}, base))
    [result] = laptop_b.push(upsert("visit", visit_id, {"observations": "Same"}, base))
    assert result["status"] in ("applied", "merged")


def test_a_laptop_never_conflicts_with_its_own_earlier_change(server: LiveServer) -> None:
    """Two edits of one field from the same laptop on the same base apply in order."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    visit_id, base = new_visit(client, child_id)
    results = client.push(
        upsert("visit", visit_id, {"observations": "First"}, base),
        upsert("visit", visit_id, {"observations": "Second"}, base),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    # Taken as sent: the answer is the stamps, and the server holds the later edit.
    assert results[1]["record"] is None and results[1]["revision"] > results[0]["revision"]
    assert client.pull_all().records[str(visit_id)]["fields"]["observations"] == "Second"


def test_bad_changes_are_rejected_without_blocking_the_batch(server: LiveServer) -> None:
    """Unknown fields, wrong types, missing fields and unknown types are rejected one by one."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    good = upsert("visit", uuid.uuid4(), visit_fields(child_id))
    missing = visit_fields(child_id)
    del missing["visit_date"]
    results = client.push(
        upsert("visit", uuid.uuid4(), visit_fields(child_id, mood="happy")),
        upsert("visit", uuid.uuid4(), visit_fields(child_id, welfare_concern="yes")),
        upsert("visit", uuid.uuid4(), visit_fields(child_id, visit_date="01/05/2024")),
        upsert("visit", uuid.uuid4(), missing),
        upsert("spaceship", uuid.uuid4(), {}),
        good,
    )
    assert [r["status"] for r in results] == ["rejected"] * 5 + ["applied"]
    assert [r["field"] for r in results[:5]] == [
        "mood",
        "welfare_concern",
        "visit_date",
        "visit_date",
        "record_type",
    ]
    assert all(r["reason"] for r in results[:5])


def test_server_controlled_fields_are_never_taken_from_the_laptop(server: LiveServer) -> None:
    """finalised_by and allocated_worker come from the server, whatever the laptop sends."""
    worker = server.user("worker", server.team())
    client = server.client(worker)
    child_id, _ = new_child(client, allocated_worker="someone-else")
    visit_id = uuid.uuid4()
    [result] = client.push(
        upsert(
            "visit",
            visit_id,
            visit_fields(
                child_id,
                status="finalised",
                finalised_by="forged",
                finalised_at="2024-05-01T16:00:00+01:00",
            ),
        )
    )
    assert result["record"] is None  # a new record taken as sent: stamps only, no echo
    assert result["stamps"]["fields"] == {"finalised_by": worker}
    pulled = client.pull_all().records
    assert pulled[str(child_id)]["fields"]["allocated_worker"] == worker
    visit = pulled[str(visit_id)]
    assert visit["fields"]["finalised_by"] == worker
    assert visit["fields"]["finalised_at"] == "2024-05-01T16:00:00+01:00"


def test_finalised_records_are_immutable_and_point_to_an_addendum(server: LiveServer) -> None:
    """Editing or deleting a signed-off visit is rejected with a reason mentioning an addendum."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    visit_id, base = new_visit(client, child_id, status="finalised")
    edit, removal, other = client.push(
        upsert("visit", visit_id, {"observations": "changed"}, base),
        delete("visit", visit_id, base),
        upsert("visit", uuid.uuid4(), visit_fields(child_id)),
    )
    assert edit["status"] == "rejected" and "addendum" in edit["reason"]
    assert edit["field"] == "observations"
    assert removal["status"] == "rejected" and "addendum" in removal["reason"]
    assert other["status"] == "applied"


def test_only_a_manager_of_the_team_can_approve(server: LiveServer) -> None:
    """status → approved is refused for the worker and another team's manager, accepted for the
    team's manager, who is recorded as approver."""
    team, other_team = server.team(), server.team()
    worker = server.user("worker", team)
    manager = server.user("manager", team)
    outsider = server.user("manager", other_team)
    laptop = server.client(worker)
    child_id, _ = new_child(laptop)
    assessment_id = uuid.uuid4()
    [created] = laptop.push(
        upsert(
            "assessment",
            assessment_id,
            {
                "kind": "CHILD_ASSET_BASED",
                "template_id": "asset",
                "template_version": 1,
                "answers": {"q1": "yes"},
                "started_date": "2024-04-01",
                "status": "finalised",
                "child_id": str(child_id),
                "approved_by": "forged",
            },
        )
    )
    assert created["status"] == "applied"
    assert created["stamps"]["fields"]["approved_by"] is None
    base = created["revision"]
    approve = {"status": "approved"}
    [by_worker] = laptop.push(upsert("assessment", assessment_id, approve, base))
    assert by_worker["status"] == "rejected" and by_worker["field"] == "status"
    [by_outsider] = server.client(outsider).push(upsert("assessment", assessment_id, approve, base))
    assert by_outsider["status"] == "rejected"
    [by_manager] = server.client(manager).push(upsert("assessment", assessment_id, approve, base))
    assert by_manager["status"] == "applied", by_manager
    assert by_manager["stamps"]["fields"]["approved_by"] == manager
    assert by_manager["stamps"]["fields"]["approved_at"]


def test_deletion_travels_as_a_tombstone(server: LiveServer) -> None:
    """A deleted record comes to other laptops as a removal with reason "deleted"."""
    worker = server.user("worker", server.team())
    laptop_a, laptop_b = server.client(worker), server.client(worker)
    child_id, _ = new_child(laptop_a)
    visit_id, base = new_visit(laptop_a, child_id)
    before = laptop_b.pull_all()
    assert str(visit_id) in before.records
    [result] = laptop_a.push(delete("visit", visit_id, base))
    assert result["status"] == "applied"
    after = laptop_b.pull_all(before.cursor)
    assert after.removed == {str(visit_id): "deleted"}
    [late] = laptop_b.push(upsert("visit", visit_id, {"observations": "late"}, base))
    assert late["status"] == "rejected" and "deleted" in late["reason"]


def test_delete_on_a_stale_base_conflicts_instead_of_losing_an_edit(server: LiveServer) -> None:
    """Deleting a record someone else edited since the base is a conflict, not a silent loss."""
    worker = server.user("worker", server.team())
    laptop_a, laptop_b = server.client(worker), server.client(worker)
    child_id, _ = new_child(laptop_a)
    visit_id, base = new_visit(laptop_a, child_id)
    laptop_a.push(upsert("visit", visit_id, {"observations": "new"}, base))
    [result] = laptop_b.push(delete("visit", visit_id, base))
    assert result["status"] == "conflict"
    assert [c["field"] for c in result["conflicts"]] == ["observations"]


def test_a_record_cannot_move_to_another_child(server: LiveServer) -> None:
    """Changing a visit's child_id is rejected: scope is fixed at creation."""
    client = server.client(server.user("worker", server.team()))
    child_a, _ = new_child(client)
    child_b, _ = new_child(client)
    visit_id, base = new_visit(client, child_a)
    [result] = client.push(upsert("visit", visit_id, {"child_id": str(child_b)}, base))
    assert result["status"] == "rejected" and result["field"] == "child_id"


def test_records_without_a_subject_are_rejected(server: LiveServer) -> None:
    """A visit that names neither a child nor a household cannot be scoped, so it is refused."""
    client = server.client(server.user("worker", server.team()))
    fields = visit_fields(uuid.uuid4())
    fields["child_id"] = None
    [result] = client.push(upsert("visit", uuid.uuid4(), fields))
    assert result["status"] == "rejected" and result["field"] == "child_id"


def test_child_creation_allocates_to_its_creator(server: LiveServer) -> None:
    """A worker who creates a child holds it; a colleague does not see it."""
    team = server.team()
    creator, colleague = server.user("worker", team), server.user("worker", team)
    child_id, _ = new_child(server.client(creator))
    assert str(child_id) not in server.client(colleague).pull_all().records
    [again] = server.client(colleague).push(upsert("child", child_id, child_fields()))
    assert again["status"] == "rejected"


def test_records_pushed_together_keep_the_order_they_were_written_in(server: LiveServer) -> None:
    """A batch is stamped as one moment, yet each record in it is created a microsecond after
    the one before: laptops list a visit's addenda or a household's carers by when they were
    created, and a batch must not shuffle them."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    visits = [uuid.uuid4() for _ in range(5)]
    results = client.push(*(upsert("visit", v, visit_fields(child_id)) for v in visits))
    assert {r["status"] for r in results} == {"applied"}
    created = [datetime.fromisoformat(r["stamps"]["created_at"]) for r in results]
    assert created == sorted(set(created))
    assert created[-1] - created[0] < timedelta(milliseconds=1)
    pulled = client.pull_all().records
    assert [datetime.fromisoformat(pulled[str(v)]["created_at"]) for v in visits] == created


def test_mixed_batch_gives_each_change_its_own_result_and_resends_identically(
    server: LiveServer,
) -> None:
    """One batch of applied, merged, conflicting, rejected, repeated and create-then-edit
    changes: each gets its own answer, the written ones get contiguous revisions in batch order,
    and re-sending the whole batch returns exactly the same answers and writes nothing."""
    worker = server.user("worker", server.team())
    laptop_a, laptop_b = server.client(worker), server.client(worker)
    child_id, _ = new_child(laptop_a)
    merged_id, merged_base = new_visit(laptop_a, child_id)
    conflict_id, conflict_base = new_visit(laptop_a, child_id, observations="Original")
    laptop_a.push(
        upsert("visit", merged_id, {"observations": "From A"}, merged_base),
        upsert("visit", conflict_id, {"observations": "From A"}, conflict_base),
    )
    created_id = uuid.uuid4()
    repeated = upsert("visit", uuid.uuid4(), visit_fields(child_id))
    batch = [
        upsert("visit", created_id, visit_fields(child_id)),
        upsert("visit", merged_id, {"actions_agreed": "Call school"}, merged_base),
        upsert("visit", conflict_id, {"observations": "From B"}, conflict_base),
        upsert("visit", uuid.uuid4(), visit_fields(child_id, visit_date="not a date")),
        repeated,
        upsert("visit", created_id, {"observations": "Edited in the same batch"}),
        repeated,
        upsert("visit", uuid.uuid4(), visit_fields(uuid.uuid4())),
    ]
    first = laptop_b.push(*batch)
    assert [r["status"] for r in first] == [
        "applied",
        "merged",
        "conflict",
        "rejected",
        "applied",
        "applied",
        "applied",
        "rejected",
    ]
    assert [r["change_id"] for r in first] == [c["change_id"] for c in batch]
    assert first[3]["field"] == "visit_date"
    assert first[6] == first[4]
    assert first[7]["field"] == "child_id"
    assert first[2]["conflicts"][0]["server_value"] == "From A"
    assert first[2]["conflicts"][0]["base_value"] == "Original"
    assert first[1]["record"]["fields"]["observations"] == "From A"
    assert first[1]["record"]["fields"]["actions_agreed"] == "Call school"
    written = [first[i]["revision"] for i in (0, 1, 4, 5)]
    assert written == list(range(written[0], written[0] + 4))
    assert first[0]["record"] is None and first[0]["stamps"]["created_by"]  # new: stamps only
    assert first[5]["record"] is None and first[5]["stamps"]  # taken as sent: stamps only

    assert laptop_b.push(*batch) == first
    pulled = laptop_a.pull_all().records
    assert pulled[str(created_id)]["revision"] == first[5]["revision"]
    assert pulled[str(created_id)]["fields"]["observations"] == "Edited in the same batch"
    assert pulled[str(conflict_id)]["fields"]["observations"] == "From A"
    assert max(record["revision"] for record in pulled.values()) == written[-1]


def test_a_merge_keeps_per_field_history_with_real_revisions(server: LiveServer) -> None:
    """Field history written by a batch carries final revisions, so a later edit based on the
    merged version merges cleanly instead of conflicting with placeholders."""
    worker = server.user("worker", server.team())
    laptop_a, laptop_b = server.client(worker), server.client(worker)
    child_id, _ = new_child(laptop_a)
    visit_id, base = new_visit(laptop_a, child_id)
    [a] = laptop_a.push(upsert("visit", visit_id, {"observations": "A"}, base))
    [b] = laptop_b.push(upsert("visit", visit_id, {"observations": "B"}, a["revision"]))
    assert b["status"] == "applied"
    [c] = laptop_a.push(upsert("visit", visit_id, {"actions_agreed": "C"}, b["revision"]))
    assert c["status"] == "applied"
    merged = laptop_a.pull_all().records[str(visit_id)]
    assert merged["revision"] == c["revision"]
    assert merged["fields"] == {**merged["fields"], "observations": "B", "actions_agreed": "C"}


def test_a_push_is_audited_once_naming_every_record_it_wrote(server: LiveServer) -> None:
    """The trail keeps who, which device, what and when for every record a batch wrote."""
    worker = server.user("worker", server.team())
    client = server.client(worker)
    child_id, _ = new_child(client)
    changes = [upsert("visit", uuid.uuid4(), visit_fields(child_id)) for _ in range(5)]
    client.push(*changes)
    with server.database.read() as session:
        [event] = session.scalars(
            select(AuditEvent).where(
                AuditEvent.actor == worker,
                AuditEvent.action == "record.write",
                AuditEvent.detail == "changes=5 written=5",
            )
        ).all()
    assert sorted(event.record_ids) == sorted(c["record_id"] for c in changes)
    assert str(event.device_id) == client.tokens["device_id"]
    assert event.outcome == "ok" and event.at is not None


def test_the_history_keeps_each_replaced_version_and_the_record_its_current_one(
    server: LiveServer,
) -> None:
    """A new record is written once; each edit moves the version it replaces into the history,
    with who wrote it; a conflict still shows the base from there."""
    worker = server.user("worker", server.team())
    laptop_a, laptop_b = server.client(worker), server.client(worker)
    child_id, _ = new_child(laptop_a)
    visit_id, first = new_visit(laptop_a, child_id, observations="Original")
    [second] = laptop_a.push(upsert("visit", visit_id, {"observations": "Settled"}, first))
    [third] = laptop_a.push(
        upsert("visit", visit_id, {"actions_agreed": "Call school"}, second["revision"])
    )
    with server.database.read() as session:
        history = session.execute(
            select(RecordVersion.record_id, RecordVersion.revision, RecordVersion.fields)
            .where(RecordVersion.record_id.in_([child_id, visit_id]))
            .order_by(RecordVersion.revision)
        ).all()
        current = session.get(Record, visit_id)
    assert [(v.record_id, v.revision) for v in history] == [
        (visit_id, first),
        (visit_id, second["revision"]),
    ]  # the child, never edited, has no history
    assert [v.fields["observations"] for v in history] == ["Original", "Settled"]
    assert history[1].fields.get("actions_agreed") != "Call school"
    assert current is not None and current.revision == third["revision"]
    assert current.fields["actions_agreed"] == "Call school"

    [result] = laptop_b.push(upsert("visit", visit_id, {"observations": "From B"}, first))
    assert result["status"] == "conflict"
    [conflict] = result["conflicts"]
    assert (conflict["base_value"], conflict["server_value"]) == ("Original", "Settled")


def test_a_push_takes_the_pull_cursor_in_its_body_or_as_a_query_parameter(
    server: LiveServer,
) -> None:
    """Older laptops send the cursor in the body, this one as ``?cursor=``: either way a
    laptop that has read its whole feed gets a cursor past its own batch, and one that has
    not gets none."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    stale = client.pull_all().cursor
    change = upsert("visit", uuid.uuid4(), visit_fields(child_id))
    in_body = client.post("/v1/sync/push", json={"changes": [change], "cursor": stale})
    assert in_body.status_code == 200 and in_body.json()["cursor"] is not None
    fresh = in_body.json()["cursor"]
    change = upsert("visit", uuid.uuid4(), visit_fields(child_id))
    in_query = client.post("/v1/sync/push", json={"changes": [change]}, params={"cursor": fresh})
    assert in_query.status_code == 200 and in_query.json()["cursor"] is not None
    change = upsert("visit", uuid.uuid4(), visit_fields(child_id))
    behind = client.post(
        "/v1/sync/push", json={"changes": [change], "cursor": fresh}, params={"cursor": stale}
    )
    assert behind.status_code == 200 and behind.json()["cursor"] is None  # the query's wins
