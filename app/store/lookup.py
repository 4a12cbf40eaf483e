"""Looking rows up by a list of ids in one statement, however long the list."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, String, bindparam, func, literal_column, select
from sqlalchemy.orm import Session


def rows_with_ids(
    session: Session,
    query: Any,
    column: Any,
    ids: Sequence[uuid.UUID],
) -> list[Any]:
    """Rows of ``query`` restricted to ``column IN ids``.

    The ids go to SQLite as one JSON array (``json_each``), not one bound value each: binding
    and rendering a thousand values cost more than the lookup itself, and there is no limit
    on how many to chunk around. Ids are stored as 32-digit hex (SQLAlchemy's ``Uuid`` on
    SQLite), which is what the array holds.
    """
    if not ids:
        return []
    statement = query.where(listed(column, "pair_ids"))
    return list(session.execute(statement, {"pair_ids": id_array(ids)}).all())


def listed(column: Any, key: str) -> ColumnElement[bool]:
    """``column IN`` the ids bound as ``key`` (an ``id_array``) at each execution: for a
    statement built once, as ``rows_with_ids`` builds one each time."""
    ids: Select[tuple[str]] = select(literal_column("value")).select_from(
        func.json_each(bindparam(key, type_=String))
    )
    result: ColumnElement[bool] = column.in_(ids)
    return result


def id_array(ids: Iterable[uuid.UUID]) -> str:
    """Ids as one JSON array of the 32-digit hex the store holds them as: bound as one value
    for ``IN (SELECT value FROM json_each(?))`` in plain SQL, as ``rows_with_ids`` does."""
    return json.dumps([i.hex for i in ids])
