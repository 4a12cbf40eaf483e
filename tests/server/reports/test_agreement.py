"""The service's figures read a child's history as the laptop's dashboard does: the facts
``server.reports.facts`` builds from the service's records for a day (counting what was done
up to the end of it) are the facts ``app.deadlines.from_documents`` builds from the same
records, which are proven equal to the laptop's own (``tests/app/test_deadlines_from_documents``).
So on any day the figures' "due" is the dashboard's "due", on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.deadlines import from_documents
from app.deadlines import rules as rule_table
from app.deadlines.engine import evaluate_child, evaluate_household
from app.models import RECORD_TYPES
from app.serialize import record_fields
from app.store import Store
from demo.laptop import SCENARIOS, populate
from server.reports import casefile
from server.reports.facts import child_facts, household_facts
from server.services.records import WriteBatch
from tests.server.conftest import ServerFactory, backends

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize("backend", backends())
def test_the_figures_facts_are_the_dashboards(
    store: Store, server_factory: ServerFactory, backend: str
) -> None:
    populate(store, children=len(SCENARIOS) + 10, visits_per_child=5, seed=11, today=TODAY)
    with store.read() as laptop:
        documents = [
            from_documents.Document(obj.id, record_type, record_fields(obj))
            for record_type, cls in RECORD_TYPES.items()
            for obj in laptop.scalars(select(cls).where(cls.deleted.is_(False)))
        ]
    server = server_factory(backend)

    def load(session: Session) -> None:
        batch = WriteBatch(session)
        for doc in documents:
            fields = dict(doc.fields)
            if doc.record_type in ("child", "carer_household"):
                subject = (doc.record_type, doc.record_id)
            elif fields.get("child_id"):
                subject = ("child", uuid.UUID(str(fields["child_id"])))
            else:
                subject = ("carer_household", uuid.UUID(str(fields["household_id"])))
            state = batch.new_record(
                record_type=doc.record_type, record_id=doc.record_id, subject=subject, author="t"
            )
            batch.write(record=state, changes=fields, author="t", device_id=None)
        batch.finish()

    server.database.run_write(load)
    with server.database.read() as session:
        found = casefile.load(session)

    by_type: dict[str, list[from_documents.Document]] = {}
    for doc in documents:
        by_type.setdefault(doc.record_type, []).append(doc)
    table = rule_table.load()
    compared = 0
    # Days after everything recorded (the demo signs assessments off today, not on TODAY): the
    # documents know no "before", so on a day before some record the two would rightly differ.
    after = max(TODAY, date.today())
    for day in (after, after + timedelta(days=40), after + timedelta(days=400)):
        expected = {f.child_id: f for f in from_documents.child_facts(by_type, day, table)}
        for child_id, facts in expected.items():
            ours = child_facts(
                found.children[child_id],
                day,
                before=day + timedelta(days=1),
                temporary=frozenset(found.temporary_households),
                household_plans=found.household_support_plans,
            )
            wanted = dataclasses.replace(facts, actions=())
            assert ours == wanted, child_id
            assert evaluate_child(ours, day, table) == evaluate_child(wanted, day, table)
            compared += 1
        for hfacts in from_documents.household_facts(by_type):
            ours_h = household_facts(
                found.households[hfacts.household_id], before=day + timedelta(days=1)
            )
            assert ours_h == dataclasses.replace(hfacts, actions=()), hfacts.household_id
            assert evaluate_household(ours_h, day, table) == evaluate_household(
                dataclasses.replace(hfacts, actions=()), day, table
            )
    assert compared >= 2 * len(SCENARIOS)
