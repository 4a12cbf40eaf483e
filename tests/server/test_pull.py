"""Pull: pages, opaque cursors, full re-sync after purge, and no skipped change under
concurrent writers (the commit-order guarantee)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, text, update

from server.models import Record, ScopeEvent, utcnow
from server.services.purge import purge
from sync.protocol.messages import PullResponse
from tests.server.conftest import LiveServer
from tests.server.helpers import delete, new_child, new_visit, upsert, visit_fields


def test_pages_cover_everything_exactly_once(server: LiveServer) -> None:
    """Small pages walk the whole caseload with ``more`` set until the last page."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    client.push(*[upsert("visit", uuid.uuid4(), visit_fields(child_id)) for _ in range(23)])
    seen: list[str] = []
    cursor = None
    while True:
        page = client.pull_page(cursor, limit=5)
        seen += [r["record_id"] for r in page["records"]]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert len(seen) == len(set(seen)) == 24
    again = client.pull_page(cursor)
    assert again["records"] == [] and again["cursor"] == cursor


def test_pulled_fields_are_exactly_what_was_pushed(server: LiveServer) -> None:
    """The feed passes each record's stored JSON through unparsed (``pull_page``): awkward
    text (quotes, backslashes, newlines, non-Latin script, emoji, markup) comes back exactly,
    on every database, and the page is a valid ``PullResponse``."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    awkward = (
        'She said "no" \\ then\nleft \u2014 Zo\u00eb \u0639\u0631\u0628\u064a \U0001f600'
        ' </script> {"x": 1}'
    )
    visit_id = uuid.uuid4()
    client.push(upsert("visit", visit_id, visit_fields(child_id, observations=awkward)))
    page = client.pull_page()
    parsed = PullResponse.model_validate(page)
    [visit] = [r for r in parsed.records if r.record_id == visit_id]
    assert visit.fields["observations"] == awkward
    assert (visit.fields["child_id"], visit.fields["seen_alone"]) == (str(child_id), True)
    assert visit.created_at.tzinfo is not None and visit.updated_at.utcoffset() == timedelta(0)


def test_garbage_and_tampered_cursors_are_refused(server: LiveServer) -> None:
    """A cursor the server did not issue answers 400 invalid_cursor with full_resync."""
    client = server.client(server.user("worker", server.team()))
    new_child(client)
    real = client.pull_page()["cursor"]
    for bad in ("garbage", real[:-2] + "xx", "e30.abc"):
        response = client.get("/v1/sync/pull", params={"cursor": bad})
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_cursor"
        assert response.json()["action"] == "full_resync"


def test_limit_out_of_range_is_a_422_naming_the_parameter(server: LiveServer) -> None:
    """A page size above the protocol maximum is refused with the field named."""
    client = server.client(server.user("worker", server.team()))
    response = client.get("/v1/sync/pull", params={"limit": 10**6})
    assert response.status_code == 422 and response.json()["field"] == "limit"


def test_a_laptop_older_than_the_purge_horizon_must_resync(server: LiveServer) -> None:
    """After tombstones older than the offline limit are purged, an older cursor gets
    full_resync, while a fresh pull still works."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    old_cursor = client.pull_all().cursor
    visit_id = uuid.uuid4()
    [visit] = client.push(upsert("visit", visit_id, visit_fields(child_id)))
    client.push(delete("visit", visit_id, visit["revision"]))
    long_ago = utcnow() - timedelta(days=400)

    def age_and_purge(session: object) -> None:
        from sqlalchemy.orm import Session

        assert isinstance(session, Session)
        session.execute(update(Record).where(Record.deleted.is_(True)).values(updated_at=long_ago))
        session.execute(update(ScopeEvent).values(at=long_ago))
        result = purge(session, max_offline_days=server.settings.max_offline_days)
        assert result.tombstones >= 1

    server.database.run_write(age_and_purge)
    stale = client.pull_page(old_cursor)
    assert stale["full_resync"] is True and stale["records"] == []
    fresh = client.pull_all()
    assert str(child_id) in fresh.records and not fresh.full_resync


@pytest.mark.slow
def test_concurrent_writers_never_make_a_puller_skip_a_change(server: LiveServer) -> None:
    """Writers push while a reader pulls repeatedly; the union of what it pulled is exactly
    every record committed (no gaps from out-of-order commits)."""
    worker = server.user("worker", server.team())
    setup = server.client(worker)
    child_id, _ = new_child(setup)
    writers = [server.client(worker) for _ in range(4)]
    reader = server.client(worker)
    committed: set[str] = {str(child_id)}
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[str] = []

    def write(client: object) -> None:
        assert hasattr(client, "push")
        for _ in range(12):
            ids = [uuid.uuid4() for _ in range(3)]
            results = client.push(*[upsert("visit", i, visit_fields(child_id)) for i in ids])
            if any(r["status"] != "applied" for r in results):
                errors.append(str(results))
            with lock:
                committed.update(str(i) for i in ids)

    seen: set[str] = set()

    def read() -> None:
        cursor = None
        while not stop.is_set():
            page = reader.pull_page(cursor, limit=7)
            seen.update(r["record_id"] for r in page["records"])
            cursor = page["cursor"] or cursor
        while True:  # drain after the writers finished
            page = reader.pull_page(cursor, limit=50)
            seen.update(r["record_id"] for r in page["records"])
            cursor = page["cursor"] or cursor
            if not page["more"]:
                return

    reading = threading.Thread(target=read)
    reading.start()
    threads = [threading.Thread(target=write, args=(c,)) for c in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    reading.join()
    assert not errors
    assert seen == committed


def test_a_push_committing_late_is_pulled_and_does_not_hold_up_others(
    server: LiveServer,
) -> None:
    """One push has taken its revision but not yet committed (held here on a change result
    another transaction is inserting); a later push still goes through at once, and a laptop
    pulling meanwhile is not moved past the first: once it commits, it arrives."""
    if server.backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: a later push waits for the first")
    worker = server.user("worker", server.team())
    pusher = server.client(worker)
    child_id, _ = new_child(pusher)
    reader = server.client(worker)
    cursor = reader.pull_all().cursor
    early_visit, _ = new_visit(pusher, child_id)  # committed before, pulled meanwhile
    with server.database.engine.connect() as connection:
        user_id = connection.execute(
            text("SELECT id FROM user_account WHERE username = :u"), {"u": worker}
        ).scalar_one()

    slow_change, slow_visit, answers = uuid.uuid4(), uuid.uuid4(), []
    with server.database.engine.connect() as blocker:
        blocker.execute(
            text(
                "INSERT INTO change_receipt (change_id, user_id, result, created_at) "
                "VALUES (:c, :u, '{}', now())"
            ),
            {"c": slow_change, "u": user_id},
        )
        slow = threading.Thread(
            target=lambda: answers.extend(
                pusher.push(upsert("visit", slow_visit, visit_fields(child_id), None, slow_change))
            )
        )
        slow.start()
        with server.database.engine.connect() as watch:
            for _ in range(200):  # until the slow push has taken its revision (its claim)
                claims = watch.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND classid = 'revision_seq'::regclass::oid"
                    )
                ).scalar_one()
                watch.rollback()
                if claims:
                    break
                time.sleep(0.05)
        assert claims, "the slow push never took its revision"
        later = server.client(worker)
        quick_visit, _ = new_visit(later, child_id)
        meanwhile = reader.pull_all(cursor)
        assert set(meanwhile.records) == {str(early_visit)}
        blocker.rollback()  # the slow push's own result can now be written; it commits
    slow.join(timeout=30)
    assert [a["status"] for a in answers] == ["applied"]
    after = reader.pull_all(meanwhile.cursor)
    assert {str(slow_visit), str(quick_visit)} <= set(after.records)


@pytest.mark.slow
def test_concurrent_pushes_to_one_record_lose_no_update(server: LiveServer) -> None:
    """Laptops editing different fields of one record at once all land (merged), and the
    history has one version per successful change."""
    worker = server.user("worker", server.team())
    setup = server.client(worker)
    child_id, _ = new_child(setup)
    [created] = setup.push(upsert("child", uuid.uuid4(), {}))  # rejected: no fields
    assert created["status"] == "rejected"
    visit_id = uuid.uuid4()
    [visit] = setup.push(upsert("visit", visit_id, visit_fields(child_id)))
    base = visit["revision"]
    fields = ["who_was_seen", "wishes_and_feelings", "observations", "actions_agreed"]
    laptops = [server.client(worker) for _ in fields]
    results: list[dict[str, object]] = []

    def edit(client: object, name: str) -> None:
        assert hasattr(client, "push")
        results.extend(client.push(upsert("visit", visit_id, {name: f"{name} text"}, base)))

    threads = [
        threading.Thread(target=edit, args=pair) for pair in zip(laptops, fields, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r["status"] for r in results).count("applied") <= 1
    assert all(r["status"] in ("applied", "merged") for r in results)
    final = setup.get(f"/v1/records/visit/{visit_id}").json()
    assert all(final["fields"][name] == f"{name} text" for name in fields)
    revisions = sorted(int(str(r["revision"])) for r in results)
    assert len(set(revisions)) == len(fields) and final["revision"] == revisions[-1]


def test_a_caught_up_laptops_quiet_pull_reads_no_records_yet_misses_nothing(
    server: LiveServer,
) -> None:
    """Once a laptop has the whole feed, its next pulls are answered without reading the
    caseload; a change made afterwards, by anyone, still arrives at the next pull."""
    team = server.team()
    worker = server.user("worker", team)
    laptop = server.client(worker)
    child_id, _ = new_child(laptop)
    laptop.push(*[upsert("visit", uuid.uuid4(), visit_fields(child_id)) for _ in range(3)])
    cursor = laptop.pull_page(None)["cursor"]

    statements: list[str] = []

    def seen(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        statements.append(sql)

    event.listen(server.database.engine, "before_cursor_execute", seen)
    try:
        quiet = laptop.pull_page(cursor)
    finally:
        event.remove(server.database.engine, "before_cursor_execute", seen)
    assert quiet["records"] == [] and quiet["cursor"] == cursor
    assert not [sql for sql in statements if "FROM record" in sql], statements

    manager = server.client(server.user("manager", team))
    visit_id = uuid.uuid4()
    manager.push(upsert("visit", visit_id, visit_fields(child_id)))
    arrived = laptop.pull_page(cursor)
    assert [r["record_id"] for r in arrived["records"]] == [str(visit_id)]
    assert laptop.pull_page(arrived["cursor"])["records"] == []


def test_a_laptop_is_not_sent_back_what_it_wrote_but_its_cursor_moves_past_it(
    server: LiveServer,
) -> None:
    """With ``skip_own`` the feed leaves out the versions this device pushed (it has them),
    page after page, yet still sends a colleague's edit among them and the laptop's own
    deletions (as removals); the walk ends, and the next pull is quiet."""
    team = server.team()
    worker = server.user("worker", team)
    laptop = server.client(worker)
    child_id, _ = new_child(laptop)
    visits = [uuid.uuid4() for _ in range(12)]
    laptop.push(*[upsert("visit", v, visit_fields(child_id)) for v in visits])
    cursor = laptop.pull_page(None)["cursor"]  # the child's arrival in the caseload: all of it
    more = [uuid.uuid4() for _ in range(9)]
    answers = laptop.push(*[upsert("visit", v, visit_fields(child_id)) for v in more])
    revision = {v: answer["revision"] for v, answer in zip(more, answers, strict=True)}
    [gone] = laptop.push(delete("visit", more[0], base_revision=revision[more[0]]))
    manager = server.client(server.user("manager", team))
    edit = upsert("visit", more[4], {"observations": "Seen by the manager"}, revision[more[4]])
    [edited] = manager.push(edit)
    assert (gone["status"], edited["status"]) == ("applied", "applied")

    records: list[str] = []
    removals: list[str] = []
    pages = 0
    while True:
        page = laptop.pull_page(cursor, limit=3, skip_own=True)
        pages += 1
        records += [r["record_id"] for r in page["records"]]
        removals += [r["record_id"] for r in page["removals"]]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert records == [str(more[4])]
    assert removals == [str(more[0])]
    assert pages <= 2
    quiet = laptop.pull_page(cursor, skip_own=True)
    assert quiet["records"] == quiet["removals"] == [] and quiet["cursor"] == cursor
    # Without skip_own (a store restored from elsewhere) the same feed holds everything.
    everything = laptop.pull_page(None)
    assert {str(v) for v in visits + more} - {str(more[0])} <= {
        r["record_id"] for r in everything["records"]
    }
