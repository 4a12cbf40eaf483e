"""People by name, not login id.

Records keep who wrote, signed off or approved them as login ids, which never change and are
what the audit trail and the service check against; a person reading a record wants a name.
The service sends the names behind the ids this laptop's records carry (``sync.people``, at
the hourly check), kept here in the encrypted store beside the records. An id with no name yet
(an account the laptop has not heard of, an offline-only profile) is shown as it is.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from app.replica import state


def directory(session: Session) -> dict[str, str]:
    """Login id -> display name, as the service last sent them."""
    raw = state.get(session, state.PEOPLE)
    if not raw:
        return {}
    try:
        found = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def save(session: Session, names: dict[str, str]) -> None:
    state.put(session, state.PEOPLE, json.dumps(names, sort_keys=True))


def shown(names: dict[str, str], username: str | None) -> str | None:
    """The person's name, or the login id when no name is known (None stays None)."""
    if not username:
        return username
    return names.get(username) or username


def name_of(session: Session, username: str | None) -> str | None:
    return shown(directory(session), username)
