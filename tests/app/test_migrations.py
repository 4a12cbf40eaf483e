"""Local schema migrations: from the first revision, with data, to head, losing nothing."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, delete, select, text

from app.errors import MigrationFailed
from app.models import Base, Child, OutboxEntry, ProfileState, Visit, WaitingVersion
from app.replica.sent_mark import never_sent, sent_through
from app.search import search
from app.store import Profile, migrate
from app.store.engine import create_store_engine
from app.store.keys import WrappedKey
from tests.conftest import PASSPHRASE


def _profile_at_first_revision(profile: Profile, target: str = "0001") -> bytes:
    """Rebuild the profile's database at revision 0001 (or ``target``) and return its data
    key."""
    data_key = WrappedKey.read(profile.path / "key.json").unseal(PASSPHRASE)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{profile.db_path}{suffix}").unlink(missing_ok=True)
    engine = create_store_engine(profile.db_path, data_key)
    migrate.upgrade(engine, profile.db_path, profile.path / "backups", target=target)
    engine.dispose()
    return data_key


def _downgrade(conn: Connection, revision: str) -> None:
    """Take the database on ``conn`` down to ``revision``, in one transaction."""
    config = migrate.alembic_config()
    config.attributes["connection"] = conn
    with conn.begin():
        command.downgrade(config, revision)


def test_upgrade_from_first_revision_keeps_every_record(profile: Profile) -> None:
    """A database made at 0001 with records is upgraded on unlock; every value survives,
    a pre-upgrade backup is kept (encrypted), and the new search index covers old records."""
    data_key = _profile_at_first_revision(profile)
    engine = create_store_engine(profile.db_path, data_key)
    child_id, visit_id = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(
            Child.__table__.insert(),
            [
                {
                    "id": child_id,
                    "given_name": "Oluwaseun",
                    "family_name": "Adeyemi",
                    "date_of_birth": date(2015, 1, 2),
                    "sex": "M",
                    "allocated_worker": "alice",
                    "created_by": "alice",
                    "updated_by": "alice",
                    "about_me": "loves trains",
                    "case_open": True,
                    "dirty": True,
                    "deleted": False,
                }
            ],
        )
        conn.execute(
            Visit.__table__.insert(),
            [
                {
                    "id": visit_id,
                    "child_id": child_id,
                    "visit_type": "STATUTORY_CHILD",
                    "visit_date": date(2026, 1, 5),
                    "observations": "calm and chatty",
                    "who_was_seen": "O",
                    "wishes_and_feelings": "",
                    "actions_agreed": "",
                    "status": "finalised",
                    "welfare_concern": False,
                    "created_by": "alice",
                    "updated_by": "alice",
                    "dirty": False,
                    "deleted": False,
                    "server_revision": 7,
                }
            ],
        )
        assert migrate.current_revision(conn) == "0001"
    engine.dispose()

    with profile.unlock(PASSPHRASE) as store:
        with store.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
        with store.read() as session:
            child = session.get(Child, child_id)
            visit = session.get(Visit, visit_id)
            assert child is not None and visit is not None
            assert (child.given_name, child.about_me, child.date_of_birth) == (
                "Oluwaseun",
                "loves trains",
                date(2015, 1, 2),
            )
            assert (visit.observations, visit.status, visit.server_revision) == (
                "calm and chatty",
                "finalised",
                7,
            )
            assert {h.record_id for h in search(session, "chatt")} == {visit_id}
            assert {h.record_id for h in search(session, "oluw")} == {child_id}
    backups = list((profile.path / "backups").glob("casebook-*-before-0001.db"))
    assert len(backups) == 1
    assert b"Oluwaseun" not in backups[0].read_bytes()


def test_outbox_entries_stamped_as_sent_become_the_sent_mark(profile: Profile) -> None:
    """0014: the entries a push had stamped as sent stay fixed (the mark covers them), the
    unsent one can still take later edits, nothing queued is lost, and a seq is never reused
    even once the outbox has emptied."""
    data_key = _profile_at_first_revision(profile, target="0013")
    engine = create_store_engine(profile.db_path, data_key)
    record = uuid.uuid4()
    with engine.begin() as conn:
        for seq, sent in ((1, "2026-11-30 09:00:00"), (2, "2026-11-30 09:00:00"), (3, None)):
            conn.execute(
                text(
                    "INSERT INTO outbox (seq, id, record_type, record_id, operation, fields,"
                    " created_at, first_sent_at, state, attempts)"
                    " VALUES (:seq, :id, 'case_note', :record, 'upsert', :fields,"
                    " '2026-11-30 08:00:00', :sent, 'pending', :attempts)"
                ),
                {
                    "seq": seq,
                    "id": uuid.uuid4().hex,
                    "record": record.hex,
                    "fields": f'{{"text": "edit {seq}"}}',
                    "sent": sent,
                    "attempts": 1 if sent else 0,
                },
            )
    engine.dispose()

    with profile.unlock(PASSPHRASE) as store:
        with store.read() as session:
            entries = session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)).all()
            assert [(e.seq, e.fields["text"]) for e in entries] == [
                (1, "edit 1"),
                (2, "edit 2"),
                (3, "edit 3"),
            ]
            assert sent_through(session) == 2
            assert session.scalars(select(OutboxEntry.seq).where(never_sent())).all() == [3]
        with store.write(remote=True) as session:
            session.execute(delete(OutboxEntry))
        with store.write(remote=True) as session:
            session.add(OutboxEntry(record_type="case_note", record_id=record, operation="upsert"))
        with store.read() as session:
            assert session.scalars(select(OutboxEntry.seq)).all() == [4]
            assert session.scalars(select(OutboxEntry.seq).where(never_sent())).all() == [4]


def test_outbox_fields_are_deflated_keeping_every_entry_and_the_seq_counter(
    profile: Profile,
) -> None:
    """0015: each entry reads back exactly as it was written (non-ASCII text included), the
    stored value is deflated, no seq is handed out again though the newest entry was deleted
    before the upgrade, and the downgrade gives back the original JSON text."""
    data_key = _profile_at_first_revision(profile, target="0014")
    engine = create_store_engine(profile.db_path, data_key)
    record = uuid.uuid4()
    note = {"text": "Zoë said the visit went well. " * 80, "subject": "Visit", "n": [1, None]}
    originals: dict[int, str] = {}
    with engine.begin() as conn:
        for seq in (7, 8):
            originals[seq] = json.dumps({**note, "seq": seq})
            conn.execute(
                text(
                    "INSERT INTO outbox (seq, id, record_type, record_id, operation, fields,"
                    " created_at, state) VALUES (:seq, :id, 'case_note', :record, 'upsert',"
                    " :fields, '2026-12-05 08:00:00', 'pending')"
                ),
                {
                    "seq": seq,
                    "id": uuid.uuid4().hex,
                    "record": record.hex,
                    "fields": originals[seq],
                },
            )
        conn.execute(text("DELETE FROM outbox WHERE seq = 8"))
    engine.dispose()

    with profile.unlock(PASSPHRASE) as store:
        with store.read() as session:
            [entry] = session.scalars(select(OutboxEntry)).all()
            assert (entry.seq, entry.fields) == (7, {**note, "seq": 7})
            stored = session.execute(text("SELECT fields FROM outbox")).scalar()
            assert isinstance(stored, bytes) and len(stored) < len(originals[7]) // 4
        with store.write(remote=True) as session:
            session.add(OutboxEntry(record_type="case_note", record_id=record, operation="upsert"))
        with store.read() as session:
            assert session.scalars(select(OutboxEntry.seq)).all() == [7, 9]

    engine = create_store_engine(profile.db_path, data_key)
    with engine.connect() as conn:
        _downgrade(conn, "0014")
        rows = conn.execute(text("SELECT seq, fields FROM outbox ORDER BY seq")).all()
    engine.dispose()
    assert rows == [(7, originals[7]), (9, "{}")]


def test_unused_indexes_go_and_a_downgrade_brings_them_back(profile: Profile) -> None:
    """0016: no record table keeps an index on ``dirty``, nor the visits and search documents
    their single-column ones, and the downgrade restores each, so an older Casebook opens the
    file as it left it."""
    data_key = _profile_at_first_revision(profile, target="0015")
    engine = create_store_engine(profile.db_path, data_key)
    listed = text(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND (name LIKE 'ix_%_dirty'"
        " OR name IN ('ix_visit_child_id', 'ix_visit_household_id', 'ix_search_doc_child'))"
    )
    with engine.connect() as conn:
        before = set(conn.execute(listed).scalars())
    engine.dispose()
    assert len(before) == 17

    profile.unlock(PASSPHRASE).lock()
    engine = create_store_engine(profile.db_path, data_key)
    with engine.connect() as conn:
        assert set(conn.execute(listed).scalars()) == set()
        conn.rollback()
        _downgrade(conn, "0015")
        assert set(conn.execute(listed).scalars()) == before
    engine.dispose()


def test_unlock_at_head_takes_no_backup(profile: Profile) -> None:
    """An up-to-date database is opened without copying it."""
    profile.unlock(PASSPHRASE).lock()
    assert not (profile.path / "backups").exists()


def test_migrations_build_exactly_the_model_schema(tmp_path: Path) -> None:
    """Running every migration yields the schema the models describe (no drift either way)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    migrate.upgrade(engine, tmp_path / "plain.db", tmp_path / "backups")
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_object": lambda o, name, type_, r, c: (
                    not (type_ == "table" and name.startswith("search_"))
                )
            },
        )
        assert compare_metadata(context, Base.metadata) == []
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    assert {"search_index", "search_doc"} <= tables


def test_a_failed_upgrade_changes_nothing_and_keeps_a_backup(profile: Profile) -> None:
    """If a migration fails part-way, the schema and data are as before and a backup exists."""
    data_key = _profile_at_first_revision(profile)
    engine = create_store_engine(profile.db_path, data_key)
    with engine.begin() as conn:
        # Occupy the name of the last trigger 0002 creates, so it fails near its end.
        conn.exec_driver_sql(
            "CREATE TRIGGER search_care_plan_au AFTER DELETE ON care_plan BEGIN SELECT 1; END"
        )
    engine.dispose()
    with pytest.raises(MigrationFailed) as caught:
        profile.unlock(PASSPHRASE)
    assert "Nothing was lost" in str(caught.value)
    engine = create_store_engine(profile.db_path, data_key)
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == "0001"
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    engine.dispose()
    assert "search_doc" not in names and "search_child_ai" not in names
    assert len(list((profile.path / "backups").glob("*.db"))) == 1


@pytest.mark.parametrize("waited", [True, False])
def test_downgrading_past_sync_waiting_reads_the_feed_again_only_if_something_waited(
    profile: Profile, waited: bool
) -> None:
    """0017's downgrade drops the versions waiting for what they refer to. If any were waiting,
    the pull cursor goes too, so the next pull reads the whole feed and brings them again (what
    the laptop holds is skipped); if none were, the cursor stays."""
    data_key = WrappedKey.read(profile.path / "key.json").unseal(PASSPHRASE)
    with profile.unlock(PASSPHRASE) as store, store.write(remote=True) as session:
        session.add(ProfileState(key="pull_cursor", value="past-everything"))
        if waited:
            session.add(
                WaitingVersion(
                    record_id=uuid.uuid4(), record_type="visit", revision=3, version={"a": 1}
                )
            )
    engine = create_store_engine(profile.db_path, data_key)
    with engine.connect() as conn:
        _downgrade(conn, "0016")
        cursor = conn.execute(
            text("SELECT value FROM profile_state WHERE key = 'pull_cursor'")
        ).scalar()
        tables = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    engine.dispose()
    assert "sync_waiting" not in tables
    assert cursor == (None if waited else "past-everything")
