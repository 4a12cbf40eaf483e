"""Sessions that know whether, and for whom, they write.

Every write goes through ``Store.write()``, which marks its session with a ``WriteContext``. The
flush hooks (``write_hooks``) use it to stamp author and time, validate, queue the change for sync
and audit it, all inside the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

WRITE_CONTEXT = "casebook_write_context"


@dataclass(frozen=True)
class WriteContext:
    actor: str
    #: True while the sync engine applies the server's versions: those are not queued back to
    #: the server and keep the server's author and timestamps.
    remote: bool = False


class CasebookSession(Session):
    """The store's session class; the flush hooks listen on it alone."""

    @property
    def write_context(self) -> WriteContext | None:
        ctx = self.info.get(WRITE_CONTEXT)
        return ctx if isinstance(ctx, WriteContext) else None
