"""``/health``: the load balancer's probe. It touches the database, so a dead database shows."""

from __future__ import annotations

from sqlalchemy import select

from server.api.deps import SessionDep
from server.api.json_route import api_router
from server.models import RevisionCounter
from server.schemas import Health
from sync.protocol.messages import PROTOCOL_VERSION

router = api_router(tags=["health"])


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    revision = session.scalar(select(RevisionCounter.value).where(RevisionCounter.id == 1)) or 0
    return Health(status="ok", database="ok", protocol_version=PROTOCOL_VERSION, revision=revision)
