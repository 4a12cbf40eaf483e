"""The server's settings: one typed class, read from ``CASEBOOK_SERVER_*`` environment variables.

Every limit an operator might need to tune lives here with its default and the reason for it, so
there is one place to look when a council's IT team asks "what does this service enforce?".
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """``CASEBOOK_SERVER_DATA_DIR`` if set, else the platform's per-user data directory."""
    override = os.environ.get("CASEBOOK_SERVER_DATA_DIR")
    if override:
        return Path(override)
    return Path(user_data_dir("casebook-server", appauthor=False))


class Settings(BaseSettings):
    """Server settings; tests build one with overrides instead of touching the environment."""

    model_config = SettingsConfigDict(env_prefix="CASEBOOK_SERVER_", extra="ignore")

    #: SQLAlchemy URL; empty means the embedded SQLite file ``casebook-server.db`` in ``data_dir``.
    database_url: str = ""
    data_dir: Path = Field(default_factory=default_data_dir)

    #: Access tokens are short-lived so a stolen one is worth little; refresh tokens are bound to
    #: a device and rotated on every use.
    access_token_seconds: int = Field(default=15 * 60, ge=1)
    refresh_token_days: int = Field(default=180, ge=1)
    #: Overrides the signing key stored in the database (useful when it must come from a vault).
    secret_key: str | None = None

    #: The longest a laptop may stay offline: tombstones, idempotency results and scope events are
    #: kept at least this long; a laptop whose cursor is older is told to re-sync fully.
    max_offline_days: int = Field(default=120, ge=0)
    purge_interval_seconds: int = Field(default=6 * 3600, ge=0)

    #: Login throttling: failures counted in a sliding window, per account and per client address.
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)

    #: Argon2id cost for account passwords (OWASP's minimum profile by default).
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_memory_kib: int = Field(default=19 * 1024, ge=8)
    argon2_parallelism: int = Field(default=1, ge=1)

    #: Largest request body accepted, after gzip decompression.
    max_body_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    #: Largest push of one change (``?one=true``) accepted, whatever ``max_body_bytes`` says:
    #: a single record must always be sendable, even after a council lowers the batch limit.
    max_record_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    max_attachment_bytes: int = Field(default=64 * 1024 * 1024, ge=1)
    max_chunk_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)

    #: Threads running request handlers (database work) at once. The interpreter runs one
    #: thread's Python at a time, so more threads than a few per core only add switching and
    #: lock convoys; requests beyond this wait their turn in order.
    worker_threads: int = Field(default=8, ge=1, le=1000)

    #: Where the centrally served form templates and deadline rule tables live; None means the
    #: ``resources/forms`` and ``resources/rules`` packages shipped with the server.
    forms_dir: Path | None = None
    rules_dir: Path | None = None

    #: The service's name as laptops print it at the top of every exported record (e.g.
    #: "Northshire Council Children's Permanency Service"); laptops fetch it at their hourly
    #: check (``GET /v1/service``), so the council sets it once here rather than on each laptop.
    service_name: str = Field(
        default="Children's permanency service",
        max_length=120,
        pattern=r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$",
    )

    #: Serve the interactive API documentation (``/docs``, ``/redoc``, ``/openapi.json``). Off by
    #: default: those pages answer without sign-in, and a council's service has no need of them.
    api_docs: bool = False

    def resolved_database_url(self) -> str:
        """The URL to connect to: the configured one, or the SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'casebook-server.db'}"
