"""Client tests that sign in run against the real server on 127.0.0.1, on every configured
backend, exactly as the sync tests do."""

from __future__ import annotations

from tests.server.conftest import pg_schemas, server, server_factory  # noqa: F401  (fixtures)
