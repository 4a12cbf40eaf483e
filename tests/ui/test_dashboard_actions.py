"""Agreed actions on the dashboard's table: an action can be a child's next item, worded as an
action; the "Kind of item" filter finds everyone with an overdue action; marking it done takes
it off the row."""

from __future__ import annotations

import uuid
from datetime import timedelta

from pytestqt.qtbot import QtBot

from app import clock
from app.dashboard import caseload
from app.deadlines.engine import Status
from app.services import actions
from app.store import Store
from tests.app import factories
from ui.models.dashboard_model import ACTIONS, OBLIGATIONS, CaseloadFilter, CaseloadModel


def _child(store: Store, name: str) -> uuid.UUID:
    with store.write() as session:
        made = factories.child(given_name=name)
        session.add(made)
    return made.id


def _model(store: Store) -> tuple[CaseloadModel, CaseloadFilter]:
    model = CaseloadModel()
    proxy = CaseloadFilter()
    proxy.setSourceModel(model)
    model.set_caseload(caseload(store, clock.today()))
    return model, proxy


def test_an_action_is_the_next_item_in_its_own_words(qtbot: QtBot, store: Store) -> None:
    """A child whose only deadline is an action shows it as the next item, due soon, with
    the owner named, and the tooltip lists it."""
    child_id = _child(store, "Jaden")
    due = clock.today() + timedelta(days=3)
    actions.add(store, child_id=child_id, description="Ring school", owner="Sam", due_date=due)
    model, _ = _model(store)
    row = model.row_at(model.row_of(child_id))
    assert row.next_item == "Action: Ring school (Sam)"
    assert row.worst is Status.DUE_SOON and row.next_due == due
    assert row.summary.startswith("Action: Ring school (Sam): Due soon")


def test_the_kind_of_item_filter_finds_overdue_actions(qtbot: QtBot, store: Store) -> None:
    """ "Agreed actions" with "Overdue" keeps only the child whose action is overdue; once it
    is marked done the row has nothing due."""
    late, fine = _child(store, "Late"), _child(store, "Fine")
    made = actions.add(
        store, child_id=late, description="Send letter", owner="Sam", due_date=clock.today()
    )
    actions.add(
        store,
        child_id=fine,
        description="Book room",
        owner="Sam",
        due_date=clock.today() + timedelta(days=40),
    )
    assert ACTIONS in OBLIGATIONS
    with clock.frozen_at(clock.utcnow() + timedelta(days=1)):
        model, proxy = _model(store)
        proxy.set_filters(status=Status.OVERDUE, obligation=ACTIONS)
        assert [proxy.row_at(r).name for r in range(proxy.rowCount())] == ["Late Okafor"]
        proxy.set_filters(obligation=ACTIONS)
        assert proxy.rowCount() == 2
        actions.complete(store, action_id=made.action_id, on=clock.today() - timedelta(days=1))
        model, _ = _model(store)
        assert model.row_at(model.row_of(late)).next_item == "Nothing due"
