"""Two versions of a small assessment form, kept in the store as if fetched from the service, so
export tests do not depend on the wording of the shipped forms (which services may change)."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date
from typing import Any

from app.forms import registry
from app.models import Assessment
from app.store import Store

TEMPLATE_ID = "export_test_form"

#: Version 1 asks about school; version 2 replaced that question with one about health.
VERSION_1: dict[str, Any] = {
    "id": TEMPLATE_ID,
    "version": 1,
    "kind": "CHILD_ASSET_BASED",
    "subject": "child",
    "title": "Strengths assessment (export test)",
    "sections": [
        {
            "id": "about",
            "title": "About the child",
            "questions": [
                {"id": "strengths", "type": "long_text", "label": "What is the child proud of?"},
                {"id": "school", "type": "text", "label": "How is school going?"},
                {
                    "id": "seen_alone",
                    "type": "choice",
                    "label": "Was the child seen alone?",
                    "options": [{"value": "YES", "label": "Yes"}, {"value": "NO", "label": "No"}],
                },
                {
                    "id": "why_not_alone",
                    "type": "long_text",
                    "label": "Why was the child not seen alone?",
                    "visible_if": {"question": "seen_alone", "equals": "NO"},
                },
                {"id": "mood", "type": "rating", "label": "Mood today", "min": 1, "max": 5},
            ],
        },
        {
            "id": "network",
            "title": "People who matter",
            "questions": [
                {
                    "id": "people",
                    "type": "group",
                    "label": "Important people",
                    "fields": [
                        {"id": "name", "type": "text", "label": "Name"},
                        {"id": "relationship", "type": "text", "label": "Relationship"},
                    ],
                },
                {"id": "worries", "type": "long_text", "label": "What are we worried about?"},
            ],
        },
    ],
}

VERSION_2: dict[str, Any] = {
    **VERSION_1,
    "version": 2,
    "sections": [
        {
            "id": "about",
            "title": "About the child",
            "questions": [
                {"id": "strengths", "type": "long_text", "label": "What is the child proud of?"},
                {"id": "health", "type": "text", "label": "How is the child's health?"},
            ],
        }
    ],
}


def keep_templates(store: Store) -> None:
    """Both versions in the laptop's fetched-template table."""
    with store.write() as session:
        for content in (VERSION_1, VERSION_2):
            raw = json.dumps(content, sort_keys=True).encode()
            registry.store_fetched(session, content, hashlib.sha256(raw).hexdigest())


def signed_assessment(
    store: Store,
    child_id: uuid.UUID,
    answers: dict[str, Any],
    *,
    version: int = 1,
    status: str = "finalised",
) -> uuid.UUID:
    with store.write() as session:
        made = Assessment(
            child_id=child_id,
            kind="CHILD_ASSET_BASED",
            template_id=TEMPLATE_ID,
            template_version=version,
            answers=answers,
            started_date=date(2026, 11, 2),
            status=status,
        )
        session.add(made)
    return made.id
