"""Helpers for the caseload view tests: demo profiles, a case with history, screenshots.

Fixtures themselves live in each test module (tests/ui/conftest.py belongs to the main window's
tests); the work they do is here so it is written once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app import clock
from app.models import Action, Addendum, Carer, CaseNote, LegalStatus, Placement, Visit
from app.store import Profile, Store
from demo.laptop import populate
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
#: The laptop screen the service's workers have: views must look right at this size.
SCREEN = (1366, 768)
DEMO_CHILDREN = 60
DEMO_SEED = 2026
#: A word no demo text uses, put into one child's case note so search has one right answer.
RARE_WORD = "trampolining"


def demo_store(root: Path, *, children: int = DEMO_CHILDREN) -> Iterator[Store]:
    """A fast-KDF profile holding the demo caseload, unlocked; locked again afterwards."""
    profile = Profile.create("demo", PASSPHRASE, worker="demo.worker", root=root, kdf=fast_kdf())
    store = profile.unlock(PASSPHRASE)
    populate(store, children=children, visits_per_child=8, seed=DEMO_SEED, today=clock.today())
    try:
        yield store
    finally:
        store.lock()


def add_case_note(store: Store, child_id: uuid.UUID, text: str) -> uuid.UUID:
    with store.write() as session:
        note = CaseNote(
            child_id=child_id,
            event_date=clock.today(),
            subject="Weekend activity",
            text=text,
        )
        session.add(note)
    return note.id


def child_with_history(store: Store) -> uuid.UUID:
    """A child with a legal status change, two placements, visits (one finalised, with an
    addendum), a case note and actions: everything the case view shows."""
    today = clock.today()
    with store.write() as session:
        household = factories.household(name="The Whitfield household")
        child = factories.child(given_name="Amara", preferred_name="Mara")
        session.add_all([household, child])
        session.flush()
        session.add_all(
            [
                LegalStatus(
                    child_id=child.id,
                    code="C1",
                    start_date=today - timedelta(days=500),
                    end_date=today - timedelta(days=300),
                    reason_ceased="X1",
                ),
                LegalStatus(child_id=child.id, code="C2", start_date=today - timedelta(days=300)),
                Placement(
                    child_id=child.id,
                    placement_type="U6",
                    start_date=today - timedelta(days=500),
                    end_date=today - timedelta(days=200),
                    reason_changed="CARPL",
                ),
                Placement(
                    child_id=child.id,
                    household_id=household.id,
                    placement_type="U4",
                    start_date=today - timedelta(days=200),
                    long_term_designated=True,
                ),
                CaseNote(
                    child_id=child.id,
                    event_date=today - timedelta(days=3),
                    subject="Call from school",
                    text="Her teacher rang to say Mara has settled well and joined the choir.",
                    status="finalised",
                ),
                Action(
                    child_id=child.id,
                    description="Book a dental check-up",
                    owner="alice",
                    due_date=today - timedelta(days=2),
                ),
                Action(
                    child_id=child.id,
                    description="Start life story work with the carers",
                    owner="Sandra Whitfield",
                    due_date=today + timedelta(days=30),
                ),
            ]
        )
        signed = factories.finalised_visit(
            child.id,
            visit_date=today - timedelta(days=20),
            wishes_and_feelings="Mara said she likes her new room and wants to see her brother.",
            observations="Warm relationship with her carer; room clean and personalised.",
        )
        draft = factories.visit(
            child.id,
            visit_date=today - timedelta(days=1),
            observations="Started writing up: contact arrangements discussed.",
        )
        session.add_all([signed, draft])
        session.flush()
        session.add(
            Addendum(
                child_id=child.id,
                target_type="visit",
                target_id=signed.id,
                text="Correction: the carer's son was also present.",
            )
        )
    return child.id


def carer_households(store: Store) -> dict[str, uuid.UUID]:
    """Foster carers approved two years ago (two carers, a child placed, TSD not done, the
    last unannounced visit over a year ago: both overdue), family and friends carers and
    adopters. Keyed by surname."""
    today = clock.today()
    with store.write() as session:
        made = {
            "Whitfield": factories.household(approval_date=today - timedelta(days=730)),
            "Okafor": factories.household(
                name="The Okafor household",
                carer_type="CONNECTED_PERSON",
                approval_date=today - timedelta(days=300),
            ),
            "Abbott": factories.household(
                name="The Abbott household",
                carer_type="ADOPTER",
                approval_date=today - timedelta(days=100),
            ),
        }
        child = factories.child(given_name="Leo")
        session.add_all([*made.values(), child])
        session.flush()
        whitfield = made["Whitfield"].id
        session.add_all(
            [
                Carer(household_id=whitfield, given_name="Sandra", family_name="Whitfield"),
                Carer(household_id=whitfield, given_name="Mike", family_name="Whitfield"),
                Placement(
                    child_id=child.id,
                    household_id=whitfield,
                    placement_type="U4",
                    start_date=today - timedelta(days=90),
                ),
                Visit(
                    household_id=whitfield,
                    visit_type="UNANNOUNCED",
                    visit_date=today - timedelta(days=400),
                    who_was_seen="Sandra",
                    status="finalised",
                ),
            ]
        )
    return {surname: household.id for surname, household in made.items()}


def screenshot(widget: QWidget, name: str) -> Path:
    """Render the widget at the laptop's screen size to test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    widget.resize(*SCREEN)
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path


def today_minus(days: int) -> date:
    return clock.today() - timedelta(days=days)
