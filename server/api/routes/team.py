"""A team manager's API: the Team page's figures and allocation within the team."""

from __future__ import annotations

from server.api.deps import DatabaseDep, SignInDep
from server.api.json_route import api_router
from server.api.routes import AUTHED, errors
from server.services import audit, team
from sync.protocol.team import AllocationDone, AllocationRequest, TeamOverview, TeamReentries

router = api_router(prefix="/v1/team", tags=["team"])


@router.get(
    "/overview",
    response_model=TeamOverview,
    responses=errors(401, 403),
    summary="The caller's team (managers only): each worker's figures, each case's due items",
)
def overview(sign_in: SignInDep, database: DatabaseDep) -> TeamOverview:
    with database.read() as session:
        caller = sign_in.caller(session)
        answer = team.overview(session, caller=caller)
    database.run_write(
        lambda session: audit.record_caller_event(
            session, caller=caller, action="team.overview", detail=answer.team
        )
    )
    return answer


@router.get(
    "/reentries",
    response_model=TeamReentries,
    responses=errors(401, 403),
    summary="The caller's team's children back in care within the window after going home",
)
def reentries(sign_in: SignInDep, database: DatabaseDep) -> TeamReentries:
    with database.read() as session:
        caller = sign_in.caller(session)
        answer = team.reentries(session, caller=caller)
    database.run_write(
        lambda session: audit.record_caller_event(
            session,
            caller=caller,
            action="team.reentries",
            record_type="child",
            record_ids=sorted({r.subject_id for r in answer.reentries}),
        )
    )
    return answer


@router.post(
    "/allocations",
    response_model=AllocationDone,
    responses=errors(*AUTHED, 404),
    summary="Give a child or household held in the caller's team to another member of it",
)
def allocate(body: AllocationRequest, sign_in: SignInDep, database: DatabaseDep) -> AllocationDone:
    return database.run_write(
        lambda session: team.reallocate(session, caller=sign_in.caller(session), request=body)
    )
