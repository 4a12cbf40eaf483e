"""``/health``: the load balancer's probe. It touches the database, so a dead database shows."""

from __future__ import annotations

from server.api.deps import SessionDep
from server.api.json_route import api_router
from server.schemas import Health
from server.services import revisions
from sync.protocol.messages import PROTOCOL_VERSION

router = api_router(tags=["health"])


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    revision = revisions.latest(session)
    return Health(status="ok", database="ok", protocol_version=PROTOCOL_VERSION, revision=revision)
