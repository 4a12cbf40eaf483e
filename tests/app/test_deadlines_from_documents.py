"""The service's deadline facts (built from records as JSON documents) give exactly the due
items the laptop's own (built from its tables) give, so the Team page and a worker's dashboard
never disagree about what is overdue."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.deadlines import from_documents
from app.deadlines.engine import Status
from app.deadlines.from_store import caseload_deadlines
from app.models import RECORD_TYPES
from app.serialize import record_fields
from app.store import Store
from demo.laptop import SCENARIOS, populate

TODAY = date(2026, 11, 20)


def _documents(store: Store) -> list[from_documents.Document]:
    """Every live record as the service stores it: its id, type and wire fields."""
    with store.read() as session:
        return [
            from_documents.Document(obj.id, record_type, record_fields(obj))
            for record_type, cls in RECORD_TYPES.items()
            for obj in session.scalars(select(cls).where(cls.deleted.is_(False)))
        ]


def test_documents_give_the_same_due_items_as_the_store(store: Store) -> None:
    populate(store, children=len(SCENARIOS) + 10, visits_per_child=5, seed=11, today=TODAY)
    documents = _documents(store)
    for day in (TODAY, TODAY + timedelta(days=40), TODAY + timedelta(days=400)):
        with store.read() as session:
            expected = caseload_deadlines(session, day)
        got = from_documents.caseload_deadlines(documents, day)
        assert got.children == expected.children
        assert got.households == expected.households
    statuses = {item.status for items in got.children.values() for item in items}
    assert Status.OVERDUE in statuses  # the comparison covered overdue items, not only quiet ones
    assert len(got.children) >= len(SCENARIOS) and got.households
