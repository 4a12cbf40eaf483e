"""The FastAPI application: routes, middleware, error rendering and the background purge.

Every error leaves as an :class:`~sync.protocol.messages.ErrorBody`, so a laptop can always
show a sentence and act on ``action``; nothing from a request body is ever logged.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.api.access_log import hide_attachment_hashes
from server.api.gzip_answers import GzipAnswers
from server.api.middleware import BodyLimitMiddleware
from server.api.routes import (
    attachments,
    courses,
    devices,
    documents,
    health,
    panels,
    register,
    reports,
    sync,
    team,
)
from server.core import security
from server.core.config import Settings
from server.core.errors import ServiceError
from server.db import Database, open_database
from server.services.documents import load_documents
from server.services.purge import purge
from sync.protocol import compression
from sync.protocol.messages import PROTOCOL_VERSION, ErrorBody

logger = logging.getLogger(__name__)


def _error_response(
    status: int, body: ErrorBody, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"), headers=headers)


async def _service_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    body = ErrorBody(code=exc.code, message=exc.message, field=exc.field, action=exc.action)
    return _error_response(exc.status, body, exc.headers)


def _malformed_json() -> ErrorBody:
    return ErrorBody(code="malformed_json", message="The request body is not valid JSON.")


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors: list[Any] = list(exc.errors())
    first = errors[0] if errors else {}
    location = [str(part) for part in first.get("loc", ())]
    field = ".".join(location[1:]) if len(location) > 1 else (location[0] if location else None)
    if first.get("type") == "json_invalid":
        body = _malformed_json()
    else:
        body = ErrorBody(
            code="invalid_request",
            message=f"{field or 'The request'}: {first.get('msg', 'is not valid')}.",
            field=field,
        )
    return _error_response(422, body)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        # FastAPI's own answer to a body it cannot decode (not UTF-8): the same as any other
        # body that is not JSON, so a client meets one documented answer for both.
        return _error_response(422, _malformed_json(), None)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    message = "There is nothing at this address." if exc.status_code == 404 else str(exc.detail)
    return _error_response(exc.status_code, ErrorBody(code=code, message=message), None)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled %s in a request", type(exc).__name__, exc_info=exc)
    body = ErrorBody(
        code="internal_error",
        message="The server hit a problem it did not expect. Your changes are safe on the "
        "laptop; try again later, and tell support if it keeps happening.",
    )
    return _error_response(500, body)


def _purge_loop(database: Database, settings: Settings, stop: threading.Event) -> None:
    while not stop.wait(settings.purge_interval_seconds):
        try:
            database.run_write(
                lambda session: purge(session, max_offline_days=settings.max_offline_days)
            )
        except Exception:  # a failed purge must never take the server down
            logger.exception("periodic purge failed")


def freeze_startup_heap() -> None:
    """Exempt everything alive at startup from the garbage collector's full collections.

    That is most of the heap (modules, SQLAlchemy's and pydantic's machinery) and it lives as
    long as the process. A push of a thousand records creates enough objects to set off a full
    collection, which otherwise rescans all of it each time: measured, that was a quarter of a
    push's CPU. Done once per process (several apps may share one, as in the tests).
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def _read_documents(settings: Settings) -> None:
    """Read the forms and rule tables before the first laptop asks for them, and tell IT at
    once if one is broken (the service still starts: sync does not depend on them)."""
    for kind, folder in (("forms", settings.forms_dir), ("rules", settings.rules_dir)):
        try:
            load_documents(kind, folder)
        except ServiceError as exc:
            logger.error("%s", exc.message)


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """Build the application for ``settings`` (the database must already be migrated)."""
    db = database or open_database(settings.resolved_database_url())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        _read_documents(settings)
        freeze_startup_heap()
        stop = threading.Event()
        worker = None
        if settings.purge_interval_seconds > 0:
            worker = threading.Thread(
                target=_purge_loop, args=(db, settings, stop), name="purge", daemon=True
            )
            worker.start()
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                worker.join(timeout=5)
            db.dispose()

    hide_attachment_hashes()
    # The interactive documentation answers without sign-in: off unless the service turns it
    # on (CASEBOOK_SERVER_API_DOCS=1), e.g. on a test service. The contract is in the code.
    docs = settings.api_docs
    app = FastAPI(
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        title="Casebook central service",
        version=f"protocol {PROTOCOL_VERSION}",
        description="Accounts, devices, caseload scope, sync, attachments and audit for "
        "Casebook laptops. Every error answer is an ErrorBody.",
        lifespan=lifespan,
    )
    hasher = security.password_hasher(settings)
    app.state.settings = settings
    app.state.database = db
    app.state.secret = None
    app.state.hasher = hasher
    app.state.dummy_hash = hasher.hash("casebook: no such account")

    # Level 1: pages of case records still shrink about fourfold, at a fraction of the CPU of
    # the default level 9, which was the largest single cost of a pull (measured, bench.sync).
    app.add_middleware(GzipAnswers, minimum_size=1024, compresslevel=compression.LEVEL)
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_record_bytes=settings.max_record_bytes,
    )
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    for module in (
        health,
        devices,
        sync,
        attachments,
        documents,
        team,
        reports,
        register,
        panels,
        courses,
    ):
        app.include_router(module.router)
    return app
