"""Domain validation messages, each tied to its field, in words a social worker understands."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from app import clock
from app.models import (
    Child,
    LegalStatus,
    Placement,
    Record,
    Review,
    Visit,
)
from app.store import Store
from app.validation import problems
from tests.app import factories

TODAY = clock.today()
CHILD_ID = factories.child().id


def _msgs(obj: Record) -> dict[str, str]:
    return {p.field: p.message for p in problems(obj, today=TODAY)}


CASES: list[tuple[str, Record, str, str]] = [
    (
        "visit in the future",
        factories.visit(CHILD_ID, visit_date=TODAY + timedelta(days=1)),
        "visit_date",
        "The visit date cannot be in the future.",
    ),
    (
        "finalised without who was seen",
        factories.visit(CHILD_ID, status="finalised", seen_alone=True),
        "who_was_seen",
        "Record who was seen before signing off the visit.",
    ),
    (
        "finalised without seen alone",
        factories.visit(CHILD_ID, status="finalised", who_was_seen="Amara"),
        "seen_alone",
        "Record whether the child was seen alone before signing off.",
    ),
    (
        "not seen alone, no reason",
        factories.visit(CHILD_ID, status="finalised", who_was_seen="A", seen_alone=False),
        "not_seen_alone_reason",
        "regulation 29",
    ),
    (
        "unknown visit type",
        factories.visit(CHILD_ID, visit_type="COFFEE"),
        "visit_type",
        "Choose a type of visit from the list.",
    ),
    (
        "birth in the future",
        factories.child(date_of_birth=TODAY + timedelta(days=3)),
        "date_of_birth",
        "cannot be in the future",
    ),
    (
        "implausibly old",
        factories.child(date_of_birth=date(1950, 1, 1)),
        "date_of_birth",
        "older than anyone this service supports",
    ),
    ("old-style sex code", factories.child(sex="1"), "sex", "Choose a sex from the list."),
    ("bad UPN", factories.child(upn="12345"), "upn", "unique pupil number"),
    ("name with a line break", factories.child(given_name="Am\nara"), "given_name", "one line"),
    (
        "blank name",
        factories.child(family_name="   "),
        "family_name",
        "Enter the child's last name.",
    ),
    (
        "unknown legal status",
        LegalStatus(child_id=CHILD_ID, code="ZZ", start_date=TODAY),
        "code",
        "Choose a legal status from the list.",
    ),
    (
        "status ended without reason",
        LegalStatus(
            child_id=CHILD_ID, code="C2", start_date=date(2024, 1, 1), end_date=date(2025, 1, 1)
        ),
        "reason_ceased",
        "record why it ended",
    ),
    (
        "placement ends before it starts",
        Placement(
            child_id=CHILD_ID,
            placement_type="U6",
            start_date=date(2025, 5, 1),
            end_date=date(2025, 4, 1),
        ),
        "end_date",
        "cannot be before the start date",
    ),
    (
        "P2 no longer collected",
        Placement(child_id=CHILD_ID, placement_type="P2", start_date=date(2025, 6, 1)),
        "placement_type",
        "Choose a placement type from the list.",
    ),
    (
        "PR3 with long-term fostering",
        Placement(
            child_id=CHILD_ID, placement_type="U4", provider="PR3", start_date=date(2025, 6, 1)
        ),
        "provider",
        "cannot be the provider",
    ),
    (
        "temporary approval extended past 24 weeks (1 Jan + 24 weeks = 18 June)",
        factories.household(
            approval_status="TEMPORARY",
            temporary_approval_date=date(2026, 1, 1),
            temporary_extension_until=date(2026, 6, 19),
        ),
        "temporary_extension_until",
        "extended once, to 18/06/2026 at the latest",
    ),
    (
        "an extension that ends within the first 16 weeks (1 Jan + 16 weeks = 23 April)",
        factories.household(
            approval_status="TEMPORARY",
            temporary_approval_date=date(2026, 1, 1),
            temporary_extension_until=date(2026, 4, 23),
        ),
        "temporary_extension_until",
        "must end after the temporary approval does (23/04/2026)",
    ),
    (
        "approved without a date",
        factories.household(approval_date=None),
        "approval_date",
        "Enter the date the household was approved.",
    ),
    (
        "carer visit with no household",
        Visit(visit_type="SUPERVISING", visit_date=TODAY),
        "household_id",
        "Choose the carer household",
    ),
    (
        "home postcode not a postcode",
        factories.child(home_postcode="YO31"),
        "home_postcode",
        "as it is written on letters",
    ),
    (
        "a boy recorded as a mother",
        factories.child(sex="M", is_mother=True, first_child_born=date(2024, 1, 1)),
        "is_mother",
        "Only a girl or young woman",
    ),
    (
        "a mother without her child's birth",
        factories.child(sex="F", is_mother=True),
        "first_child_born",
        "first child was born",
    ),
    (
        "previous order without its date",
        factories.child(previous_permanence="P2", previous_permanence_la="871"),
        "previous_permanence_date",
        "Enter the date of the previous order",
    ),
    (
        "previous order in an unknown place",
        factories.child(
            previous_permanence="P1",
            previous_permanence_date=date(2019, 1, 1),
            previous_permanence_la="York",
        ),
        "previous_permanence_la",
        "three-digit code",
    ),
    (
        "unknown previous permanence code",
        factories.child(previous_permanence="P9"),
        "previous_permanence",
        "Choose a previous permanence order from the list.",
    ),
    (
        "asylum-seeking status ceased after 18",
        factories.child(uasc=True, uasc_ceased=date(2035, 4, 1)),
        "uasc_ceased",
        "ceases at 18 at the latest",
    ),
    (
        "a date ceased for a child who was never asylum-seeking",
        factories.child(uasc_ceased=date(2024, 4, 1)),
        "uasc_ceased",
        "Only an unaccompanied asylum-seeking child",
    ),
    (
        "placement URN not Ofsted's",
        Placement(child_id=CHILD_ID, placement_type="U4", start_date=TODAY, urn="123"),
        "urn",
        "SC followed by six digits",
    ),
    (
        "parents providing foster care",
        Placement(child_id=CHILD_ID, placement_type="U4", start_date=TODAY, provider="PR0"),
        "provider",
        "placement with parents",
    ),
    (
        "placement postcode not a postcode",
        Placement(child_id=CHILD_ID, placement_type="U4", start_date=TODAY, postcode="nowhere"),
        "postcode",
        "as it is written on letters",
    ),
    (
        "review visit frequency",
        Review(child_id=CHILD_ID, kind="CHILD_LAC", review_date=TODAY, visit_interval_weeks=52),
        "visit_interval_weeks",
        "between 1 and 26 weeks",
    ),
]


@pytest.mark.parametrize(("name", "obj", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_message_on_its_field(
    name: str, obj: Record, field: str, words: str
) -> None:
    """Each kind of bad input is named on the right field with a plain-English message."""
    found = _msgs(obj)
    assert field in found, found
    assert words in found[field]


@pytest.mark.parametrize(
    "obj",
    [
        factories.child(),
        factories.finalised_visit(CHILD_ID),
        factories.visit(CHILD_ID),  # a draft may be incomplete
        factories.household(),
        LegalStatus(child_id=CHILD_ID, code="SGO", start_date=date(2025, 2, 1)),
        Placement(child_id=CHILD_ID, placement_type="Z11", start_date=date(2025, 6, 1)),
        factories.child(
            sex="F",
            is_mother=True,
            first_child_born=date(2025, 1, 1),
            home_postcode="YO31 6BH",
            previous_permanence="P2",
            previous_permanence_date=date(2019, 3, 1),
            previous_permanence_la="816",
        ),
        Placement(
            child_id=CHILD_ID,
            placement_type="U4",
            provider="PR1",
            start_date=date(2025, 6, 1),
            postcode="YO10 4UX",
            urn="SC055123",
        ),
    ],
)
def test_good_records_pass(obj: Record) -> None:
    """Valid records, including drafts and new-year codes, raise no problems."""
    assert _msgs(obj) == {}


def _stored_child(store: Store, **kw: Any) -> Child:
    with store.write() as session:
        child = factories.child(**kw)
        session.add(child)
    return child


def test_rules_that_need_other_records_use_them(store: Store) -> None:
    """K3 needs a child of 16+, and 'under 4' participation needs a child under 4."""
    child = _stored_child(store, date_of_birth=date(2015, 1, 1))
    with store.read() as session:
        k3 = Placement(child_id=child.id, placement_type="K3", start_date=date(2025, 6, 1))
        pn0 = Review(
            child_id=child.id, kind="CHILD_LAC", review_date=date(2025, 6, 1), participation="PN0"
        )
        assert (
            "16 or over"
            in {p.field: p.message for p in problems(k3, today=TODAY, session=session)}[
                "placement_type"
            ]
        )
        assert "participation" in {p.field for p in problems(pn0, today=TODAY, session=session)}
