"""The bulk page path gives exactly what applying one record at a time gives.

``sync.pages`` is only an optimisation of ``sync.apply``: for any page (new records, newer
versions of records held, stale echoes, records with unsent local edits, repeats within the
page) the store must end up the same either way: records, bases, outbox and conflicts. So must
a page whose insert rows were made ahead, off the writing thread (``sync.rows.prepare_rows``).
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import Child, FieldConflictRecord, OutboxEntry, SyncBase
from app.serialize import record_fields
from app.store import Store
from sync.apply import ApplyTally, apply_version
from sync.pages import apply_pulled
from sync.rows import prepare_rows
from tests.app import factories
from tests.conftest import unlocked_store
from tests.sync.test_apply import _version

NAMES = ("Amara", "Leo", "Maya", "Tom")
#: Who a child is allocated to: an indexed column, which a held record's newer version may or
#: may not change (``sync.rows.RowPlan.lean`` leaves it alone only when it does not).
WORKERS = ("alice", "bob")


def _snapshot(store: Store) -> dict[str, Any]:
    with store.read() as session:
        children = {
            c.id: (record_fields(c), c.server_revision, c.dirty)
            for c in session.scalars(select(Child))
        }
        bases = {b.record_id: (b.revision, b.fields) for b in session.scalars(select(SyncBase))}
        outbox = sorted(
            (str(e.record_id), e.base_revision, sorted(e.fields.items()), e.state)
            for e in session.scalars(select(OutboxEntry))
        )
        conflicts = sorted(
            (str(c.record_id), c.field, str(c.mine), str(c.theirs))
            for c in session.scalars(select(FieldConflictRecord))
        )
        connection = session.connection()
        # Read through the index itself: an index entry left behind by an update that should
        # have moved it shows here (and in the integrity check) though the row looks right.
        by_worker = {
            worker: sorted(
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT id FROM child INDEXED BY ix_child_allocated_worker"
                    " WHERE allocated_worker = ?",
                    (worker,),
                )
            )
            for worker in WORKERS
        }
        integrity = connection.exec_driver_sql("PRAGMA integrity_check").all()
    assert integrity == [("ok",)]
    return {
        "children": children,
        "bases": bases,
        "outbox": outbox,
        "conflicts": conflicts,
        "by_worker": by_worker,
    }


# One step of a page: which of 4 children, the revision it carries, the given name and the
# allocated worker it sets.
step = st.tuples(
    st.integers(0, 3), st.integers(1, 6), st.sampled_from(NAMES), st.sampled_from(WORKERS)
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    held=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 4)), max_size=4),
    edited=st.sets(st.integers(0, 3)),
    page=st.lists(step, min_size=1, max_size=10),
)
def test_bulk_page_equals_one_by_one(
    tmp_path_factory: Any,
    held: list[tuple[int, int]],
    edited: set[int],
    page: list[tuple[int, int, str, str]],
) -> None:
    root = tmp_path_factory.mktemp(f"pages-{os.urandom(4).hex()}")
    children = [factories.child(given_name=f"Child{n}", allocated_worker="alice") for n in range(4)]
    versions = [
        _version(children[i], rev, given_name=name, allocated_worker=worker)
        for i, rev, name, worker in page
    ]
    states = []
    for name in ("bulk", "ahead", "single"):
        with unlocked_store(root, name) as store:
            with store.write(remote=True) as session:
                for index, revision in held:
                    apply_version(session, _version(children[index], revision), ApplyTally())
            for index in edited:
                with store.write() as session:
                    local = session.get(Child, children[index].id)
                    if local is not None:
                        local.preferred_name = "Local edit"
                        local.about_me = f"edited {index}"
            tally = ApplyTally()
            with store.write(remote=True) as session:
                if name == "bulk":
                    apply_pulled(session, versions, tally)
                elif name == "ahead":
                    # Insert rows made before the transaction, as the fetching thread does.
                    rows = prepare_rows(store.engine.dialect, versions)
                    apply_pulled(session, versions, tally, rows)
                else:
                    for version in versions:
                        apply_version(session, version, tally)
            states.append((_snapshot(store), tally.conflicts, tally.merged))
    assert states[0] == states[1] == states[2]
