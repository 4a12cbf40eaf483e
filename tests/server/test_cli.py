"""The casebook-server command line, through main(argv): results, messages and exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from server.cli import EXIT_OK, EXIT_REFUSED, EXIT_SCHEMA, EXIT_STARTUP, main
from server.db import check_schema, migrate


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database-url", url, "migrate"]) == EXIT_OK
    return url


def run(
    url: str, *args: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None
) -> int:
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--database-url", url, *args])


def test_user_team_and_device_administration(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Teams and users are created and listed; duplicates and unknown teams exit 1."""
    assert run(db_url, "team", "create", "North") == EXIT_OK
    assert run(db_url, "team", "create", "North") == EXIT_REFUSED
    assert (
        run(
            db_url,
            "user",
            "create",
            "ann",
            "--role",
            "worker",
            "--team",
            "North",
            "--password-stdin",
            stdin="a long password\n",
            monkeypatch=monkeypatch,
        )
        == EXIT_OK
    )
    assert (
        run(
            db_url,
            "user",
            "create",
            "bob",
            "--role",
            "manager",
            "--team",
            "Nowhere",
            "--password-stdin",
            stdin="a long password\n",
            monkeypatch=monkeypatch,
        )
        == 1
    )
    assert (
        run(
            db_url,
            "user",
            "create",
            "cat",
            "--role",
            "worker",
            "--password-stdin",
            stdin="short\n",
            monkeypatch=monkeypatch,
        )
        == EXIT_REFUSED
    )
    capsys.readouterr()
    assert run(db_url, "user", "list") == EXIT_OK
    listing = capsys.readouterr().out
    assert "ann" in listing and "North" in listing and "cat" not in listing
    # Unsent work is abandoned only on purpose, for a disabled account (audited).
    assert run(db_url, "user", "abandon-unsent", "ann") == EXIT_REFUSED
    assert run(db_url, "user", "disable", "ann") == EXIT_OK
    assert run(db_url, "user", "disable", "nobody") == EXIT_REFUSED
    assert run(db_url, "user", "abandon-unsent", "ann") == EXIT_OK
    capsys.readouterr()
    assert run(db_url, "audit", "--action", "admin.user.abandon_unsent") == EXIT_OK
    assert "user=ann" in capsys.readouterr().out
    assert run(db_url, "device", "list") == EXIT_OK
    assert run(db_url, "device", "revoke", "not-a-uuid") == EXIT_REFUSED
    assert run(db_url, "device", "revoke", str(uuid.uuid4())) == EXIT_REFUSED
    assert run(db_url, "reset-lockout", str(uuid.uuid4())) == EXIT_REFUSED


def test_allocation_and_audit_query(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Allocating and reallocating a child is audited and found by the audit query."""
    run(db_url, "team", "create", "South")
    for name in ("dee", "eve"):
        run(
            db_url,
            "user",
            "create",
            name,
            "--role",
            "worker",
            "--team",
            "South",
            "--password-stdin",
            stdin="a long password\n",
            monkeypatch=monkeypatch,
        )
    child = str(uuid.uuid4())
    assert run(db_url, "allocate", "child", child, "dee") == EXIT_OK
    assert run(db_url, "reallocate", "child", child, "eve") == EXIT_OK
    assert run(db_url, "reallocate", "child", child, "eve") == EXIT_REFUSED
    assert run(db_url, "allocate", "child", "not-a-uuid", "eve") == EXIT_REFUSED
    assert run(db_url, "allocate", "household", child, "nobody") == EXIT_REFUSED
    capsys.readouterr()
    assert run(db_url, "audit", "--record", child, "--json") == EXIT_OK
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all('"admin.allocate"' in line for line in lines)
    assert run(db_url, "audit", "--action", "admin.*", "--limit", "3") == EXIT_OK


def test_bad_arguments_exit_2(db_url: str) -> None:
    """Unknown commands and roles are usage errors (exit 2)."""
    with pytest.raises(SystemExit) as unknown:
        main(["--database-url", db_url, "frobnicate"])
    assert unknown.value.code == 2
    with pytest.raises(SystemExit) as role:
        main(["--database-url", db_url, "user", "create", "x", "--role", "king"])
    assert role.value.code == 2


def test_commands_refuse_an_out_of_date_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """serve and admin commands on an unmigrated database exit 3 and say to run migrate."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["--database-url", url, "serve", "--port", "1"]) == EXIT_SCHEMA
    assert "casebook-server migrate" in capsys.readouterr().err
    assert main(["--database-url", url, "user", "list"]) == EXIT_SCHEMA


def test_serve_refuses_workers_it_cannot_run(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``serve --workers`` outside 1-64, or with the stdin watchdog (which can stop one process
    only), exits 4 with the reason, before any process starts."""
    assert run(db_url, "serve", "--port", "1", "--workers", "0") == EXIT_STARTUP
    assert "--workers must be 1-64" in capsys.readouterr().err
    assert (
        run(db_url, "serve", "--port", "1", "--workers", "2", "--stop-when-stdin-closes")
        == EXIT_STARTUP
    )
    assert "needs one worker" in capsys.readouterr().err


def test_database_url_is_accepted_after_the_command_as_well_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``serve --database-url URL`` (as the admin guide's readers type it) reaches the same
    database as ``--database-url URL serve``; so does a nested command's, and one given after
    the command wins over one before it."""
    url = f"sqlite:///{tmp_path / 'after.db'}"
    assert main(["migrate", "--database-url", url]) == EXIT_OK
    check_schema(url)  # migrated: the option after the command was used
    assert main(["team", "create", "Fostering East", "--database-url", url]) == EXIT_OK
    capsys.readouterr()
    elsewhere = f"sqlite:///{tmp_path / 'unmigrated.db'}"
    assert main(["--database-url", elsewhere, "team", "list", "--database-url", url]) == EXIT_OK
    assert "Fostering East" in capsys.readouterr().out
    # serve checks the schema of the database it was given: an unmigrated one after the
    # command is refused (exit 3), so the option was not silently dropped.
    assert main(["serve", "--port", "1", "--database-url", elsewhere]) == EXIT_SCHEMA
    assert "casebook-server migrate" in capsys.readouterr().err


def test_migrations_bring_a_fresh_database_to_the_models(tmp_path: Path) -> None:
    """After migrate the schema check passes and the models match the migrated tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from server.db import make_engine
    from server.models import Base

    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    check_schema(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_demo_builds_a_believable_service(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The demo creates teams, accounts with printed passwords and children with histories;
    a second load into the same database is refused."""
    assert run(db_url, "demo", "--children", "12") == EXIT_OK
    out = capsys.readouterr().out
    assert "12 children" in out and "manager1" in out and "worker11" in out
    assert run(db_url, "demo") == EXIT_REFUSED


def test_entry_point_runs_as_a_subprocess(tmp_path: Path) -> None:
    """`python -m server.cli migrate` works as a separate process and exits 0."""
    url = f"sqlite:///{tmp_path / 'sub.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "--database-url", url, "migrate"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout


def test_demo_words_fit_each_child(db_url: str) -> None:
    """What a child says on a visit fits their age (no four-year-old asking for time at the
    youth club, no baby asked at all), and a care plan agrees with the placement (a child
    placed with family or friends is not planned for adoption, one placed for adoption is)."""
    import sqlalchemy as sa

    from server.models.records import Record

    assert run(db_url, "demo", "--children", "12") == EXIT_OK
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(Record.record_id, Record.record_type, Record.fields)
        ).all()
    engine.dispose()
    born = {
        str(record_id): fields["date_of_birth"]
        for record_id, kind, fields in rows
        if kind == "child" and "date_of_birth" in fields
    }
    children: dict[str, list[dict[str, Any]]] = {k: [] for k in ("visit", "care_plan", "placement")}
    for _id, kind, fields in rows:
        if kind in children:
            children[kind].append(fields)
    older = ("youth club", "college", "sixth form")
    checked = 0
    for visit in children["visit"]:
        child = visit.get("child_id")
        if not child or visit.get("visit_type") != "STATUTORY_CHILD":
            continue
        if child not in born:
            continue
        age = (date.fromisoformat(visit["visit_date"]) - date.fromisoformat(born[child])).days
        words = visit.get("wishes_and_feelings") or ""
        if age < 11 * 365:
            assert not any(w in words for w in older), (age // 365, words)
            checked += 1
        if age < 4 * 365:
            assert words == "", (age // 365, words)
    assert checked > 0
    placed = {p["child_id"]: p["placement_type"] for p in children["placement"]}
    for plan in children["care_plan"]:
        place = placed.get(plan["child_id"])
        if place in ("U1", "U3"):
            assert plan["permanence_plan"] != "ADOPTION"
        if place == "U5":
            assert plan["permanence_plan"] == "ADOPTION"
