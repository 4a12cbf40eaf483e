"""Display names: an admin sets the name an account is shown by, and each laptop is sent the
names behind the login ids it may meet (its team, and whoever wrote, signed off or approved a
record it holds), no others."""

from __future__ import annotations

import io
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from server.cli import EXIT_OK, EXIT_REFUSED, main
from tests.server.conftest import LiveServer
from tests.server.helpers import new_child, upsert, visit_fields


def test_an_admin_renames_an_account_and_it_is_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database-url", url, "migrate"]) == EXIT_OK
    assert main(["--database-url", url, "team", "create", "North"]) == EXIT_OK
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long password\n"))
    create = ["user", "create", "worker11", "--role", "worker", "--team", "North"]
    assert main(["--database-url", url, *create, "--password-stdin"]) == EXIT_OK
    assert main(["--database-url", url, "user", "rename", "worker11", " Amara   Okafor "]) == 0
    assert "worker11 is now shown as 'Amara Okafor'." in capsys.readouterr().out
    assert main(["--database-url", url, "user", "rename", "nobody", "X"]) == EXIT_REFUSED
    assert main(["--database-url", url, "user", "rename", "worker11", "  "]) == EXIT_REFUSED
    assert main(["--database-url", url, "user", "list"]) == EXIT_OK
    assert "Amara Okafor" in capsys.readouterr().out
    assert main(["--database-url", url, "audit", "--action", "admin.user.rename"]) == EXIT_OK
    assert "user=worker11" in capsys.readouterr().out


def test_a_laptop_gets_the_names_it_may_meet(
    server: LiveServer, team_setup: dict[str, Any]
) -> None:
    """Worker a's laptop is told its team's names and the name of a worker from another team
    who signed off a visit on a child now held by a (reallocated across teams by an admin), but
    not the names of the other team's other people."""
    outsider = server.client(team_setup["worker1a"])
    child, _ = new_child(outsider)
    [visit] = outsider.push(upsert("visit", uuid.uuid4(), visit_fields(child, status="finalised")))
    assert visit["status"] == "applied", visit
    server.allocate("child", child, team_setup["worker0a"])
    answer = server.client(team_setup["worker0a"]).get("/v1/people")
    assert answer.status_code == 200, answer.text
    names = {p["username"]: p["display_name"] for p in answer.json()["people"]}
    mine = {team_setup[k] for k in ("manager0", "worker0a", "worker0b")}
    assert mine | {team_setup["worker1a"]} == set(names)
    assert names[team_setup["worker0a"]] == team_setup["worker0a"].title()
