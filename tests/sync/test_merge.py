"""Properties of the three-way field merge: nothing accepted is lost, nothing silently wins."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sync.merge import merge

FIELDS = st.sampled_from(["observations", "who_was_seen", "visit_date", "seen_alone", "notes"])
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=4))
RECORDS = st.dictionaries(FIELDS, VALUES, max_size=5)


@st.composite
def edits(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A base, and two sides that each change some fields of it."""
    base = draw(RECORDS)
    mine = {**base, **draw(RECORDS)}
    theirs = {**base, **draw(RECORDS)}
    return base, mine, theirs


def test_different_fields_merge_and_the_same_field_conflicts() -> None:
    """The worked example: my observations and their date both survive; a shared field conflicts."""
    base = {"observations": "settled", "visit_date": "2026-11-01", "who_was_seen": "A"}
    mine = {**base, "observations": "settled, new school going well", "who_was_seen": "A and B"}
    theirs = {**base, "visit_date": "2026-11-02", "who_was_seen": "A, B and carer"}
    result = merge(base, mine, theirs)
    assert result.merged["observations"] == "settled, new school going well"
    assert result.merged["visit_date"] == "2026-11-02"
    assert [(c.name, c.base, c.mine, c.theirs) for c in result.conflicts] == [
        ("who_was_seen", "A", "A and B", "A, B and carer")
    ]
    assert result.to_push == {"observations": "settled, new school going well"}


@given(edits())
def test_no_accepted_edit_is_lost(
    case: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    """Every field either side changed ends up merged or kept in a conflict with both values."""
    base, mine, theirs = case
    result = merge(base, mine, theirs)
    contested = {c.name: c for c in result.conflicts}
    for name in {*mine, *theirs}:
        if name in contested:
            assert (contested[name].mine, contested[name].theirs) == (mine[name], theirs[name])
            continue
        if mine.get(name) != base.get(name):
            assert result.merged[name] == mine[name]
        if theirs.get(name) != base.get(name):
            assert result.merged[name] == theirs[name]


@given(edits())
def test_conflicts_only_when_both_sides_changed_a_field_differently(
    case: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    """A conflict is reported exactly when both sides changed one field to different values."""
    base, mine, theirs = case
    expected = {
        n
        for n in {*mine, *theirs}
        if mine.get(n) != base.get(n) and theirs.get(n) != base.get(n) and mine[n] != theirs[n]
    }
    assert {c.name for c in merge(base, mine, theirs).conflicts} == expected


@given(RECORDS, RECORDS)
def test_merging_with_an_unchanged_side_takes_the_other(
    base: dict[str, Any], change: dict[str, Any]
) -> None:
    """If only one side moved, the result is that side, with no conflicts, either way round."""
    moved = {**base, **change}
    assert merge(base, base, moved).merged == moved
    assert merge(base, moved, base).merged == moved
    assert merge(base, moved, base).clean and merge(base, base, moved).clean


@given(edits())
def test_merge_is_symmetric_apart_from_which_side_is_mine(
    case: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    """Swapping sides swaps mine/theirs in conflicts and agrees on every uncontested field."""
    base, mine, theirs = case
    one, other = merge(base, mine, theirs), merge(base, theirs, mine)
    assert {(c.name, c.mine, c.theirs) for c in one.conflicts} == {
        (c.name, c.theirs, c.mine) for c in other.conflicts
    }
    contested = {c.name for c in one.conflicts}
    assert {k: v for k, v in one.merged.items() if k not in contested} == {
        k: v for k, v in other.merged.items() if k not in contested
    }


@given(edits())
def test_to_push_is_exactly_what_the_server_lacks(
    case: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    """After a clean merge, applying to_push to the server's version gives the merged record."""
    base, mine, theirs = case
    result = merge(base, mine, theirs)
    if result.clean:
        server_after = {**theirs, **result.to_push}
        assert {k: server_after.get(k) for k in result.merged} == result.merged
