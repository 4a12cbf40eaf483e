"""Fixtures for the server tests: real servers under uvicorn on 127.0.0.1, spoken to over HTTP.

Every test runs against SQLite, and against PostgreSQL too when ``CASEBOOK_TEST_PG_URL`` is set
(each server gets a fresh schema, dropped afterwards). If the variable is set and PostgreSQL is
unreachable the tests fail: CI must never go green by skipping them.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.core.config import Settings
from server.core.security import password_hasher
from server.db import Database, migrate, open_database
from server.main import create_app
from server.services import accounts, allocation

PG_ENV = "CASEBOOK_TEST_PG_URL"
PASSWORD = "long enough password"


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


class PgSchemas:
    """Fresh schemas on the test PostgreSQL, one per server, dropped at the end of the session."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self) -> str:
        name = f"casebook_test_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        self.names.append(name)
        return (
            make_url(self.url)
            .update_query_dict({"options": f"-csearch_path={name}"})
            .render_as_string(hide_password=False)
        )

    def drop_all(self) -> None:
        with self.engine.connect() as connection:
            for name in self.names:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[PgSchemas | None]:
    url = os.environ.get(PG_ENV)
    if not url:
        yield None
        return
    schemas = PgSchemas(url)
    with schemas.engine.connect() as connection:  # fails loudly if PostgreSQL is unreachable
        connection.execute(text("SELECT 1"))
    yield schemas
    schemas.drop_all()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A running server: its base URL, settings and a direct database handle for setup."""

    url: str
    settings: Settings
    database: Database
    backend: str
    _uvicorn: uvicorn.Server
    _thread: threading.Thread
    names: set[str] = field(default_factory=set)

    def stop(self) -> None:
        self._uvicorn.should_exit = True
        self._thread.join(timeout=10)
        self.database.dispose()

    # ---- setup helpers (direct, like an admin at the console)

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def team(self) -> str:
        name = self.unique("team")
        self.database.run_write(lambda s: accounts.create_team(s, name=name, actor="test"))
        return name

    def user(self, role: str = "worker", team: str | None = None) -> str:
        username = self.unique(role)
        hasher = password_hasher(self.settings)
        self.database.run_write(
            lambda s: accounts.create_user(
                s,
                hasher=hasher,
                username=username,
                password=PASSWORD,
                role=role,
                display_name=username.title(),
                team_name=team,
                actor="test",
            )
        )
        return username

    def allocate(self, kind: str, subject_id: uuid.UUID, worker: str) -> None:
        self.database.run_write(
            lambda s: allocation.allocate(
                s, kind=kind, subject_id=subject_id, worker_username=worker, actor="test"
            )
        )

    def client(self, username: str) -> Client:
        client = Client(self.url)
        client.register(username)
        return client


class Client:
    """A laptop: registers a device, then pushes and pulls with its access token."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.tokens: dict[str, Any] = {}

    def register(self, username: str, password: str = PASSWORD) -> requests.Response:
        response = self.http.post(
            f"{self.url}/v1/devices",
            json={"username": username, "password": password, "device_name": "Test laptop"},
            timeout=30,
        )
        if response.status_code == 201:
            self.tokens = response.json()
        return response

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.get(f"{self.url}{path}", headers=headers, timeout=60, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.post(f"{self.url}{path}", headers=headers, timeout=60, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.put(f"{self.url}{path}", headers=headers, timeout=60, **kwargs)

    def push_raw(self, changes: list[dict[str, Any]]) -> requests.Response:
        return self.post("/v1/sync/push", json={"changes": changes})

    def push(self, *changes: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.push_raw(list(changes))
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def pull_page(
        self, cursor: str | None = None, limit: int | None = None, *, skip_own: bool = False
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"skip_own": "true"} if skip_own else {}
        if cursor:
            params["cursor"] = cursor
        if limit:
            params["limit"] = limit
        response = self.get("/v1/sync/pull", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def pull_all(self, cursor: str | None = None, limit: int | None = None) -> PullResult:
        result = PullResult(cursor=cursor)
        while True:
            page = self.pull_page(result.cursor, limit)
            result.pages += 1
            for record in page["records"]:
                result.records[record["record_id"]] = record
                result.removed.pop(record["record_id"], None)
            for removal in page["removals"]:
                result.removed[removal["record_id"]] = removal["reason"]
                result.records.pop(removal["record_id"], None)
            result.full_resync = page["full_resync"]
            result.cursor = page["cursor"] or result.cursor
            if not page["more"]:
                return result


@dataclass
class PullResult:
    cursor: str | None
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    full_resync: bool = False


ServerFactory = Callable[..., LiveServer]


def test_settings(tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 8,
        "purge_interval_seconds": 0,
        "login_max_failures_per_address": 1000,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def server_factory(
    tmp_path_factory: pytest.TempPathFactory, pg_schemas: PgSchemas | None
) -> Iterator[ServerFactory]:
    """Start servers on demand (each with its own fresh database); stop them all at the end."""
    started: list[LiveServer] = []

    def start(backend: str = "sqlite", **overrides: Any) -> LiveServer:
        tmp = tmp_path_factory.mktemp("server")
        if backend == "postgresql":
            assert pg_schemas is not None, f"{PG_ENV} is not set"
            url = pg_schemas.create()
        else:
            url = f"sqlite:///{tmp / 'server.db'}"
        settings = test_settings(tmp, database_url=url, **overrides)
        migrate(url)
        database = open_database(url)
        app = create_app(settings, database=database)
        port = free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            timeout_keep_alive=30,
        )
        userver = uvicorn.Server(config)
        thread = threading.Thread(target=userver.run, name=f"uvicorn-{port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not userver.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        live = LiveServer(f"http://127.0.0.1:{port}", settings, database, backend, userver, thread)
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


@pytest.fixture(scope="session", params=backends())
def server(request: pytest.FixtureRequest, server_factory: ServerFactory) -> LiveServer:
    """The shared server for a backend; tests keep apart by using unique names and ids."""
    return server_factory(request.param)


@pytest.fixture
def team_setup(server: LiveServer) -> dict[str, Any]:
    """Two teams, each with a manager and two workers, plus an admin; each holds a child."""
    teams = [server.team(), server.team()]
    people: dict[str, Any] = {"teams": teams, "admin": server.user("admin")}
    for index, team in enumerate(teams):
        people[f"manager{index}"] = server.user("manager", team)
        people[f"worker{index}a"] = server.user("worker", team)
        people[f"worker{index}b"] = server.user("worker", team)
    return people
