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
from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
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


def in_ids(
    session: Session,
    column: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID],
    ids: Iterable[uuid.UUID],
) -> ColumnElement[bool]:
    """True where ``column`` holds one of ``ids``."""
    values = list(ids)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(Uuid())))
    # SQLAlchemy's ``Uuid`` keeps 32-digit hex on SQLite, which is what the array holds.
    array = orjson.dumps([value.hex for value in values]).decode()
    listed: Select[tuple[Any]] = select(literal_column("value")).select_from(
        func.json_each(bindparam(None, array, type_=String))
    )
    return column.in_(listed)
