"""What a raw database failure from the store means, for code that tells a person about it
without importing the database library's classes (``ui/`` never imports SQLAlchemy:
``tests/app/test_architecture.py``).

A damaged page is already reported as ``StoreDamaged`` by the store itself; these two answer for
what may still come through as the library's own exception on the way in (unlock, migrate, the
first read).
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError


def is_busy(exc: BaseException) -> bool:
    """Another program holds the database's write lock just now (try again shortly)."""
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower()


def is_database_failure(exc: BaseException) -> bool:
    """The database library refused or failed the statement (a damaged or unreadable file)."""
    return isinstance(exc, DBAPIError)
