"""Applying a whole pulled page, or a whole pushed batch's answers, in a few statements.

``sync.apply`` decides record by record through the ORM, which is right for the rare record
with unsent local edits (it needs the three-way merge) but costs a dozen statements a record.
Almost everything in a first sync, and almost everything in a pushed batch's answers, needs no
decision at all: a record the laptop does not have, or has without local edits, is simply
written; a change the server applied as sent simply leaves the outbox. This module finds those
with one query per record type and writes them with one ``executemany`` per table, and hands
only the rest to ``sync.apply``. The outcome is the same as applying one by one (the tests run
both paths on the same pages); only the number of round trips into SQLite changes.

Statements here go straight to the tables, past the ORM's flush hooks, which is correct for
server versions: they are already validated, stamped and audited by the service, and must not
be queued back to it. The store's own SQL triggers (search index, stale deadlines) still fire,
except for records new to the laptop: those are inserted with the insert triggers paused and
their work done once per page (``app.replica.page_triggers``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

from sqlalchemy.orm import Session

from app.models import RECORD_TYPES, record_table
from app.models.sync_state import PENDING
from app.replica import outbox, page_triggers, records, settle
from app.replica.rows import Row
from sync import waiting
from sync.apply import ApplyTally, apply_push_result, apply_version
from sync.protocol.messages import ChangeResult, ChangeStatus, RecordVersion
from sync.rows import Stamped, insert_versions, upsert_versions, write_stamps


def apply_pulled(
    session: Session,
    records: Sequence[RecordVersion],
    tally: ApplyTally,
    rows: Sequence[Row | None] | None = None,
) -> None:
    """Apply one pulled page's records; call inside the page's write transaction.
    ``rows``: the records' insert rows made ahead (``sync.rows.prepare_rows``), in order.

    A record that refers to one the laptop does not hold yet waits for it (``sync.waiting``);
    whatever waited for a record this page brings is written with it."""
    pairs = [
        (version, row)
        for version, row in zip(records, rows or [None] * len(records), strict=True)
        if version.record_type in RECORD_TYPES  # a newer server's types are ignored safely
    ]
    # Back in the caseload (or never gone): a removal kept back for them no longer holds.
    settle.release_removals_of(session, [v.record_id for v in records])
    now, later = waiting.split(session, pairs)
    waiting.set_aside(session, later)
    _apply_pairs(session, now, tally)
    while released := waiting.take_ready(session):
        _apply_pairs(session, [(version, None) for version in released], tally)


def _apply_pairs(
    session: Session, pairs: Sequence[tuple[RecordVersion, Row | None]], tally: ApplyTally
) -> None:
    by_type: dict[str, list[tuple[RecordVersion, Row | None]]] = defaultdict(list)
    for version, row in pairs:
        by_type[version.record_type].append((version, row))
    # A first sync, and most pulls after a push, find no unsent edit at all: then there is
    # none to look up record by record, and one row read here says so.
    any_pending = settle.any_pending(session)
    for record_type, typed in by_type.items():
        ids = [v.record_id for v, _row in typed]
        held = records.held_revisions(session, record_type, ids)
        pending = (
            {rid for _entry, rid in settle.pending_entries(session, record_type, ids)}
            if any_pending
            else set()
        )
        plain: dict[uuid.UUID, tuple[RecordVersion, Row | None]] = {}
        for version, row in typed:
            known = held.get(version.record_id, -1)
            if known is not None and known >= version.revision:
                continue  # an echo of our own push, or a page fetched twice
            if version.record_id in pending:
                apply_version(session, version, tally)  # needs the three-way merge
            else:
                # A page may hold two versions of one record only if the server repeats
                # itself; the newer wins, as one-by-one applying would give.
                older = plain.get(version.record_id)
                if older is None or older[0].revision < version.revision:
                    plain[version.record_id] = (version, row)
        if plain:
            fresh = [pair for rid, pair in plain.items() if rid not in held]
            present = [pair for rid, pair in plain.items() if rid in held]
            if fresh:
                versions, made = [v for v, _row in fresh], [row for _v, row in fresh]
                _write_versions(session, record_type, versions, held="none", made=made)
            if present:
                versions, made = [v for v, _row in present], [row for _v, row in present]
                _write_versions(session, record_type, versions, held="all", made=made)
            tally.received += len(plain)


class Pushed(Protocol):
    """What settling needs of a pushed change: a ``Change``, or the laptop's own wire form of
    one (``sync.client.OutgoingChange``)."""

    @property
    def change_id(self) -> uuid.UUID: ...

    @property
    def record_id(self) -> uuid.UUID: ...


def apply_pushed(
    session: Session,
    changes: Sequence[Pushed],
    results: dict[uuid.UUID, ChangeResult],
    tally: ApplyTally,
) -> None:
    """Settle one pushed batch's answers; call inside the batch's write transaction.

    A change the server took (applied, or merged with others' edits to other fields) on a
    record with no later local edit is settled in bulk: the entry leaves the outbox and the
    record becomes the server's version. Everything else (a later edit waiting, a conflict,
    a rejection) goes through ``sync.apply`` one by one.
    """
    # One read of the outbox rows of the batch's records: the entries sent (only what
    # settling needs: their fields would cost a JSON parse each and are read again only for
    # the few settled one by one), and any later edit pending on the same records.
    entries, busy = _outbox_of(session, changes)
    taken: list[tuple[_Sent, ChangeResult]] = []
    singled = False
    for change in changes:
        entry, result = entries.get(change.change_id), results.get(change.change_id)
        if entry is None or result is None:
            continue
        if result.status is ChangeStatus.MERGED or (
            result.status is ChangeStatus.APPLIED
            and (result.record is not None or result.revision is not None)
        ):
            taken.append((entry, result))
        else:
            _one_by_one(session, entry, result, tally)
            singled = True
    if not taken:
        return
    if singled:
        # A conflict or rejection settled just now may have queued a change of its own.
        _entries, busy = _outbox_of(session, changes)
    versions: dict[str, dict[uuid.UUID, RecordVersion]] = defaultdict(dict)
    stamped: dict[str, dict[uuid.UUID, Stamped]] = defaultdict(dict)
    settled: list[tuple[_Sent, int]] = []
    done: list[uuid.UUID] = []
    for entry, result in taken:
        if (entry.record_type, entry.record_id) in busy:
            _one_by_one(session, entry, result, tally)
            continue
        done.append(entry.id)
        if result.record is not None and result.status is ChangeStatus.MERGED:
            # Others' edits to other fields come back with it: the version is written whole.
            _keep_newest(versions[entry.record_type], result.record)
        elif result.record is not None:
            # Applied as sent: the laptop already holds this content, so only the server's
            # stamps change.
            _keep_newest(stamped[entry.record_type], result.record)
        elif result.stamps is not None:
            # Taken as sent (a new record, or an edit no one else overlapped): the laptop
            # holds its content; stamps only.
            _keep_newest(stamped[entry.record_type], _stamped(entry, result))
        else:
            assert result.revision is not None
            settled.append((entry, result.revision))
    session.flush()
    for record_type, by_id in versions.items():
        _write_versions(session, record_type, list(by_id.values()))
    for record_type, stamps in stamped.items():
        _write_stamps(session, record_type, list(stamps.values()))
    if settled:
        _settle_applied(session, settled)
    settle.drop_entries(session, done)


_V = TypeVar("_V", bound=Stamped)


def _keep_newest(by_id: dict[uuid.UUID, _V], version: _V) -> None:
    """Keep ``version`` unless a newer one of the same record is kept already (a batch may
    hold two changes of one record, answered in any order)."""
    newest = by_id.get(version.record_id)
    if newest is None or newest.revision < version.revision:
        by_id[version.record_id] = version


class _Sent(NamedTuple):
    """The outbox entry behind a pushed change, as far as settling it in bulk needs."""

    id: uuid.UUID
    record_type: str
    record_id: uuid.UUID


class _StampsOf(NamedTuple):
    """A stamps-only answer as ``_write_stamps`` reads it (``sync.rows.Stamped``): its fields
    are exactly the server-set ones. A plain tuple, not a ``RecordVersion``: a first push
    settles tens of thousands, and making each a model cost more than writing it."""

    record_id: uuid.UUID
    revision: int
    fields: dict[str, Any]
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


def _stamped(entry: _Sent, result: ChangeResult) -> _StampsOf:
    stamps = result.stamps
    assert stamps is not None and result.revision is not None
    return _StampsOf(
        entry.record_id,
        result.revision,
        stamps.fields,
        stamps.created_by,
        stamps.created_at,
        stamps.updated_by,
        stamps.updated_at,
    )


def _one_by_one(session: Session, sent: _Sent, result: ChangeResult, tally: ApplyTally) -> None:
    entry = outbox.entry(session, sent.id)
    if entry is not None:
        apply_push_result(session, entry, result, tally)


def _outbox_of(
    session: Session, changes: Sequence[Pushed]
) -> tuple[dict[uuid.UUID, _Sent], set[tuple[str, uuid.UUID]]]:
    """The outbox entries behind these changes (by change id; one already settled is
    missing), and the records with another pending entry besides the one sent (a later
    edit, which must be settled one by one).

    Looked up by record id, as ``app.replica.settle.pending_entries`` explains: one read finds
    both. Ids are read as the hex the store holds and matched to the changes' own ids, rather
    than each made into a new UUID (two a row, a thousand rows a batch).
    """
    sent = {c.change_id.hex: c.change_id for c in changes}
    record_ids = {c.record_id.hex: c.record_id for c in changes}
    entries: dict[uuid.UUID, _Sent] = {}
    busy: set[tuple[str, uuid.UUID]] = set()
    if not record_ids:
        return entries, busy
    found = settle.outbox_rows_of(session, record_ids.values())
    for entry_hex, record_type, record_hex, state in found:
        entry_id, record_id = sent.get(entry_hex), record_ids[record_hex]
        if entry_id is not None:
            entries[entry_id] = _Sent(entry_id, record_type, record_id)
        elif state == PENDING:
            busy.add((record_type, record_id))
    return entries, busy


# ---- Private API


def _write_versions(
    session: Session,
    record_type: str,
    versions: list[RecordVersion],
    *,
    held: Literal["none", "all", "some"] = "some",
    made: Sequence[Row | None] | None = None,
) -> None:
    """Write the server's versions whole. ``made``: their rows made ahead, where made.

    ``held``: whether the laptop holds these records. None of them: they are inserted with the
    insert triggers paused and the triggers' work done once for the page; all of them: they
    are rewritten with the search update triggers paused and re-indexed once for the page
    (``app.replica.page_triggers``). On a first sync, and for a page of colleagues' edits, that
    is most of the time saved. Unknown: every trigger fires row by row.
    """
    table = record_table(record_type)
    ids = [v.record_id for v in versions]
    if held == "none":
        with page_triggers.paused(session):
            insert_versions(session, record_type, versions, made)
        page_triggers.after_insert(session, table.name, ids)
    elif held == "all":
        # Every row exists, so only update triggers can fire: the search ones are paused
        # (and done below), the deadline ones still compare each row's columns.
        with page_triggers.paused(session):
            upsert_versions(session, record_type, versions, made)
        page_triggers.reindex(session, table.name, ids)
    else:
        upsert_versions(session, record_type, versions, made)
    # These records had no unsent edits: each is now exactly the server's version, which is
    # therefore its own base (one is taken again at its next local edit).
    _drop_bases(session, record_type, ids)


def _write_stamps(session: Session, record_type: str, versions: Sequence[Stamped]) -> None:
    """What the server adds to a change it applied as sent: revision, who and when, and the
    fields only it sets (who finalised). The content is not rewritten, so the search index is
    not rebuilt for text that did not change."""
    write_stamps(session, record_type, versions)
    _drop_bases(session, record_type, [v.record_id for v in versions])


def _settle_applied(session: Session, simple: list[tuple[_Sent, int]]) -> None:
    """The server applied these changes exactly as sent (and no later edit waits): each record
    is now the server's version (so it needs no base), at the newest revision answered."""
    newest: dict[tuple[str, uuid.UUID], int] = {}
    for entry, revision in simple:
        key = (entry.record_type, entry.record_id)
        newest[key] = max(revision, newest.get(key, revision))
    by_type: dict[str, list[tuple[uuid.UUID, int]]] = defaultdict(list)
    for (record_type, record_id), revision in newest.items():
        by_type[record_type].append((record_id, revision))
    for record_type, settled in by_type.items():
        _drop_bases(session, record_type, [record_id for record_id, _ in settled])
        settle.settle_revisions(session, record_type, settled)


def _drop_bases(session: Session, record_type: str, record_ids: Sequence[uuid.UUID]) -> None:
    settle.drop_bases(session, record_type, record_ids)
