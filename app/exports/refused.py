"""A change the service refused, as a PDF a worker can hand on (to the case's new worker, or
their manager) before marking it dealt with: its whole text, the reason, and the service's
version of the same fields where there is one.

Built from plain values (``sync.refused.RefusedChange`` is read by the caller), so this module
knows nothing of sync.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app import codes
from app.exports.document import Answer, Document, ExportContext, MetaRow, Section, when

#: Fields that are bookkeeping, not words a worker wrote.
HIDDEN = {"child_id", "household_id", "target_id", "finalised_by", "approved_by", "deleted"}


#: Fields whose values are codes, by record type: shown as the code list's words.
CODE_LISTS: dict[tuple[str, str], str] = {
    ("visit", "visit_type"): "visit_type",
    ("visit", "not_seen_alone_reason"): "not_seen_alone_reason",
    ("case_note", "kind"): "note_kind",
    ("review", "kind"): "review_kind",
    ("review", "participation"): "review_participation",
    ("assessment", "kind"): "assessment_kind",
    ("training_record", "kind"): "training_kind",
    ("carer_household", "carer_type"): "carer_type",
    ("carer_household", "approval_status"): "approval_status",
}
STATUS_WORDS = {"draft": "Draft", "finalised": "Signed off", "approved": "Approved"}


def shown(record_type: str, name: str, value: Any) -> str:
    """A field's value as the worker chose it: a code's words, a status in words."""
    if isinstance(value, str):
        if name == "status" and value in STATUS_WORDS:
            return STATUS_WORDS[value]
        code_list = CODE_LISTS.get((record_type, name))
        if code_list is not None:
            try:
                return codes.label(code_list, value)
            except KeyError:
                return value
    return words(value)


def refused_document(
    context: ExportContext,
    *,
    record_type: str,
    record_id: uuid.UUID,
    noun: str,
    about: str,
    made_at: datetime,
    reason: str,
    fields: Mapping[str, Any],
    service_fields: Mapping[str, Any] | None,
) -> Document:
    mine = tuple(
        Answer.of(label(name), shown(record_type, name, value))
        for name, value in fields.items()
        if name not in HIDDEN
    )
    sections = [Section("What you wrote (not accepted by the service)", answers=mine)]
    if service_fields:
        sections.append(
            Section(
                "The service's version of the same fields",
                answers=tuple(
                    Answer.of(label(name), shown(record_type, name, service_fields.get(name)))
                    for name in fields
                    if name not in HIDDEN
                ),
            )
        )
    sections.append(Section("Why the service did not accept it", paragraphs=(reason,)))
    return Document(
        record_type=record_type,
        record_id=record_id,
        title=f"A {noun} the service did not accept",
        subject=about or "Not on this laptop any more",
        header=context.header,
        footer=context.footer,
        meta=(MetaRow("Written on this laptop", when(made_at)),),
        sections=tuple(sections),
        suggested_name=f"Refused {noun}.pdf",
        noun=f"refused {noun}",
    )


def label(name: str) -> str:
    """A field's name as a heading: ``wishes_and_feelings`` reads "Wishes and feelings"."""
    return name.replace("_", " ").capitalize()


def words(value: Any) -> str:
    """A field's value as text: a form's answers as one line per question."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return "\n".join(f"{label(str(k))}: {words(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(words(v) for v in value)
    if isinstance(value, str):
        return _moment(value) or value
    return json.dumps(value, default=str)


def _moment(text: str) -> str:
    """An ISO date-time as a person reads it (the wire spells them for machines)."""
    if len(text) < 19 or text[10] != "T":
        return ""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return ""
    return when(moment)
