"""A page of new records written with the insert triggers paused ends up exactly as if each
row had fired them: the same search documents, the same search hits, the same stale subjects.

Sync relies on this for every pulled page of new records (``sync.pages``); if it drifted, a
first sync would leave records unsearchable or deadlines not redone, silently.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import RECORD_TYPES
from app.replica import page_triggers
from app.search import fts_query, search
from app.store import Store
from tests.conftest import unlocked_store

#: The record tables in the order their rows can be inserted (subjects first).
ORDER = [
    "child",
    "carer_household",
    *(t for t in RECORD_TYPES if t not in ("child", "carer_household")),
]


def _table(record_type: str) -> Table:
    table = RECORD_TYPES[record_type].__table__  # type: ignore[attr-defined]  # declared by Base
    assert isinstance(table, Table)
    return table


def _row(record_type: str, n: int, child_id: uuid.UUID, household_id: uuid.UUID) -> dict[str, Any]:
    """A row with every column filled: text that names its table (so a search can find it),
    the page's child and household as links, plain values elsewhere."""
    row: dict[str, Any] = {}
    for column in _table(record_type).columns:
        # A TypeDecorator (the UTC timestamp) names its Python type through its impl.
        kind = getattr(column.type, "impl", column.type).python_type
        if column.name == "id":
            row["id"] = {"child": child_id, "carer_household": household_id}.get(
                record_type, uuid.uuid4()
            )
        elif column.name == "child_id":
            row["child_id"] = child_id
        elif column.name == "household_id":
            row["household_id"] = household_id
        elif column.name == "deleted":
            row["deleted"] = n == 2  # a tombstone: never indexed, still a stale subject
        elif kind is uuid.UUID:
            row[column.name] = None if column.nullable else uuid.uuid4()
        elif kind is str:
            row[column.name] = f"{record_type}{n}word {column.name.replace('_', '')}"
        elif kind is bool:
            row[column.name] = False
        elif kind is int:
            row[column.name] = 1
        elif kind is datetime:
            row[column.name] = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
        elif kind is date:
            row[column.name] = date(2026, 1, 2)
        elif kind is dict or isinstance(column.type, JSON):
            row[column.name] = {"q1": f"{record_type}{n}answer"}
        else:
            raise AssertionError(f"no sample value for {record_type}.{column.name} ({kind})")
    return row


def _pages() -> list[tuple[str, list[dict[str, Any]]]]:
    """Three rows of every record type, about two children and two households."""
    pages = []
    subjects = [(uuid.uuid4(), uuid.uuid4()) for _ in range(3)]
    subjects[2] = subjects[0]  # two rows about one subject: listed stale once
    for record_type in ORDER:
        rows = []
        for n, (child_id, household_id) in enumerate(subjects):
            if record_type in ("child", "carer_household") and n == 2:
                continue  # the subject itself exists once
            rows.append(_row(record_type, n, child_id, household_id))
        pages.append((record_type, rows))
    return pages


def _state(session: Session) -> dict[str, Any]:
    docs = sorted(
        tuple(row)
        for row in session.execute(
            text("SELECT record_type, record_id, child_id, household_id FROM search_doc")
        )
    )
    stale = sorted(tuple(row) for row in session.execute(text("SELECT * FROM deadline_stale")))
    hits = {
        word: sorted(str(h.record_id) for h in search(session, word, limit=500))
        for word in [f"{t}{n}" for t in RECORD_TYPES for n in range(2)]
        + [f"{t}0{w}" for t in RECORD_TYPES for w in ("word", "changed")]
        + [f"{t}1changed" for t in RECORD_TYPES]
    }
    # The index itself, not only what search shows through ``search_doc``: an entry left
    # behind would be found again once its rowid is reused.
    entries = {
        word: session.execute(
            text("SELECT count(*) FROM search_index WHERE search_index MATCH :q"),
            {"q": fts_query(word)},
        ).scalar()
        for word in hits
    }
    return {"docs": docs, "stale": stale, "hits": hits, "entries": entries}


def test_a_paused_page_indexes_and_marks_stale_as_the_triggers_do(tmp_path: Path) -> None:
    pages = _pages()
    states = []
    for name, paused in (("triggers", False), ("paused", True)):
        with unlocked_store(tmp_path, name) as store, store.write(remote=True) as session:
            session.execute(text("DELETE FROM deadline_stale"))
            for record_type, rows in pages:
                table = _table(record_type)
                if paused:
                    with page_triggers.paused(session):
                        session.execute(insert(table), rows)
                    page_triggers.after_insert(session, table.name, [r["id"] for r in rows])
                else:
                    session.execute(insert(table), rows)
            assert session.execute(text("SELECT count(*) FROM trigger_pause")).scalar() == 0
            states.append(_state(session))
    triggered, set_based = states
    assert triggered["docs"] and triggered["stale"]
    assert all(triggered["hits"][f"{t}0"] for t in page_triggers.SEARCH)
    assert set_based == triggered


def _rewritten(rows: list[dict[str, Any]], *, deleting: bool) -> list[dict[str, Any]]:
    """The same rows with every piece of text changed (and tombstones revived); ``deleting``:
    each page's first row becomes a tombstone."""
    out = []
    for n, row in enumerate(rows):
        new = dict(row)
        for name, value in row.items():
            if isinstance(value, str):
                new[name] = value.replace("word", "changed")
        new["deleted"] = deleting and n == 0
        out.append(new)
    return out


@pytest.mark.parametrize("deleting", [False, True], ids=["revived", "deleted"])
def test_a_paused_rewrite_reindexes_as_the_update_triggers_do(
    tmp_path: Path, deleting: bool
) -> None:
    """Records the laptop holds, rewritten whole (as sync does with a colleague's versions):
    with the search update triggers paused and one re-index for the page, search finds the
    new words and not the old, and the deadline triggers (never paused) mark the same. A row
    rewritten as a tombstone leaves search; one revived from a tombstone returns to it."""
    pages = _pages()
    states = []
    for name, paused in (("triggers", False), ("paused", True)):
        with unlocked_store(tmp_path, name) as store:
            with store.write(remote=True) as session:
                for record_type, rows in pages:
                    session.execute(insert(_table(record_type)), rows)
            with store.write(remote=True) as session:
                session.execute(text("DELETE FROM deadline_stale"))
                for record_type, rows in pages:
                    table = _table(record_type)
                    statement = sqlite_insert(table)
                    upsert = statement.on_conflict_do_update(
                        index_elements=["id"],
                        set_={c.name: statement.excluded[c.name] for c in table.columns},
                    )
                    if paused:
                        with page_triggers.paused(session):
                            session.execute(upsert, _rewritten(rows, deleting=deleting))
                        page_triggers.reindex(session, table.name, [r["id"] for r in rows])
                    else:
                        session.execute(upsert, _rewritten(rows, deleting=deleting))
                states.append(_state(session))
    triggered, set_based = states
    assert not any(triggered["hits"][f"{t}0word"] for t in page_triggers.SEARCH)  # old: gone
    # (An assessment's indexed text is its answers, which ``_rewritten`` leaves alone.)
    texts = [t for t in page_triggers.SEARCH if t != "assessment"]
    assert all(bool(triggered["hits"][f"{t}0changed"]) is not deleting for t in texts)
    assert all(triggered["hits"][f"{t}1changed"] for t in texts)
    assert triggered["stale"]  # tombstones revived: deadline triggers fired
    assert set_based == triggered


def test_every_insert_trigger_can_be_paused_and_is_mirrored(store: Store) -> None:
    """A new insert trigger must carry the pause guard and have its set-based twin in
    ``app.replica.page_triggers``, or a first sync would skip its work."""
    with store.read() as session:
        triggers = session.execute(
            text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
    mirrored = {"search": page_triggers.SEARCH, "deadline": page_triggers.DEADLINE}
    seen = 0
    for name, table, sql in triggers:
        if name.startswith("search_") and " AFTER UPDATE OF " in sql:
            assert "WHEN NOT EXISTS (SELECT 1 FROM trigger_pause)" in sql, name
            assert table in page_triggers.SEARCH, name
        if not re.search(r"\bAFTER INSERT ON\b", sql):
            continue
        seen += 1
        assert "WHEN NOT EXISTS (SELECT 1 FROM trigger_pause)" in sql, name
        family = name.split("_", 1)[0]
        assert family in mirrored and table in mirrored[family], (
            f"{name} has no set-based twin in app/replica/page_triggers.py"
        )
    assert seen == len(page_triggers.SEARCH) + len(page_triggers.DEADLINE)


def test_the_pause_never_outlives_its_page(store: Store) -> None:
    """Even when the page fails part-way, the pause row is gone before anything commits."""
    try:
        with store.write(remote=True) as session, page_triggers.paused(session):
            raise RuntimeError("page failed")
    except RuntimeError:
        pass
    with store.read() as session:
        assert session.execute(text("SELECT count(*) FROM trigger_pause")).scalar() == 0
