"""``server.services.id_lists``: exactly the rows whose id is listed, on SQLite and on
PostgreSQL, however many ids, in a statement whose text does not depend on how many (and, with
``IdListStatement``, in a statement built only once)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Select, insert, select

from server.db import Database, migrate, open_database
from server.models import ScopeEvent, table_of
from server.services.id_lists import IdListStatement, in_ids, listed
from tests.server.conftest import PgSchemas, backends

EVENT = table_of(ScopeEvent)
WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=backends())
def database(
    request: pytest.FixtureRequest, tmp_path: Path, pg_schemas: PgSchemas | None
) -> Iterator[Database]:
    if request.param == "postgresql":
        assert pg_schemas is not None
        url = pg_schemas.create()
    else:
        url = f"sqlite:///{tmp_path / 'server.db'}"
    migrate(url)
    opened = open_database(url)
    yield opened
    opened.dispose()


def _store_subjects(database: Database, subject_type: str, ids: list[uuid.UUID]) -> None:
    rows = [
        {"revision": n, "subject_type": subject_type, "subject_id": subject_id, "at": WHEN}
        for n, subject_id in enumerate(ids, 1)
    ]
    database.run_write(lambda session: session.execute(insert(EVENT), rows))


def test_finds_exactly_the_listed_ids_beyond_any_bound_value_limit(database: Database) -> None:
    stored = [uuid.uuid4() for _ in range(1_500)]
    _store_subjects(database, "child", stored)
    # More ids than the old chunks of 500, some repeated, some the database does not hold.
    asked = stored[:1_200] + stored[:50] + [uuid.uuid4() for _ in range(300)]
    with database.read() as session:
        found = session.scalars(
            select(EVENT.c.subject_id).where(in_ids(session, EVENT.c.subject_id, asked))
        ).all()
    assert sorted(found, key=str) == sorted(stored[:1_200], key=str)


def test_combines_with_other_conditions_and_an_empty_list_finds_nothing(
    database: Database,
) -> None:
    children, households = [uuid.uuid4() for _ in range(3)], [uuid.uuid4() for _ in range(3)]
    _store_subjects(database, "child", children)
    _store_subjects(database, "household", households)
    with database.read() as session:
        only_children = session.scalars(
            select(EVENT.c.subject_id).where(
                EVENT.c.subject_type == "child",
                in_ids(session, EVENT.c.subject_id, children + households),
            )
        ).all()
        nothing = session.scalars(
            select(EVENT.c.subject_id).where(in_ids(session, EVENT.c.subject_id, []))
        ).all()
    assert sorted(only_children, key=str) == sorted(children, key=str)
    assert nothing == []


def test_the_sql_is_the_same_for_any_number_of_ids(database: Database) -> None:
    """The point of the helper: one statement text, so it is compiled and prepared once."""
    with database.read() as session:
        dialect = session.get_bind().dialect

        def sql(count: int) -> str:
            ids = [uuid.uuid4() for _ in range(count)]
            statement = select(EVENT.c.subject_id).where(in_ids(session, EVENT.c.subject_id, ids))
            # As executed: an expanding IN list would be rendered here, one value per id.
            compiled = statement.compile(
                dialect=dialect, compile_kwargs={"render_postcompile": True}
            )
            return str(compiled)

        assert sql(1) == sql(3) == sql(1_000)


def test_a_statement_built_once_finds_exactly_the_listed_ids_each_time(
    database: Database,
) -> None:
    """``IdListStatement``: the same statement object, built once for the database, answers
    lists of any length, each execution for its own list only (a list bound at one execution
    never leaks into the next)."""
    stored = [uuid.uuid4() for _ in range(800)]
    _store_subjects(database, "child", stored)
    built: list[str] = []

    def build(dialect: str) -> Select[tuple[uuid.UUID]]:
        built.append(dialect)
        return select(EVENT.c.subject_id).where(listed(dialect, EVENT.c.subject_id))

    statement = IdListStatement(build)
    for asked in (stored[:1], stored[100:700] + [uuid.uuid4()], [uuid.uuid4()], stored[5:8]):
        with database.read() as session:
            found = set(statement.execute(session, asked).scalars())
        assert found == set(asked) & set(stored)
    assert len(built) == 1
