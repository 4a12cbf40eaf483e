"""Whom a record is about, by name: the child, or else the carer household.

Forms and lists name their subject; one function for it means a record about a child whose
case has closed, or a household no longer on this laptop, is named (or not) the same way
everywhere.
"""

from __future__ import annotations

import uuid

from app.chronology import child_names
from app.households import household_names
from app.store import Store


def subject_name(store: Store, child_id: uuid.UUID | None, household_id: uuid.UUID | None) -> str:
    """The child's display name, or the household's name; "" if neither is on this laptop."""
    with store.read() as session:
        if child_id is not None:
            return child_names(session, {child_id}).get(child_id, "")
        if household_id is not None:
            return household_names(session, {household_id}).get(household_id, "")
    return ""
