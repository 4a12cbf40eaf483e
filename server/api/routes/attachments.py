"""Attachment files: resumable upload in chunks, status for resuming, download."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from server.api.deps import CurrentUser, DatabaseDep, SettingsDep
from server.api.json_route import api_router
from server.api.routes import AUTHED, errors
from server.core.caller import Caller
from server.core.config import Settings
from server.core.errors import ServiceError
from server.schemas import UploadStatus
from server.services import audit, files

router = api_router(prefix="/v1/attachments", tags=["attachments"])

_BINARY_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/{sha256}/upload",
    response_model=UploadStatus,
    responses=errors(401, 403, 404, 422),
    summary="How much of this file the server holds (resume from `received`)",
)
def upload_status(
    sha256: str, caller: CurrentUser, database: DatabaseDep, settings: SettingsDep
) -> UploadStatus:
    with database.read() as session:
        status, _ref = files.upload_status(session, caller=caller, sha256=sha256, settings=settings)
    return status


@router.head(
    "/{sha256}/upload",
    response_class=Response,
    responses={
        200: {
            "description": "Upload-Offset and Upload-Length headers give the upload's progress",
            "headers": {
                "Upload-Offset": {"schema": {"type": "integer"}},
                "Upload-Length": {"schema": {"type": "integer"}},
            },
        },
        **errors(401, 403, 404, 422),
    },
    summary="Upload progress as headers (for resuming without a body)",
)
def upload_head(
    sha256: str, caller: CurrentUser, database: DatabaseDep, settings: SettingsDep
) -> Response:
    status = upload_status(sha256, caller, database, settings)
    return Response(
        headers={"Upload-Offset": str(status.received), "Upload-Length": str(status.size)}
    )


@router.put(
    "/{sha256}/upload",
    response_model=UploadStatus,
    responses=errors(*AUTHED, 404, 409),
    openapi_extra=_BINARY_BODY,
    summary="Append a chunk at `offset`; the last chunk is verified against the hash",
)
async def put_chunk(
    sha256: str,
    request: Request,
    caller: CurrentUser,
    database: DatabaseDep,
    settings: SettingsDep,
    offset: Annotated[int, Query(ge=0)],
) -> UploadStatus:
    data = await request.body()
    result = await run_in_threadpool(
        database.run_write,
        lambda session: _store(session, caller, sha256, offset, data, settings),
    )
    if result.hash_mismatch:
        raise ServiceError(
            422,
            "hash_mismatch",
            "The uploaded file does not match its SHA-256, so it was discarded. Upload it again "
            "from the start.",
            field="sha256",
        )
    return result.status


def _store(
    session: Session, caller: Caller, sha256: str, offset: int, data: bytes, settings: Settings
) -> files.ChunkResult:
    result = files.put_chunk(
        session, caller=caller, sha256=sha256, offset=offset, data=data, settings=settings
    )
    if result.status.complete or result.hash_mismatch:
        audit.record_caller_event(
            session,
            caller=caller,
            action="attachment.upload",
            outcome="rejected" if result.hash_mismatch else "ok",
            record_type="attachment",
            record_ids=result.ref.record_ids,
        )
    return result


@router.get(
    "/{sha256}",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file's bytes"},
        206: {
            "content": {"application/octet-stream": {}},
            "description": "The part asked for with a Range header (a resumed download)",
        },
        **errors(401, 403, 404, 422),
    },
    summary="Download a complete attachment in the caller's caseload",
)
def download(
    sha256: str,
    caller: CurrentUser,
    database: DatabaseDep,
    range_header: Annotated[str | None, Header(alias="Range", max_length=64)] = None,
) -> Response:
    try:
        with database.read() as session:
            data, ref = files.read_blob(session, caller=caller, sha256=sha256)
    except ServiceError as error:
        if error.status == 404:
            database.run_write(
                lambda session: audit.record_caller_event(
                    session,
                    caller=caller,
                    action="attachment.download",
                    outcome="denied",
                    record_type="attachment",
                    detail=f"sha256={sha256[:64]}",
                )
            )
        raise
    database.run_write(
        lambda session: audit.record_caller_event(
            session,
            caller=caller,
            action="attachment.download",
            record_type="attachment",
            record_ids=ref.record_ids,
        )
    )
    headers = {
        "ETag": f'"{sha256}"',
        "Cache-Control": "private, no-store",
        "Accept-Ranges": "bytes",
    }
    wanted = _byte_range(range_header, len(data))
    if wanted is None:
        return Response(content=data, media_type="application/octet-stream", headers=headers)
    # A laptop fetches big files a piece at a time, so a dropped connection costs one piece.
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    return Response(
        content=data[first : last + 1],
        status_code=206,
        media_type="application/octet-stream",
        headers=headers,
    )


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``Range: bytes=N-`` or ``bytes=N-M`` (one range, the only kind a laptop sends) as the
    first and last byte; anything else is answered with the whole file, as HTTP allows."""
    if not header or not header.startswith("bytes="):
        return None
    first_text, dash, last_text = header[len("bytes=") :].partition("-")
    if not dash or not first_text.isdigit() or (last_text and not last_text.isdigit()):
        return None
    first = int(first_text)
    last = min(int(last_text), size - 1) if last_text else size - 1
    if not 0 <= first <= last:
        return None
    return first, last
