"""The pure merge and validation rules, checked exhaustively with hypothesis."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from server.services.merge import FieldMeta, merge, validate_fields

NAMES = st.sampled_from(["a", "b", "c", "d"])
VALUES = st.integers(0, 3)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, FieldMeta], int, dict[str, Any]]:
    current = draw(st.dictionaries(NAMES, VALUES))
    meta = {
        name: FieldMeta(
            draw(st.integers(1, 20)),
            draw(st.sampled_from(["ann", "bob"])),
            "t",
            draw(st.sampled_from(["dev1", "dev2"])),
        )
        for name in current
    }
    return current, meta, draw(st.integers(0, 20)), draw(st.dictionaries(NAMES, VALUES))


@given(scenarios())
def test_merge_never_overwrites_someone_elses_newer_value(
    scenario: tuple[dict[str, Any], dict[str, FieldMeta], int, dict[str, Any]],
) -> None:
    """A field another device changed after the base is never silently replaced: either the
    values agree, or the change is a conflict and nothing at all is applied."""
    current, meta, base, incoming = scenario
    outcome = merge(
        current=current, meta=meta, base_revision=base, incoming=incoming, device="dev1"
    )
    if outcome.conflicts:
        assert outcome.to_apply == {}
    for name, value in incoming.items():
        m = meta.get(name)
        contested = m is not None and m.revision > base and m.device != "dev1"
        if contested and current.get(name) != value:
            assert name in outcome.conflicts
        elif not outcome.conflicts and current.get(name) != value:
            assert outcome.to_apply[name] == value
    assert set(outcome.to_apply) <= set(incoming)


@given(scenarios())
def test_merging_is_idempotent(
    scenario: tuple[dict[str, Any], dict[str, FieldMeta], int, dict[str, Any]],
) -> None:
    """Applying a merge's result and merging the same change again changes nothing more."""
    current, meta, base, incoming = scenario
    first = merge(current=current, meta=meta, base_revision=base, incoming=incoming, device="d1")
    if first.conflicts:
        return
    after = {**current, **first.to_apply}
    again = merge(current=after, meta=meta, base_revision=base, incoming=incoming, device="d1")
    assert again.to_apply == {}


@given(st.one_of(st.integers(), st.text(), st.booleans(), st.none(), st.floats()))
def test_bool_fields_accept_only_booleans(value: object) -> None:
    """welfare_concern is true or false; nothing else (not 0/1, not "yes", not null) passes."""
    _, error = validate_fields("visit", {"welfare_concern": value}, creating=False)
    assert (error is None) == isinstance(value, bool)


def test_dates_and_datetimes_are_canonicalised() -> None:
    """Equal instants spelt differently compare equal after validation (so they never conflict)."""
    a, _ = validate_fields("visit", {"finalised_at": "2024-05-01T15:00:00Z"}, creating=False)
    b, _ = validate_fields("visit", {"finalised_at": "2024-05-01T15:00:00+00:00"}, creating=False)
    assert a == b
    _, naive = validate_fields("visit", {"finalised_at": "2024-05-01T15:00:00"}, creating=False)
    assert naive is not None and naive.field == "finalised_at"
