"""Dashboard rows: the most urgent child first, with items in words."""

from __future__ import annotations

from datetime import date, datetime

from app import clock
from app.dashboard import rows
from app.deadlines.engine import Status
from app.models import CarePlan, LegalStatus, Placement
from app.store import Store
from tests.app import factories

TODAY = date(2026, 6, 15)
PLACED = date(2026, 5, 20)


def _placed_child(store: Store, name: str, last_visit: date | None) -> None:
    with store.write() as session:
        child = factories.child(given_name=name)
        session.add(child)
        session.add(LegalStatus(child_id=child.id, code="C2", start_date=PLACED))
        session.add(
            Placement(
                child_id=child.id,
                placement_type="U6",
                start_date=PLACED,
                placement_plan_date=PLACED,
            )
        )
        session.add(
            CarePlan(
                child_id=child.id,
                plan_date=PLACED,
                status="finalised",
                permanence_plan="LONG_TERM_FOSTERING",
            )
        )
        if last_visit:
            session.add(factories.finalised_visit(child.id, visit_date=last_visit))


def test_overdue_children_come_first_with_their_items_in_words(store: Store) -> None:
    """A child still waiting for their first visit is listed before one just visited."""
    with clock.frozen_at(datetime(2026, 6, 15, 12, 0).astimezone()):
        _placed_child(store, "Visited", date(2026, 6, 10))
        _placed_child(store, "Waiting", None)
        with store.read() as session:
            found = rows(session, TODAY)
    assert [r.name for r in found] == ["Waiting Okafor", "Visited Okafor"]
    waiting, visited = found
    assert waiting.worst is Status.OVERDUE
    assert waiting.legal_status == "Full care order (s31)"
    assert "First statutory visit after placement: Overdue (due 27 May 2026)" in waiting.summary()
    assert visited.worst is Status.DUE_SOON  # the first looked-after review, due 18 June
    assert visited.placement.startswith("Foster placement with other foster carer")
