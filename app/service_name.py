"""The service's name as printed at the top of every exported record.

It comes from the service (``sync.people`` fetches it at the hourly check, beside the names of
people), not from a field on the laptop: a council names its service once, and a worker cannot
print a different name on a record that leaves the service. Kept in the encrypted store
(``profile_state``) like the other answers the service gives, so a locked laptop shows nothing
about which council it works for. Before the first sync there is no name, and exports print the
general one (``app.exports.document.DEFAULT_SERVICE_NAME``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.replica import state


def stored(session: Session) -> str:
    """The name the service last sent; empty before the first sync that brought one."""
    return (state.get(session, state.SERVICE_NAME) or "").strip()


def save(session: Session, name: str) -> None:
    """Keep the service's name; an unchanged name writes nothing."""
    state.put(session, state.SERVICE_NAME, name.strip())
