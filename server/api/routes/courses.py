"""The service's courses for foster carers (``server.services.courses``), read by workers'
laptops to book carers onto them."""

from __future__ import annotations

from server.api.deps import DatabaseDep, SignInDep
from server.api.json_route import api_router
from server.api.routes import errors
from server.services import courses
from sync.protocol.courses import CourseList

router = api_router(prefix="/v1", tags=["courses"])


@router.get(
    "/courses",
    response_model=CourseList,
    responses=errors(401, 403),
    summary="The service's courses for foster carers, from a year back",
)
def course_list(sign_in: SignInDep, database: DatabaseDep) -> CourseList:
    with database.read() as session:
        return courses.course_list(session, caller=sign_in.caller(session))
