"""The service's courses for foster carers on a laptop: read from the service
(``/v1/courses``) when it can be reached, with the last list kept in the encrypted store
(``app.replica.state``) so a worker can book a carer at a visit with no signal, shown "as of" the
time the service sent it. The laptop only reads the list; its bookings are the household's own
training records (``app.services.training``), synced like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.replica import state
from app.settings import Settings
from app.store import Store
from sync import account
from sync.client import ServiceUnavailable
from sync.protocol.courses import CourseList
from sync.team import NoFigures

OFFLINE = (
    "This laptop is not connected to a service, so it has no list of courses. Connect it in "
    "Settings."
)


@dataclass(frozen=True)
class CoursesAnswer:
    courses: CourseList
    #: False: the service could not be reached and this is the last list kept.
    live: bool
    #: Why the list is not live, in the worker's words.
    reason: str = ""


def fetch(store: Store, settings: Settings) -> CoursesAnswer:
    """The courses from the service (kept for offline use), else the last list kept.

    Raises ``NoFigures`` when there is none to show, and ``ServiceRefused`` when the service
    says no, which no kept copy should hide."""
    client = account.client_for(store, settings)
    if client is None:
        return _kept_or_raise(store, OFFLINE)
    try:
        answer = client.courses()
    except ServiceUnavailable as exc:
        return _kept_or_raise(store, str(exc))
    finally:
        client.close()
    with store.write(remote=True) as session:
        state.put(session, state.CARER_COURSES, answer.model_dump_json())
    return CoursesAnswer(answer, live=True)


def kept(store: Store) -> CourseList | None:
    """The last list the service sent, or None."""
    with store.read() as session:
        raw = state.get(session, state.CARER_COURSES)
    return CourseList.model_validate_json(raw) if raw else None


def _kept_or_raise(store: Store, reason: str) -> CoursesAnswer:
    found = kept(store)
    if found is None:
        raise NoFigures(reason)
    return CoursesAnswer(found, live=False, reason=reason)


__all__ = ["CoursesAnswer", "NoFigures", "fetch", "kept"]
