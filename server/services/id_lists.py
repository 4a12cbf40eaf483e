"""``column IN (ids)`` as one bound value, however many ids: a JSON array on SQLite, an array
on PostgreSQL.

A push looks up every id it carries (its change ids' stored results, its records, their
children and households) in a few statements. Written as ``column.in_(ids)``, each of those
statements bound one value per id: SQLAlchemy rendered the list into the SQL at every
execution, and the database prepared a new statement each time, because its text changed with
the count. For a batch of 1,000 that came to several per cent of the service's push. With one
value, the statement's text is always the same, so both the compiled SQL and the database's
prepared statement are reused, and there is no limit on the count to chunk around.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import (
    ColumnElement,
    Result,
    Select,
    String,
    Uuid,
    any_,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import TypeEngine


def in_ids(
    session: Session,
    column: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID],
    ids: Iterable[uuid.UUID],
) -> ColumnElement[bool]:
    """True where ``column`` holds one of ``ids``."""
    dialect = session.get_bind().dialect.name
    return _in_list(dialect, column, bindparam(None, id_values(dialect, ids), _list_type(dialect)))


#: The name every statement built by ``IdListStatement`` gives its list of ids.
IDS = "ids"


def listed(dialect: str, column: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    """``in_ids`` with its list left to bind, as ``IDS``, at each execution (``id_values``)."""
    return _in_list(dialect, column, bindparam(IDS, type_=_list_type(dialect)))


def id_values(dialect: str, ids: Iterable[uuid.UUID]) -> Any:
    """The one value a list of ids is bound as, for ``dialect``."""
    if dialect == "postgresql":
        return list(ids)
    # SQLAlchemy's ``Uuid`` keeps 32-digit hex on SQLite, which is what the array holds.
    return orjson.dumps([value.hex for value in ids]).decode()


def _list_type(dialect: str) -> TypeEngine[Any]:
    return ARRAY(Uuid()) if dialect == "postgresql" else String()


def _in_list(
    dialect: str,
    column: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID],
    values: BindParameter[Any],
) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return column == any_(values)
    rows: Select[tuple[Any]] = select(literal_column("value")).select_from(func.json_each(values))
    return column.in_(rows)


S = TypeVar("S", bound=Executable)


class IdListStatement(Generic[S]):
    """A statement with a list of ids in it, built once for each kind of database it meets.

    For the statements every push runs: on a small push (a few edits, the sync a worker makes
    every few minutes) building each statement and its cache key cost more than the database
    spent running it.
    """

    def __init__(self, build: Callable[[str], S]) -> None:
        self._build = build
        self._built: dict[str, S] = {}

    def execute(self, session: Session, ids: Iterable[uuid.UUID]) -> Result[*tuple[Any, ...]]:
        dialect = session.get_bind().dialect.name
        statement = self._built.get(dialect)
        if statement is None:
            statement = self._built[dialect] = self._build(dialect)
        return session.execute(statement, {IDS: id_values(dialect, ids)})
