"""The service's courses for foster carers: added and cancelled by the training team on the
command line (audited), read by workers and managers from a year back, refused to admins."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from server.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from server.models import AuditEvent, utcnow
from server.services import courses
from tests.server.conftest import LiveServer


def test_workers_read_the_courses_from_a_year_back_and_admins_are_refused(
    server: LiveServer,
) -> None:
    today = utcnow().date()
    name = server.unique("Therapeutic parenting")
    old, soon, called_off = (
        server.database.run_write(
            lambda s, title=title, day=day: (
                courses.add_course(
                    s, title=title, starts_on=day, venue="Town Hall", places=12, actor="cli:test"
                ).course_id
            )
        )
        for title, day in (
            (f"{name} (old)", today - timedelta(days=400)),
            (name, today + timedelta(days=14)),
            (f"{name} (called off)", today + timedelta(days=30)),
        )
    )
    server.database.run_write(
        lambda s: courses.cancel_course(s, course_id=called_off, actor="cli:test")
    )
    team = server.team()
    for role in ("worker", "manager"):
        answer = server.client(server.user(role, team)).get("/v1/courses")
        assert answer.status_code == 200, answer.text
        listed = {c["course_id"]: c for c in answer.json()["courses"]}
        assert str(old) not in listed  # more than a year ago
        assert listed[str(soon)]["title"] == name and listed[str(soon)]["places"] == 12
        assert listed[str(soon)]["cancelled"] is False
        assert listed[str(called_off)]["cancelled"] is True
    refused = server.client(server.user("admin")).get("/v1/courses")
    assert refused.status_code == 403
    assert refused.json()["code"] == "courses_refused"
    with server.database.read() as session:
        actions = set(
            session.scalars(
                select(AuditEvent.action).where(AuditEvent.detail.contains(str(called_off)))
            )
        )
    assert actions == {"course.add", "course.cancel"}


def test_the_training_team_adds_lists_and_cancels_courses_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'courses.db'}"
    assert main(["--database-url", url, "migrate"]) == EXIT_OK
    added = main(
        ["--database-url", url, "course", "add", "Life story work", "--date", "2027-01-20",
         "--venue", "Town Hall", "--places", "10"]
    )  # fmt: skip
    assert added == EXIT_OK
    said = capsys.readouterr().out
    assert "Life story work on 20 Jan 2027" in said
    found = re.search(r"Added course ([0-9a-f-]{36}):", said)
    assert found is not None, said
    course_id = found.group(1)
    assert main(["--database-url", url, "course", "add", " ", "--date", "2027-01-20"]) == (
        EXIT_REFUSED
    )
    assert "title on one line" in capsys.readouterr().err
    with pytest.raises(SystemExit) as bad_date:
        main(["--database-url", url, "course", "add", "X", "--date", "20/01/2027"])
    assert bad_date.value.code == EXIT_USAGE
    capsys.readouterr()
    assert main(["--database-url", url, "course", "cancel", course_id]) == EXIT_OK
    assert main(["--database-url", url, "course", "list"]) == EXIT_OK
    assert f"{course_id}  2027-01-20  Life story work, 10 places (cancelled)" in (
        capsys.readouterr().out
    )


def test_the_demo_service_has_courses_run_and_to_come(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--database-url", url, "migrate"]) == EXIT_OK
    assert main(["--database-url", url, "demo", "--children", "30"]) == EXIT_OK
    capsys.readouterr()
    assert main(["--database-url", url, "course", "list"]) == EXIT_OK
    listed = [line.split("  ") for line in capsys.readouterr().out.splitlines()]
    today = utcnow().date().isoformat()
    days = [row[1] for row in listed]
    assert len(listed) == 5 and days == sorted(days)
    assert any(day < today for day in days) and any(day > today for day in days)
