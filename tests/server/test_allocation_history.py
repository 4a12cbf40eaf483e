"""The dated allocation history the SSDA903's social worker episodes are made from, and the
workers' Social Work England numbers: kept by every allocation in its own transaction, set and
checked from the command line, backfilled for allocations made before it existed, and turned
into the return's SWEpisodes rows for a year."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from argon2 import PasswordHasher
from sqlalchemy import insert, inspect, select

from server.cli import EXIT_OK, EXIT_REFUSED, main
from server.db import alembic_config, migrate, open_database
from server.models import Allocation, AllocationHistory, UserAccount, table_of
from server.services import accounts, allocation
from server.services.accounts import AdminError
from server.services.returns import ssda903
from server.services.returns.source import ChildFile, Holding, Item, Records
from tests.server.conftest import PgSchemas, backends


def _url(backend: str, tmp_path: Path, pg_schemas: PgSchemas | None) -> str:
    if backend == "postgresql":
        assert pg_schemas is not None
        return pg_schemas.create()
    return f"sqlite:///{tmp_path / 'service.db'}"


def _history(url: str, subject: uuid.UUID) -> list[tuple[str, date, date | None, str]]:
    database = open_database(url)
    try:
        with database.read() as session:
            rows = session.execute(
                select(
                    UserAccount.username,
                    AllocationHistory.start_date,
                    AllocationHistory.end_date,
                    AllocationHistory.reason,
                )
                .join(UserAccount, UserAccount.id == AllocationHistory.worker_id)
                .where(AllocationHistory.subject_id == subject)
                .order_by(AllocationHistory.id)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        database.dispose()


@pytest.mark.parametrize("backend", backends())
def test_existing_allocations_get_an_open_history_row_dated_when_they_were_made(
    backend: str, tmp_path: Path, pg_schemas: PgSchemas | None
) -> None:
    url = _url(backend, tmp_path, pg_schemas)
    migrate(url, "0004")
    child = uuid.uuid4()
    database = open_database(url)
    try:
        with database.write() as session:
            session.execute(
                insert(table_of(UserAccount)),
                [
                    {
                        "id": 7,
                        "username": "dee",
                        "display_name": "Dee",
                        "role": "worker",
                        "password_hash": "x",
                        "disabled": False,
                        "created_at": datetime(2025, 1, 2, tzinfo=UTC),
                    }
                ],
            )
            session.execute(
                insert(table_of(Allocation)),
                [
                    {
                        "subject_type": "child",
                        "subject_id": child,
                        "worker_id": 7,
                        "allocated_at": datetime(2025, 6, 3, 23, 30, tzinfo=UTC),
                        "allocated_by": "admin",
                    }
                ],
            )
    finally:
        database.dispose()
    migrate(url)
    assert _history(url, child) == [("dee", date(2025, 6, 3), None, "FCONTA")]
    command.downgrade(alembic_config(url), "0004")
    database = open_database(url)
    try:
        with database.read() as session:
            tables = inspect(session.connection()).get_table_names()
            columns = {c["name"] for c in inspect(session.connection()).get_columns("user_account")}
    finally:
        database.dispose()
    assert "allocation_history" not in tables and "swe_number" not in columns


@pytest.mark.parametrize("backend", backends())
def test_each_allocation_ends_the_last_holding_and_opens_one_with_its_reason(
    backend: str, tmp_path: Path, pg_schemas: PgSchemas | None
) -> None:
    url = _url(backend, tmp_path, pg_schemas)
    migrate(url)
    database = open_database(url)
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    child = uuid.uuid4()
    try:
        with database.write() as session:
            accounts.create_team(session, name="South", actor="test")
            for name in ("dee", "eve", "fay"):
                accounts.create_user(
                    session,
                    hasher=hasher,
                    username=name,
                    password="a long password",
                    role="worker",
                    display_name=name.title(),
                    team_name="South",
                    actor="test",
                )
        first = database.run_write(
            lambda s: allocation.allocate(
                s, kind="child", subject_id=child, worker_username="dee", actor="admin"
            )
        )
        second = database.run_write(
            lambda s: allocation.allocate(
                s, kind="child", subject_id=child, worker_username="eve", actor="admin"
            )
        )
        third = database.run_write(
            lambda s: allocation.allocate(
                s,
                kind="child",
                subject_id=child,
                worker_username="fay",
                actor="admin",
                reason="leftrl",
            )
        )
        with pytest.raises(AdminError, match="Unknown reason"):
            database.run_write(
                lambda s: allocation.allocate(
                    s,
                    kind="child",
                    subject_id=child,
                    worker_username="dee",
                    actor="admin",
                    reason="BORED",
                )
            )
    finally:
        database.dispose()
    assert (first.reason, second.reason, third.reason) == ("FCONTA", "OTHERS", "LEFTRL")
    today = datetime.now(UTC).date()
    # The refused change left nothing behind: fay still holds the case.
    assert _history(url, child) == [
        ("dee", today, today, "FCONTA"),
        ("eve", today, today, "OTHERS"),
        ("fay", today, None, "LEFTRL"),
    ]


def test_set_swe_records_a_checked_number_and_allocate_takes_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database-url", url, "migrate"]) == EXIT_OK
    assert main(["--database-url", url, "team", "create", "South"]) == EXIT_OK
    for name in ("dee", "eve"):
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long password\n"))
        args = ["user", "create", name, "--role", "worker", "--team", "South"]
        assert main(["--database-url", url, *args, "--password-stdin"]) == EXIT_OK
    base = ["--database-url", url, "user", "set-swe", "dee"]
    assert main([*base, "sw 123456"]) == EXIT_OK
    assert "dee's Social Work England number: SW123456." in capsys.readouterr().out
    for wrong in ("123456", "SWA123", "XX123456"):
        assert main([*base, wrong]) == EXIT_REFUSED
        assert "not a Social Work England registration number" in capsys.readouterr().err
    assert main(base) == EXIT_REFUSED
    child = str(uuid.uuid4())
    assert main(["--database-url", url, "allocate", "child", child, "dee"]) == EXIT_OK
    assert "reason FCONTA" in capsys.readouterr().out
    args = ["reallocate", "child", child, "eve", "--reason", "MANAGE"]
    assert main(["--database-url", url, *args]) == EXIT_OK
    assert "(was dee); reason MANAGE." in capsys.readouterr().out
    assert [row[3] for row in _history(url, uuid.UUID(child))] == ["FCONTA", "MANAGE"]
    database = open_database(url)
    try:
        with database.read() as session:
            dee = accounts.find_user(session, username="dee")
            assert dee.swe_number == "SW123456"
    finally:
        database.dispose()
    assert main([*base, "--clear"]) == EXIT_OK
    assert "dee's Social Work England number: none." in capsys.readouterr().out


def test_social_worker_episodes_are_the_holdings_in_the_year() -> None:
    """Held by A from before the year, by B from 10/06/2024 (a change corrected the same day
    to C), by C until after the year ends: A's row ends in the year, B's same-day holding is
    left out, C's is open at 31 March; D's holding ended before the year and is not reported."""
    child = ChildFile(Item(uuid.uuid4(), {"date_of_birth": "2015-02-01"}))
    workers = {}
    for n, name in enumerate("abcd"):
        workers[name] = UserAccount(id=n, username=name, swe_number=f"SW10{n}")
    holdings = [
        Holding(workers["d"], date(2022, 1, 5), date(2023, 2, 1), "FCONTA"),
        Holding(workers["a"], date(2023, 2, 1), date(2024, 6, 10), "MANAGE"),
        Holding(workers["b"], date(2024, 6, 10), date(2024, 6, 10), "OTHERS"),
        Holding(workers["c"], date(2024, 6, 10), date(2025, 5, 1), "LEFTRL"),
    ]
    records = Records({}, {}, {}, {}, holdings={child.child_id: holdings})
    year = ssda903.CollectionYear(2025)
    rows = [
        ssda903._sw_row(child, "X", h, year)  # noqa: SLF001 - the row maker under test
        for h in ssda903._holdings(records, child, year)  # noqa: SLF001
    ]
    assert [(r["SW_ID"], r["SW_DECOM"], r["SW_DEC"], r["SW_REASON"]) for r in rows] == [
        ("SW100", "01/02/2023", "10/06/2024", "MANAGE"),
        ("SW102", "10/06/2024", "", "LEFTRL"),
    ]
