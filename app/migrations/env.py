"""Alembic environment for the laptop's encrypted store.

Migrations never open their own connection: the store hands over its already-keyed SQLCipher
connection (``config.attributes["connection"]``) inside a transaction, so an upgrade either
completes whole or leaves the previous schema untouched.
"""

from __future__ import annotations

from alembic import context

from app.models import Base

# FTS5 virtual tables and their shadow tables are managed by hand in the migrations.
_UNMANAGED_PREFIXES = ("search_",)


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(_UNMANAGED_PREFIXES))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transaction_per_migration=False,
    include_object=_include_object,
)
with context.begin_transaction():
    context.run_migrations()
