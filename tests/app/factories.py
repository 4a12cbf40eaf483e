"""Valid records with sensible defaults, so each test states only what it is about."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from app import clock
from app.models import CarerHousehold, Child, Visit


def child(**overrides: Any) -> Child:
    values: dict[str, Any] = {
        "given_name": "Amara",
        "family_name": "Okafor",
        "date_of_birth": date(2017, 3, 14),
        "sex": "F",
        "allocated_worker": "alice",
    }
    values.update(overrides)
    return Child(**values)


def visit(child_id: uuid.UUID, **overrides: Any) -> Visit:
    values: dict[str, Any] = {
        "child_id": child_id,
        "visit_type": "STATUTORY_CHILD",
        "visit_date": clock.today() - timedelta(days=1),
    }
    values.update(overrides)
    return Visit(**values)


def household(**overrides: Any) -> CarerHousehold:
    values: dict[str, Any] = {
        "name": "The Whitfield household",
        "carer_type": "MAINSTREAM_FOSTER",
        "approval_status": "APPROVED",
        "approval_date": date(2024, 6, 1),
        "supervising_worker": "bob",
    }
    values.update(overrides)
    return CarerHousehold(**values)


def finalised_visit(child_id: uuid.UUID, **overrides: Any) -> Visit:
    return visit(
        child_id,
        who_was_seen="Amara and her foster carer",
        seen_alone=True,
        wishes_and_feelings=overrides.pop("wishes_and_feelings", "Wants to stay where she is."),
        observations=overrides.pop("observations", "Settled and chatty; room personalised."),
        status="finalised",
        **overrides,
    )
