"""The access log without attachment hashes.

Attachments are stored once per SHA-256 and addressed by it (``/v1/attachments/<sha256>/...``).
A hash in a log is a fingerprint of a child's photo or letter: anyone who reads the log and
holds a copy of a file could learn that the service has it. Uvicorn writes the request line to
the ``uvicorn.access`` logger; this filter puts ``{sha256}`` in place of the hash before any
handler sees the record, so the route and status are still there for whoever reads the log.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
_ATTACHMENT = re.compile(r"^(/v1/attachments/)[^/?]+")


class HideAttachmentHashes(logging.Filter):
    """Rewrites uvicorn's ``'%s - "%s %s HTTP/%s" %d'`` record (client, method, path with query,
    version, status), whose path is the third argument."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = _ATTACHMENT.sub(r"\1{sha256}", args[2])
            if path != args[2]:
                record.args = (*args[:2], path, *args[3:])
        return True


def hide_attachment_hashes() -> None:
    """Install the filter on the access logger once per process (uvicorn's own logging set-up
    replaces the logger's handlers, never its filters)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, HideAttachmentHashes) for f in logger.filters):
        logger.addFilter(HideAttachmentHashes())
