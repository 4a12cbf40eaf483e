"""Push, pull and single-record reads: the sync contract in :mod:`sync.protocol.messages`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Response

from server.api.deps import CurrentUser, DatabaseDep, SettingsDep, SignInDep
from server.api.json_route import api_router
from server.api.routes import AUTHED, errors
from server.core.errors import ServiceError
from server.services import audit, sync
from server.services.records import record_to_wire
from sync.protocol.messages import (
    DEFAULT_PULL_PAGE,
    MAX_PULL_PAGE,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordVersion,
)

router = api_router(prefix="/v1", tags=["sync"])


@router.post(
    "/sync/push",
    response_model=PushResponse,
    responses=errors(*AUTHED),
    summary="Apply a batch of changes; each is answered on its own, re-sends change nothing",
)
def push(
    body: PushRequest,
    sign_in: SignInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    cursor: Annotated[
        str | None,
        Query(
            max_length=512,
            description="The laptop's pull cursor, as the body's `cursor` (this wins if both "
            "are given): sent apart so a laptop can encode a batch before the answer that "
            "brings the cursor is in.",
        ),
    ] = None,
    one: Annotated[
        bool,
        Query(
            description="This push carries exactly one change: the body limit is then the "
            "service's largest record, not its batch limit, so any single record can be sent."
        ),
    ] = False,
) -> Response:
    if one and len(body.changes) != 1:
        raise ServiceError(
            422,
            "one_change",
            "A push sent with one=true must carry exactly one change.",
            field="one",
        )
    cursor_text = cursor if cursor is not None else body.cursor
    # Signed in within the batch's own transaction (see ``SignIn``), as a pull is in its read.
    answer = database.run_write(
        lambda session: sync.push(
            session,
            caller=sign_in.caller(session, pushing=True),
            settings=settings,
            changes=list(body.changes),
            secret=sign_in.secret,
            cursor_text=cursor_text,
        )
    )
    # Serialised once, directly (as pull does): through ``response_model`` the answer would be
    # validated again and then serialised, which for a batch of 1,000 results is not free.
    return Response(content=answer.model_dump_json(), media_type="application/json")


@router.get(
    "/sync/pull",
    response_model=PullResponse,
    responses=errors(400, 401, 403, 422),
    summary="One page of everything this laptop may hold that changed after the cursor",
)
def pull(
    sign_in: SignInDep,
    database: DatabaseDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = DEFAULT_PULL_PAGE,
    skip_own: Annotated[
        bool,
        Query(
            description="Leave out versions this device wrote itself (it has them from its "
            "push answers); set by a laptop whose store has been with this device all along."
        ),
    ] = False,
) -> Response:
    # Signed in within the page's own read (see ``SignIn``): a quiet sync is this one request.
    with database.read() as session:
        sync.one_snapshot(session)
        caller = sign_in.caller(session)
        response, returned = sync.pull(
            session,
            caller=caller,
            secret=sign_in.secret,
            cursor_text=cursor,
            limit=limit,
            skip_own=skip_own,
        )
    if returned:
        database.run_write(
            lambda session: audit.record_caller_event(
                session,
                caller=caller,
                action="record.read",
                record_ids=returned,
                detail=f"pull records={len(returned)}",
            )
        )
    # Serialised once, here (``server.services.pull_page``): letting the framework validate and
    # re-encode thousands of records would cost more than reading them.
    return Response(content=response.to_json(), media_type="application/json")


@router.get(
    "/records/{record_type}/{record_id}",
    response_model=RecordVersion,
    responses=errors(401, 403, 404, 422),
    summary="The server's current version of one record in the caller's caseload",
)
def get_record(
    record_type: str, record_id: uuid.UUID, caller: CurrentUser, database: DatabaseDep
) -> RecordVersion:
    try:
        with database.read() as session:
            record = record_to_wire(
                sync.get_record(
                    session, caller=caller, record_type=record_type, record_id=record_id
                )
            )
    except ServiceError:
        database.run_write(
            lambda session: audit.record_caller_event(
                session,
                caller=caller,
                action="record.read",
                outcome="denied",
                record_type=record_type,
                record_ids=[record_id],
            )
        )
        raise
    database.run_write(
        lambda session: audit.record_caller_event(
            session,
            caller=caller,
            action="record.read",
            record_type=record_type,
            record_ids=[record_id],
        )
    )
    return record
