"""One read and one write for a value kept under a key in ``profile_state``.

Answers the laptop keeps from the service for offline use (team figures, the carer register,
service figures, credentials) are each one row of text; the upsert was written out in each
module that kept one, which is how such copies drift apart.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ProfileState


def read(session: Session, key: str) -> str | None:
    """The text kept under ``key``, or None."""
    return session.scalar(select(ProfileState.value).where(ProfileState.key == key))


def put(session: Session, key: str, value: str) -> None:
    """Keep ``value`` under ``key``, in the caller's transaction."""
    state = session.get(ProfileState, key)
    if state is None:
        session.add(ProfileState(key=key, value=value))
    else:
        state.value = value
