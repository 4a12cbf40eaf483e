"""Security tests run against the real server on 127.0.0.1, on every configured backend."""

from __future__ import annotations

from tests.server.conftest import pg_schemas, server, server_factory  # noqa: F401  (fixtures)
