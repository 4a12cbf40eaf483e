"""The sync service's entry points, one module each: ``push`` (a laptop's batch of changes,
decided change by change in ``push_change`` under the rules of ``push_rules``), ``pull`` (a page
of its feed, read by the statements of ``feed``) and the signed ``cursor`` between them."""

from __future__ import annotations

from server.services.cursor import Cursor, decode_cursor, encode_cursor
from server.services.pull import get_record, one_snapshot, pull
from server.services.push import push
from server.services.push_outcome import STATUSES

__all__ = [
    "STATUSES",
    "Cursor",
    "decode_cursor",
    "encode_cursor",
    "get_record",
    "one_snapshot",
    "pull",
    "push",
]
