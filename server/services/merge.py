"""Pure rules for pushed changes: field validation and the field-by-field merge.

Kept free of the database so the rules can be tested exhaustively (``tests/server`` drives them
with hypothesis) and read in one place. Conflicts are decided by server revisions, never clocks.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
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


#: An id spelt exactly as ``str(uuid.UUID(...))`` spells it, which is how laptops send them:
#: already canonical, so the parse (the dearest part of validating a record) can be skipped.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

_Coercer = Callable[[Any], tuple[bool, Any]]


def _coerce_str(value: Any) -> tuple[bool, Any]:
    return isinstance(value, str) and len(value) <= MAX_TEXT, value


def _coerce_bool(value: Any) -> tuple[bool, Any]:
    return isinstance(value, bool), value


def _coerce_int(value: Any) -> tuple[bool, Any]:
    ok = isinstance(value, int) and not isinstance(value, bool) and -_INT64 < value < _INT64
    return ok, value


def _coerce_object(value: Any) -> tuple[bool, Any]:
    return isinstance(value, dict), value


def _coerce_date(value: Any) -> tuple[bool, Any]:
    if not isinstance(value, str):
        return False, value
    try:
        return bool(_DATE.match(value)), date.fromisoformat(value).isoformat()
    except ValueError:
        return False, value


def _coerce_datetime(value: Any) -> tuple[bool, Any]:
    if not isinstance(value, str):
        return False, value
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False, value
    return moment.tzinfo is not None, moment.isoformat()


def _coerce_uuid(value: Any) -> tuple[bool, Any]:
    if not isinstance(value, str):
        return False, value
    if _CANONICAL_UUID.fullmatch(value):
        return True, value
    try:
        return True, str(uuid.UUID(value))
    except ValueError:
        return False, value


#: Each wire type's check, by base type (without the ``?``): the value is never None here.
_COERCERS: dict[str, _Coercer] = {
    "str": _coerce_str,
    "bool": _coerce_bool,
    "int": _coerce_int,
    "object": _coerce_object,
    "date": _coerce_date,
    "datetime": _coerce_datetime,
    "uuid": _coerce_uuid,
}


def coerce_value(wire_type: str, value: Any) -> tuple[bool, Any]:
    """(ok, canonical value). Dates, datetimes and ids are canonicalised so that equal values
    compare equal when merging, whatever spelling a laptop used."""
    if value is None:
        return wire_type.endswith("?"), None
    coerce = _COERCERS.get(wire_type.rstrip("?"))
    if coerce is None:
        if not isinstance(value, str):
            return False, value
        raise ValueError(f"unknown wire type {wire_type!r}")
    return coerce(value)


@dataclass(frozen=True)
class _FieldRule:
    """How one field of one record type is checked, with the sentence a refusal gives."""

    coerce: _Coercer
    nullable: bool
    #: Server-controlled or scope-derived: a laptop's value is dropped, not checked.
    ignored: bool
    invalid: str


@dataclass(frozen=True)
class _TypeRules:
    fields: dict[str, _FieldRule]
    #: Fields a new record must have, in schema order (the first missing one is named).
    required: tuple[str, ...]


def _type_rules(record_type: str, schema: Mapping[str, str]) -> _TypeRules:
    ignored = set(SERVER_CONTROLLED)
    if record_type in SCOPE_DERIVED:
        ignored.add(SCOPE_DERIVED[record_type])
    rules = {}
    for name, wire_type in schema.items():
        base, nullable = wire_type.rstrip("?"), wire_type.endswith("?")
        rules[name] = _FieldRule(
            coerce=_COERCERS[base],  # an unknown wire type in RECORD_FIELDS fails at import
            nullable=nullable,
            ignored=name in ignored,
            invalid=f"The value for {name} must be {_describe(base)}"
            + ("" if nullable else " and cannot be empty")
            + ".",
        )
    required = tuple(name for name, rule in rules.items() if not rule.ignored and not rule.nullable)
    return _TypeRules(rules, required)


#: Built once: validation runs for every field of every pushed change.
_RULES: dict[str, _TypeRules] = {
    record_type: _type_rules(record_type, schema) for record_type, schema in RECORD_FIELDS.items()
}


def validate_fields(
    record_type: str, fields: Mapping[str, Any], *, creating: bool
) -> tuple[dict[str, Any], FieldError | None]:
    """Check pushed fields against :data:`RECORD_FIELDS`.

    Returns the canonical values to consider, without server-controlled and scope-derived fields
    (a laptop's values for those are ignored, not refused), or the first problem found.
    """
    rules = _RULES.get(record_type)
    if rules is None:
        known = ", ".join(sorted(RECORD_FIELDS))
        return {}, FieldError(f"Unknown record type {record_type!r} (known: {known}).", None)
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        rule = rules.fields.get(name)
        if rule is None:
            return {}, FieldError(f"A {record_type} has no field called {name!r}.", name)
        if rule.ignored:
            continue
        if value is None:
            ok, canonical = rule.nullable, None
        else:
            ok, canonical = rule.coerce(value)
        if not ok:
            return {}, FieldError(rule.invalid, name)
        clean[name] = canonical
    if creating:
        for name in rules.required:
            if name not in clean:
                return {}, FieldError(f"A new {record_type} needs a value for {name}.", name)
    return clean, None


@lru_cache(maxsize=4096)
def _subject_id(text: str) -> uuid.UUID:
    """Parsed once: a batch names the same child in many records, and each is asked about
    twice (before and after validation)."""
    return uuid.UUID(text)


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
            return subject_type, _subject_id(str(value))
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
