"""Pure rules for pushed changes: field validation and the field-by-field merge.

Kept free of the database so the rules can be tested exhaustively (``tests/server`` drives them
with hypothesis) and read in one place. Conflicts are decided by server revisions, never clocks.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sync.protocol.records import RECORD_FIELDS, SERVER_CONTROLLED, SUBJECT_FIELDS

#: Fields the server derives from the allocation (who holds the case), never from a laptop.
SCOPE_DERIVED: dict[str, str] = {
    "child": "allocated_worker",
    "carer_household": "supervising_worker",
}
SUBJECT_TYPES = ("child", "carer_household")
MAX_TEXT = 200_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT64 = 2**63


@dataclass(frozen=True)
class FieldError:
    """Why a change cannot be accepted, in words a worker can act on, and the field at fault."""

    reason: str
    field: str | None = None


def _describe(wire_type: str) -> str:
    return {
        "str": "text",
        "bool": "true or false",
        "int": "a whole number",
        "date": "a date (YYYY-MM-DD)",
        "datetime": "a date and time with a UTC offset",
        "uuid": "a record id (UUID)",
        "object": "a JSON object",
    }[wire_type]


def coerce_value(wire_type: str, value: Any) -> tuple[bool, Any]:
    """(ok, canonical value). Dates, datetimes and ids are canonicalised so that equal values
    compare equal when merging, whatever spelling a laptop used."""
    nullable = wire_type.endswith("?")
    base = wire_type.rstrip("?")
    if value is None:
        return nullable, None
    if base == "str":
        return isinstance(value, str) and len(value) <= MAX_TEXT, value
    if base == "bool":
        return isinstance(value, bool), value
    if base == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and -_INT64 < value < _INT64
        return ok, value
    if base == "object":
        return isinstance(value, dict), value
    if not isinstance(value, str):
        return False, value
    try:
        if base == "date":
            return bool(_DATE.match(value)), date.fromisoformat(value).isoformat()
        if base == "datetime":
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return moment.tzinfo is not None, moment.isoformat()
        if base == "uuid":
            return True, str(uuid.UUID(value))
    except ValueError:
        return False, value
    raise ValueError(f"unknown wire type {wire_type!r}")


def validate_fields(
    record_type: str, fields: Mapping[str, Any], *, creating: bool
) -> tuple[dict[str, Any], FieldError | None]:
    """Check pushed fields against :data:`RECORD_FIELDS`.

    Returns the canonical values to consider, without server-controlled and scope-derived fields
    (a laptop's values for those are ignored, not refused), or the first problem found.
    """
    schema = RECORD_FIELDS.get(record_type)
    if schema is None:
        known = ", ".join(sorted(RECORD_FIELDS))
        return {}, FieldError(f"Unknown record type {record_type!r} (known: {known}).", None)
    ignored = set(SERVER_CONTROLLED)
    if record_type in SCOPE_DERIVED:
        ignored.add(SCOPE_DERIVED[record_type])
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in schema:
            return {}, FieldError(f"A {record_type} has no field called {name!r}.", name)
        if name in ignored:
            continue
        ok, canonical = coerce_value(schema[name], value)
        if not ok:
            return {}, FieldError(
                f"The value for {name} must be {_describe(schema[name].rstrip('?'))}"
                + ("" if schema[name].endswith("?") else " and cannot be empty")
                + ".",
                name,
            )
        clean[name] = canonical
    if creating:
        for name, wire_type in schema.items():
            if name in ignored or wire_type.endswith("?") or name in clean:
                continue
            return {}, FieldError(f"A new {record_type} needs a value for {name}.", name)
    return clean, None


def subject_of(
    record_type: str, record_id: uuid.UUID, fields: Mapping[str, Any]
) -> tuple[str, uuid.UUID] | None:
    """The child or household a record belongs to: itself for a child or household record,
    else its ``child_id`` if set, else its ``household_id``."""
    if record_type in SUBJECT_TYPES:
        return record_type, record_id
    for name, subject_type in zip(SUBJECT_FIELDS, SUBJECT_TYPES, strict=True):
        value = fields.get(name)
        if value:
            return subject_type, uuid.UUID(str(value))
    return None


@dataclass(frozen=True)
class FieldMeta:
    """Who last changed a field, at which revision (negative: earlier in this transaction)."""

    revision: int
    by: str
    at: str
    device: str | None

    @classmethod
    def load(cls, raw: Any) -> FieldMeta:
        revision, by, at, device = raw
        return cls(int(revision), str(by), str(at), device)

    def dump(self) -> list[Any]:
        return [self.revision, self.by, self.at, self.device]

    def changed_since(self, base_revision: int) -> bool:
        return self.revision < 0 or self.revision > base_revision


@dataclass
class MergeOutcome:
    #: Fields to write (only those whose value actually differs).
    to_apply: dict[str, Any] = field(default_factory=dict)
    #: Fields both sides changed to different values: nothing is applied if any.
    conflicts: list[str] = field(default_factory=list)
    #: Someone else changed the record since the base (so success is "merged", not "applied").
    others_changed: bool = False


def merge(
    *,
    current: Mapping[str, Any],
    meta: Mapping[str, FieldMeta],
    base_revision: int,
    incoming: Mapping[str, Any],
    device: str | None,
) -> MergeOutcome:
    """Merge a change made on ``base_revision`` into the current fields.

    A field nobody else changed since the base takes the incoming value; a field someone else
    changed since the base conflicts unless both sides chose the same value. A device never
    conflicts with its own earlier changes (it saw them when it made this one).
    """
    outcome = MergeOutcome()
    for m in meta.values():
        if m.changed_since(base_revision) and m.device != device:
            outcome.others_changed = True
            break
    for name, value in incoming.items():
        latest = meta.get(name)
        same = name in current and current[name] == value
        if (
            latest is not None
            and latest.changed_since(base_revision)
            and latest.device != device
            and not same
        ):
            outcome.conflicts.append(name)
        elif not same:
            outcome.to_apply[name] = value
    if outcome.conflicts:
        outcome.to_apply = {}
    return outcome


def changed_by_others(
    *, meta: Mapping[str, FieldMeta], base_revision: int, device: str | None
) -> list[str]:
    """Fields someone else changed since the base: a deletion made on that base would lose them."""
    return sorted(
        name for name, m in meta.items() if m.changed_since(base_revision) and m.device != device
    )
