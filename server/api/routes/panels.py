"""The fostering panel (``server.services.panels``): its dates and agenda read by workers and
managers, changed by managers as the panel administrator. Every read and change, and every
refusal, is audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from server.api.deps import DatabaseDep, SignInDep
from server.api.json_route import api_router
from server.api.routes import errors
from server.core.caller import Caller
from server.core.errors import ServiceError
from server.services import audit, panels
from sync.protocol.panels import (
    NewPanelItem,
    NewPanelMeeting,
    PanelDecision,
    PanelList,
    PanelMeetingView,
    PanelRecommendation,
)

router = api_router(prefix="/v1", tags=["panels"])
T = TypeVar("T")


@router.get(
    "/panels",
    response_model=PanelList,
    responses=errors(401, 403),
    summary="The fostering panel's dates, each with the households on it the caller may see",
)
def panel_list(sign_in: SignInDep, database: DatabaseDep) -> PanelList:
    refused: ServiceError | None = None
    with database.read() as session:
        caller = sign_in.caller(session)
        try:
            answer = panels.panels(session, caller=caller)
        except ServiceError as exc:
            refused = exc
    database.run_write(
        lambda session: audit.record_caller_event(
            session,
            caller=caller,
            action="panel.read",
            outcome="ok" if refused is None else "refused",
            record_type="carer_household" if refused is None else None,
            record_ids=[i.household_id for m in answer.meetings for i in m.items]
            if refused is None
            else [],
        )
    )
    if refused is not None:
        raise refused
    return answer


@router.post(
    "/panels",
    response_model=PanelMeetingView,
    responses=errors(401, 403, 422),
    summary="Set a date the fostering panel sits (managers)",
)
def add_meeting(
    body: NewPanelMeeting, sign_in: SignInDep, database: DatabaseDep
) -> PanelMeetingView:
    return _change(
        sign_in,
        database,
        "panel.add_meeting",
        f"meeting={body.meeting_id} on={body.sits_on}",
        lambda session, caller: panels.add_meeting(session, caller=caller, body=body),
    )


@router.post(
    "/panels/{meeting_id}/items",
    response_model=PanelMeetingView,
    responses=errors(401, 403, 404, 409, 422),
    summary="Put a household on a panel's agenda (managers)",
)
def add_item(
    meeting_id: uuid.UUID, body: NewPanelItem, sign_in: SignInDep, database: DatabaseDep
) -> PanelMeetingView:
    return _change(
        sign_in,
        database,
        "panel.add_item",
        f"meeting={meeting_id} kind={body.kind}",
        lambda session, caller: panels.add_item(
            session, caller=caller, meeting_id=meeting_id, body=body
        ),
        household=body.household_id,
    )


@router.post(
    "/panel-items/{item_id}/recommendation",
    response_model=PanelMeetingView,
    responses=errors(401, 403, 404, 409, 422),
    summary="Record the panel's recommendation on an item (managers)",
)
def recommend(
    item_id: uuid.UUID, body: PanelRecommendation, sign_in: SignInDep, database: DatabaseDep
) -> PanelMeetingView:
    return _change(
        sign_in,
        database,
        "panel.recommend",
        f"item={item_id} recommendation={body.recommendation}",
        lambda session, caller: panels.recommend(
            session, caller=caller, item_id=item_id, body=body
        ),
    )


@router.post(
    "/panel-items/{item_id}/decision",
    response_model=PanelMeetingView,
    responses=errors(401, 403, 404, 409, 422),
    summary="Record the agency decision maker's decision on an item (managers)",
)
def decide(
    item_id: uuid.UUID, body: PanelDecision, sign_in: SignInDep, database: DatabaseDep
) -> PanelMeetingView:
    return _change(
        sign_in,
        database,
        "panel.decide",
        f"item={item_id} decision={body.decision}",
        lambda session, caller: panels.decide(session, caller=caller, item_id=item_id, body=body),
    )


def _change(
    sign_in: SignInDep,
    database: DatabaseDep,
    action: str,
    detail: str,
    work: Callable[[Session, Caller], PanelMeetingView],
    household: uuid.UUID | None = None,
) -> PanelMeetingView:
    """Run ``work`` in one transaction with its audit line; a refusal rolls it back and is
    audited in a transaction of its own."""
    refused: list[tuple[Caller, ServiceError]] = []

    def run(session: Session) -> PanelMeetingView:
        caller = sign_in.caller(session)
        try:
            answer = work(session, caller)
        except ServiceError as exc:
            refused.append((caller, exc))
            raise
        audit.record_caller_event(
            session,
            caller=caller,
            action=action,
            record_type="carer_household",
            record_ids=sorted({i.household_id for i in answer.items} | _one(household)),
            detail=detail,
        )
        return answer

    try:
        answer = database.run_write(run)
    except ServiceError:
        if refused:
            caller, exc = refused[-1]
            database.run_write(
                lambda session: audit.record_caller_event(
                    session,
                    caller=caller,
                    action=action,
                    outcome="refused" if exc.status == 403 else "invalid",
                    detail=f"{detail} code={exc.code}",
                )
            )
        raise
    return answer


def _one(value: T | None) -> set[T]:
    return set() if value is None else {value}
