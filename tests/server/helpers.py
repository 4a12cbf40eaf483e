"""Builders for pushed changes in the wire schema."""

from __future__ import annotations

import uuid
from typing import Any


def child_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "given_name": "Sam",
        "family_name": "Example",
        "preferred_name": None,
        "date_of_birth": "2015-03-02",
        "sex": "1",
        "ethnicity": None,
        "upn": None,
        "category_of_need": "N1",
        "allocated_worker": "ignored",
        "case_open": True,
        "about_me": "",
    }
    fields.update(overrides)
    return fields


def visit_fields(child_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "visit_type": "STATUTORY_CHILD",
        "visit_date": "2024-05-01",
        "who_was_seen": "Child",
        "seen_alone": True,
        "not_seen_alone_reason": None,
        "wishes_and_feelings": "",
        "observations": "",
        "actions_agreed": "",
        "welfare_concern": False,
        "status": "draft",
        "finalised_at": None,
        "finalised_by": None,
        "child_id": str(child_id),
        "household_id": None,
    }
    fields.update(overrides)
    return fields


def upsert(
    record_type: str,
    record_id: uuid.UUID,
    fields: dict[str, Any],
    base_revision: int | None = None,
    change_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    return {
        "change_id": str(change_id or uuid.uuid4()),
        "record_type": record_type,
        "record_id": str(record_id),
        "operation": "upsert",
        "base_revision": base_revision,
        "fields": fields,
    }


def delete(record_type: str, record_id: uuid.UUID, base_revision: int | None) -> dict[str, Any]:
    return {
        "change_id": str(uuid.uuid4()),
        "record_type": record_type,
        "record_id": str(record_id),
        "operation": "delete",
        "base_revision": base_revision,
        "fields": {},
    }


def new_child(client: Any, **overrides: Any) -> tuple[uuid.UUID, int]:
    """Create a child through the API; returns its id and revision."""
    child_id = uuid.uuid4()
    [result] = client.push(upsert("child", child_id, child_fields(**overrides)))
    assert result["status"] == "applied", result
    return child_id, result["revision"]


def new_visit(client: Any, child_id: uuid.UUID, **overrides: Any) -> tuple[uuid.UUID, int]:
    visit_id = uuid.uuid4()
    [result] = client.push(upsert("visit", visit_id, visit_fields(child_id, **overrides)))
    assert result["status"] == "applied", result
    return visit_id, result["revision"]
