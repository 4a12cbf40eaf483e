"""Looking rows up by a list of ids in one statement, however long the list."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, String, bindparam, func, literal_column, select
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
    listed: Select[tuple[str]] = select(literal_column("value")).select_from(
        func.json_each(bindparam("pair_ids", type_=String))
    )
    return list(session.execute(query.where(column.in_(listed)), {"pair_ids": id_array(ids)}).all())


def id_array(ids: Iterable[uuid.UUID]) -> str:
    """Ids as one JSON array of the 32-digit hex the store holds them as: bound as one value
    for ``IN (SELECT value FROM json_each(?))`` in plain SQL, as ``rows_with_ids`` does."""
    return json.dumps([i.hex for i in ids])
