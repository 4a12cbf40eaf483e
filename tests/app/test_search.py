"""Search as you type over names and case text, kept in step with every save."""

from __future__ import annotations

from app.models import Child
from app.search import fts_query, search
from app.store import Store
from tests.app import factories


def test_prefixes_of_every_word_must_match(store: Store) -> None:
    """'amar oka' finds Amara Okafor; 'amar smi' finds nobody."""
    with store.write() as session:
        child = factories.child()
        session.add(child)
        session.add(factories.child(given_name="Amari", family_name="Smithson"))
    with store.read() as session:
        assert [h.record_id for h in search(session, "amar oka")] == [child.id]
        assert search(session, "amar smi")[0].record_id != child.id
        assert search(session, "zzz") == []


def test_case_text_edits_and_deletions_update_the_index(store: Store) -> None:
    """An edited visit is found by its new words only; a deleted one is not found at all."""
    with store.write() as session:
        child = factories.child()
        session.add(child)
        session.flush()
        visit = factories.visit(child.id, observations="trampoline in the garden")
        session.add(visit)
    with store.write() as session:
        loaded = session.get(type(visit), visit.id)
        assert loaded is not None
        loaded.observations = "new bicycle"
    with store.read() as session:
        assert search(session, "trampoline") == []
        [hit] = search(session, "bicyc")
        assert (hit.record_type, hit.child_id) == ("visit", child.id)
    with store.write() as session:
        loaded_child = session.get(Child, child.id)
        loaded = session.get(type(visit), visit.id)
        assert loaded is not None and loaded_child is not None
        loaded.deleted = True
    with store.read() as session:
        assert search(session, "bicyc") == []


def test_search_syntax_typed_by_a_worker_is_taken_literally(store: Store) -> None:
    """Quotes, AND/OR/NOT and stars are searched as words, never as query syntax or errors."""
    with store.write() as session:
        session.add(factories.child(given_name="Siobhan", family_name="O'Neil"))
    with store.read() as session:
        assert len(search(session, "o'neil")) == 1
        for typed in ['"', "AND", "NOT siobhan", "*", "siobhan OR", "(", "NEAR(", "o_neil"]:
            search(session, typed)  # must not raise
        # An underscore splits words in the index, so it does in what is typed (it was an
        # error: a quoted "o_neil" is a phrase, which the lean index refuses).
        assert len(search(session, "siobhan_o")) == 1
    assert fts_query("  ") is None


def test_a_hit_shows_the_words_that_matched(store: Store) -> None:
    """The worker sees the passage their words were found in, a few words either side, with
    the match found by its prefix and case ignored."""
    from app.search import matched_words

    observations = (
        "Visited after school. Mara showed me her room and talked about wanting to join the "
        "Saturday Trampolining club with her friend from class."
    )
    with store.write() as session:
        child = factories.child()
        session.add(child)
        session.flush()
        session.add(factories.visit(child.id, observations=observations))
    with store.read() as session:
        [hit] = search(session, "trampol")
        shown = matched_words(session, hit, "trampol")
    assert (
        shown == "…about wanting to join the Saturday Trampolining club with her friend from class."
    )
