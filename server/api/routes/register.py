"""The carer register (``server.services.register``): read online by the service's workers
and managers to match a child to carers. Every read, and every refusal, is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from server.api.deps import DatabaseDep, SignInDep
from server.api.json_route import api_router
from server.api.routes import errors
from server.core.errors import ServiceError
from server.services import audit, register
from sync.protocol.register import CarerRegister

router = api_router(prefix="/v1", tags=["register"])


@router.get(
    "/register",
    response_model=CarerRegister,
    responses=errors(401, 403, 422),
    summary="Approved carer households: terms, children placed now and free places",
)
def carer_register(
    sign_in: SignInDep,
    database: DatabaseDep,
    age: Annotated[
        int | None, Query(ge=0, le=25, description="A child's age: households approved for it")
    ] = None,
    approval_type: Annotated[
        str | None,
        Query(max_length=32, description="A fostering_approval_type code, e.g. SHORT_TERM"),
    ] = None,
    vacant_only: Annotated[bool, Query(description="Only households with a free place")] = False,
) -> CarerRegister:
    shown_age = "-" if age is None else age
    asked = f"age={shown_age} type={approval_type or '-'} vacant={vacant_only}"
    refused: ServiceError | None = None
    with database.read() as session:
        caller = sign_in.caller(session)
        try:
            answer = register.carer_register(
                session,
                caller=caller,
                age=age,
                approval_type=approval_type,
                vacant_only=vacant_only,
            )
        except ServiceError as exc:
            refused = exc
    database.run_write(
        lambda session: audit.record_caller_event(
            session,
            caller=caller,
            action="register.read",
            outcome=_outcome(refused),
            detail=asked if refused is None else f"{asked} code={refused.code}",
            record_type="carer_household" if refused is None else None,
            record_ids=[e.household_id for e in answer.entries] if refused is None else [],
        )
    )
    if refused is not None:
        raise refused
    return answer


def _outcome(refused: ServiceError | None) -> str:
    if refused is None:
        return "ok"
    return "refused" if refused.status == 403 else "invalid"
