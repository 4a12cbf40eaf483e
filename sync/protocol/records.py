"""Which record types travel, and the fields each carries with their wire types.

The server validates every pushed change against this table (a 422 names the field at fault),
and the client's models must agree with it: ``tests/sync/test_protocol_schema.py`` checks that
every content column of every synchronised model is listed here with a matching type.

Type names: ``str``, ``bool``, ``int``, ``date`` (ISO ``YYYY-MM-DD``), ``datetime`` (ISO 8601 with
offset), ``uuid``, ``object`` (a JSON object). A trailing ``?`` means the value may be null.
"""

from __future__ import annotations

from typing import Final

RECORD_FIELDS: Final[dict[str, dict[str, str]]] = {
    "child": {
        "given_name": "str",
        "family_name": "str",
        "preferred_name": "str?",
        "date_of_birth": "date",
        "sex": "str",
        "ethnicity": "str?",
        "upn": "str?",
        "category_of_need": "str?",
        "allocated_worker": "str",
        "case_open": "bool",
        "about_me": "str",
        "home_postcode": "str?",
        "is_mother": "bool?",
        "first_child_born": "date?",
        "previous_permanence": "str?",
        "previous_permanence_date": "date?",
        "previous_permanence_la": "str?",
        "uasc": "bool?",
        "uasc_ceased": "date?",
    },
    "legal_status": {
        "child_id": "uuid",
        "code": "str",
        "start_date": "date",
        "end_date": "date?",
        "reason_ceased": "str?",
    },
    "care_plan": {
        "child_id": "uuid",
        "plan_date": "date",
        "permanence_plan": "str",
        "iro_name": "str",
        "summary": "str",
        "status": "str",
        "finalised_at": "datetime?",
        "finalised_by": "str?",
    },
    "placement": {
        "child_id": "uuid",
        "household_id": "uuid?",
        "placement_type": "str",
        "provider": "str?",
        "start_date": "date",
        "end_date": "date?",
        "reason_changed": "str?",
        "long_term_designated": "bool",
        "intended_until_18": "bool",
        "child_agrees_less_frequent_visits": "bool",
        "before_assessment_complete": "bool",
        "placement_plan_date": "date?",
        "postcode": "str?",
        "urn": "str?",
    },
    "carer_household": {
        "name": "str",
        "carer_type": "str",
        "approval_status": "str",
        "approval_date": "date?",
        "temporary_approval_date": "date?",
        "temporary_extension_until": "date?",
        "approval_terms": "str",
        "age_range_min": "int?",
        "age_range_max": "int?",
        "max_children": "int?",
        "address": "str",
        "supervising_worker": "str",
        "enquiry_date": "date?",
        "initial_visit_date": "date?",
        "application_date": "date?",
        "stage1_completed": "date?",
        "stage2_completed": "date?",
        "panel_date": "date?",
        "panel_booked_date": "date?",
        "panel_recommendation": "str?",
        "decision_date": "date?",
        "decision": "str?",
        "approval_type": "str?",
        "withdrawn_date": "date?",
        "withdrawal_reason": "str?",
        "extension_panel_date": "date?",
        "extension_panel_view": "str",
        "extension_decided_by": "str",
        "extension_decided_on": "date?",
    },
    "carer": {
        "household_id": "uuid",
        "given_name": "str",
        "family_name": "str",
        "date_of_birth": "date?",
        "relationship_to_child": "str",
    },
    "training_record": {
        "household_id": "uuid",
        "carer_id": "uuid?",
        "kind": "str",
        "title": "str",
        "completed_date": "date?",
        "notes": "str",
    },
    "visit": {
        "visit_type": "str",
        "visit_date": "date",
        "who_was_seen": "str",
        "seen_alone": "bool?",
        "not_seen_alone_reason": "str?",
        "wishes_and_feelings": "str",
        "wishes_not_gathered": "str?",
        "observations": "str",
        "actions_agreed": "str",
        "welfare_concern": "bool",
        "status": "str",
        "finalised_at": "datetime?",
        "finalised_by": "str?",
        "child_id": "uuid?",
        "household_id": "uuid?",
    },
    "assessment": {
        "kind": "str",
        "template_id": "str",
        "template_version": "int",
        "answers": "object",
        "started_date": "date",
        "approved_at": "datetime?",
        "approved_by": "str?",
        "status": "str",
        "finalised_at": "datetime?",
        "finalised_by": "str?",
        "child_id": "uuid?",
        "household_id": "uuid?",
    },
    "review": {
        "kind": "str",
        "review_date": "date",
        "chair": "str",
        "attendees": "str",
        "participation": "str?",
        "decisions": "str",
        "visit_interval_weeks": "int?",
        "status": "str",
        "finalised_at": "datetime?",
        "finalised_by": "str?",
        "child_id": "uuid?",
        "household_id": "uuid?",
    },
    "action": {
        "description": "str",
        "owner": "str",
        "due_date": "date?",
        "completed_date": "date?",
        "completion_note": "str?",
        "source_type": "str?",
        "source_id": "uuid?",
        "child_id": "uuid?",
        "household_id": "uuid?",
    },
    "case_note": {
        "kind": "str",
        "event_date": "date",
        "subject": "str",
        "text": "str",
        "status": "str",
        "finalised_at": "datetime?",
        "finalised_by": "str?",
        "child_id": "uuid?",
        "household_id": "uuid?",
    },
    "addendum": {
        "target_type": "str",
        "target_id": "uuid",
        "text": "str",
        "child_id": "uuid?",
        "household_id": "uuid?",
    },
    "attachment": {
        "target_type": "str",
        "target_id": "uuid",
        "filename": "str",
        "media_type": "str",
        "size": "int",
        "sha256": "str",
        "child_id": "uuid?",
        "household_id": "uuid?",
    },
}

#: Fields only the server sets, from the caller's identity and its own clock: values a laptop
#: sends for them are ignored, so no laptop can forge who signed off or approved a record.
SERVER_CONTROLLED: Final[frozenset[str]] = frozenset({"finalised_by", "approved_by", "approved_at"})

#: How a record's subject is found: the scope of every record is a child or a carer household.
#: A ``child`` or ``carer_household`` record is its own subject.
SUBJECT_FIELDS: Final[tuple[str, str]] = ("child_id", "household_id")

#: Records a signed-off status makes immutable (corrections travel as addenda).
FINALISABLE: Final[frozenset[str]] = frozenset(
    name for name, fields in RECORD_FIELDS.items() if "status" in fields
)
