"""The record tables' bulk row writers: the named statements a pulled page or a settled push
batch is written with, and their execution as one ``executemany`` each.

``sync.rows`` turns wire versions into rows (tuples in the column order given here); this
module owns the SQL. Statements are plain driver SQL built once per record type from the
models, because a first sync writes tens of thousands of rows and SQLAlchemy's statement
machinery per row cost more than SQLite's own work.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Table
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

Convert = Callable[[Any], Any]

#: A row as ``executemany`` takes it, in the column order of its statements.
Row = tuple[Any, ...]

#: The envelope columns a stamp sets, in :func:`stamp_statement`'s order (then the revision,
#: which is compared, and the id, which selects the row).
STAMPED = ("created_by", "created_at", "updated_by", "updated_at")


@dataclass(frozen=True)
class RowStatements:
    """One record type's insert statements over ``names`` (its columns, in row order).

    ``lean`` is the upsert without the indexed columns, for rows whose indexed values are
    unchanged (``indexed``: their positions in a row; ``stored``: the query for their stored
    values). SQLite rewrites an index entry for every indexed column an UPDATE assigns, even to
    the value it had: a colleague's edit to a visit's text rewrote its entries in four indexes.
    """

    insert: str
    upsert: str
    lean: str
    indexed: tuple[int, ...]
    stored: str
    id_at: int


def row_statements(table: Table, names: Sequence[str], dialect: Dialect) -> RowStatements:
    """The insert, upsert, lean upsert and stored-values statements for rows of ``names``."""
    unfilled = {c.name for c in table.columns} - set(names)
    if unfilled:
        # A laptop-only column would need its default here: say so rather than insert NULLs.
        raise RuntimeError(f"{table.name}: columns {sorted(unfilled)} have no wire source")
    quote = dialect.identifier_preparer.quote
    insert = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)})"  # noqa: S608 (model names, quoted)
        f" VALUES ({', '.join('?' * len(names))})"
    )
    conflict = f"{insert} ON CONFLICT ({quote('id')}) DO UPDATE SET"
    refreshed = ", ".join(f"{quote(n)} = excluded.{quote(n)}" for n in names if n != "id")
    in_index = {column.name for index in table.indexes for column in index.columns}
    in_index.discard("id")
    # (Every record has unindexed columns, its text at least; were there none, a lean update
    # would have nothing to set, and the full one serves.)
    lean = (
        ", ".join(
            f"{quote(n)} = excluded.{quote(n)}" for n in names if n != "id" and n not in in_index
        )
        or refreshed
    )
    indexed = tuple(i for i, n in enumerate(names) if n in in_index)
    stored = (
        f"SELECT {', '.join(quote(n) for n in ('id', *(names[i] for i in indexed)))}"  # noqa: S608 (model names, quoted)
        f" FROM {quote(table.name)} WHERE {quote('id')} IN (SELECT value FROM json_each(?))"
    )
    return RowStatements(
        insert,
        f"{conflict} {refreshed}",
        f"{conflict} {lean}",
        indexed,
        stored,
        list(names).index("id"),
    )


def stamp_statement(table: Table, own: Sequence[str], dialect: Dialect) -> str:
    """The update writing the service's stamps onto held rows: ``own`` (the fields only the
    service sets), then :data:`STAMPED`, then the revision and the id. The revision only ever
    rises (a later answer may have been settled first) and the record is no longer dirty."""
    quote = dialect.identifier_preparer.quote
    revision, dirty = quote("server_revision"), quote("dirty")
    assigned = ", ".join(f"{quote(name)} = ?" for name in (*own, *STAMPED))
    return (
        f"UPDATE {quote(table.name)} SET {assigned},"  # noqa: S608 (model names, quoted)
        f" {revision} = max(coalesce({revision}, 0), ?), {dirty} = 0 WHERE {quote('id')} = ?"
    )


def insert_rows(session: Session, statements: RowStatements, rows: list[Row]) -> None:
    """Insert rows of records the laptop does not hold, in one ``executemany``."""
    session.connection().exec_driver_sql(statements.insert, rows)


def upsert_rows(session: Session, statements: RowStatements, rows: list[Row]) -> None:
    """Write rows whole, over the laptop's rows where it holds them."""
    connection = session.connection()
    # Rows held with the same indexed values as the version (nearly every edit: text, not
    # whose record it is or when) take the lean upsert; new rows and the rest, the full one.
    at = statements.id_at
    ids = json.dumps([row[at] for row in rows])
    stored = {
        key: tuple(values) for key, *values in connection.exec_driver_sql(statements.stored, (ids,))
    }
    lean: list[Row] = []
    full: list[Row] = []
    for row in rows:
        same = stored.get(row[at]) == tuple(row[i] for i in statements.indexed)
        (lean if same else full).append(row)
    for statement, chosen in ((statements.lean, lean), (statements.upsert, full)):
        if chosen:
            connection.exec_driver_sql(statement, chosen)


def stamp_rows(session: Session, statement: str, rows: list[Row]) -> None:
    """Write stamp rows (made for :func:`stamp_statement`) in one ``executemany``."""
    session.connection().exec_driver_sql(statement, rows)


def binder(table: Table, name: str, dialect: Dialect) -> Convert:
    """The column's bind processor, so a row holds exactly what the ORM would have written."""
    bind = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
    return bind if bind is not None else _same


def _same(value: Any) -> Any:
    return value


def column_default(table: Table, name: str) -> Any:
    """The column's own default, for a wire field a page leaves out (an older server)."""
    default = table.c[name].default
    if isinstance(default, ScalarElementColumnDefault):
        return default.arg
    if isinstance(default, CallableColumnDefault):
        # SQLAlchemy wraps a zero-argument default so it takes (and ignores) a context.
        return default.arg(None)  # type: ignore[arg-type]
    return None
