"""Pulled versions that refer to a record the laptop does not hold yet wait for it.

The service lists a laptop's records by their latest revision (``server.services.sync``), so
a record that was edited after others came to point at it is listed after them: a child whose
legal status changed after their visits were written, a carer edited after their training was
recorded. A pull's page can end in between, and the laptop's foreign keys (a visit belongs to a
child it holds) then failed the page's commit, and every retry of it, for good. Such versions
are set aside in ``sync_waiting`` (``app.models.WaitingVersion``) instead, and applied as soon
as what they refer to has arrived, normally a page or two later in the same pull.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import TypeVar

from sqlalchemy.orm import Session

from app.models import RECORD_TYPES, record_table
from app.replica import records
from app.replica import waiting as kept_versions
from sync.protocol.messages import RecordVersion

#: A record a version refers to: its type and its id as a number (``UUID.int``), which hashes
#: much faster than the ``UUID`` itself, and a page holds thousands of references.
_Ref = tuple[str, int]
_P = TypeVar("_P", bound=tuple[RecordVersion, object])


def split(session: Session, pairs: Sequence[_P]) -> tuple[list[_P], list[RecordVersion]]:
    """The versions (with whatever rides along each) that can be written now, in their order,
    and those that must wait: any that refers to a record neither held nor written now."""
    refs = [_refers_to(version) for version, _ in pairs]
    wanted = {ref for each in refs for ref in each}
    if not wanted:
        return list(pairs), []
    kinds = {kind for kind, _ in wanted}
    in_page = {(v.record_type, v.record_id.int) for v, _ in pairs if v.record_type in kinds}
    missing = {ref for ref in wanted if ref not in in_page}
    if missing:
        missing -= _held(session, missing)
    if not missing:
        return list(pairs), []
    ready, waiting = list(zip(pairs, refs, strict=True)), list[RecordVersion]()
    # A version that waits makes wait any that refers to it (training, its carer, their
    # household), so go round until nothing more has to.
    while True:
        now: list[tuple[_P, list[_Ref]]] = []
        held_back: list[tuple[_P, list[_Ref]]] = []
        for pair, each in ready:
            (held_back if any(r in missing for r in each) else now).append((pair, each))
        if not held_back:
            return [pair for pair, _ in now], waiting
        for (version, _), _each in held_back:
            waiting.append(version)
            missing.add((version.record_type, version.record_id.int))
        ready = now


def set_aside(session: Session, versions: Iterable[RecordVersion]) -> None:
    """Keep these versions until what they refer to arrives (the newest of each record)."""
    for version in versions:
        kept_versions.keep(
            session,
            version.record_id,
            version.record_type,
            version.revision,
            version.model_dump(mode="json"),
        )


def take_ready(session: Session) -> list[RecordVersion]:
    """The waiting versions whose references have all arrived, removed from the waiting
    place for the caller to write now (in the same transaction)."""
    kept = kept_versions.kept_versions(session)
    if not kept:
        return []
    versions = [RecordVersion.model_validate(document) for document in kept]
    ready, _still = split(session, [(version, None) for version in versions])
    taken = [version.record_id for version, _ in ready]
    if taken:
        kept_versions.forget(session, taken)
    return [version for version, _ in ready]


def forget(session: Session, record_ids: Iterable[uuid.UUID] | None = None) -> None:
    """Drop these waiting versions (the records were removed), or all of them (a full re-sync
    reads the whole feed again)."""
    kept_versions.forget(session, record_ids)


# ---- Private API


@cache
def _references(record_type: str) -> tuple[tuple[str, str], ...]:
    """``(field, record type it names)`` for each foreign key of a record type's table."""
    type_of_table = {record_table(name).name: name for name in RECORD_TYPES}
    table = record_table(record_type)
    return tuple(
        (key.parent.name, type_of_table[key.column.table.name])
        for key in table.foreign_keys
        if key.column.table.name in type_of_table
    )


def _refers_to(version: RecordVersion) -> list[_Ref]:
    if version.record_type not in RECORD_TYPES:
        return []
    refs = []
    for name, target in _references(version.record_type):
        value = version.fields.get(name)
        if value:
            record_id = _as_id(str(value))
            if record_id is not None:  # not an id: the insert says so, as it always has
                refs.append((target, record_id))
    return refs


@lru_cache(maxsize=8192)
def _as_id(value: str) -> int | None:
    """Many records of a page name the same child or household: each id is parsed once."""
    try:
        return uuid.UUID(value).int
    except ValueError:
        return None


def _held(session: Session, refs: set[_Ref]) -> set[_Ref]:
    by_type: dict[str, list[uuid.UUID]] = {}
    for record_type, number in refs:
        by_type.setdefault(record_type, []).append(uuid.UUID(int=number))
    held: set[_Ref] = set()
    for record_type, ids in by_type.items():
        held.update(
            (record_type, held_id.int) for held_id in records.held_ids(session, record_type, ids)
        )
    return held
