"""Which attachment files a sync has to move: the two reads every sync opens with.

Both statements are built once: every sync asks both, and on a quiet sync building a statement
cost more than running it (Core, not ORM, for the same reason).
"""

from __future__ import annotations

from sqlalchemy import Connection, exists, select
from sqlalchemy.orm import Session

from app.models import Attachment, AttachmentUpload
from app.models.attachments import AttachmentContent

_ATTACHMENT, _CONTENT = Attachment.__table__, AttachmentContent.__table__
#: Content on this laptop that an accepted attachment record names and that the service is not
#: known to hold in full.
_UPLOADS_DUE = (
    select(_ATTACHMENT.c.sha256)
    .where(
        _ATTACHMENT.c.deleted.is_(False),
        _ATTACHMENT.c.server_revision.is_not(None),
        exists().where(_CONTENT.c.sha256 == _ATTACHMENT.c.sha256),
        ~exists().where(AttachmentUpload.__table__.c.sha256 == _ATTACHMENT.c.sha256),
    )
    .distinct()
)
#: Files that attachment records on this laptop name but whose content is not here yet.
_DOWNLOADS_DUE = (
    select(_ATTACHMENT.c.sha256)
    .where(
        _ATTACHMENT.c.deleted.is_(False),
        ~exists().where(_CONTENT.c.sha256 == _ATTACHMENT.c.sha256),
    )
    .distinct()
)


def uploads_due_in(session: Session | Connection) -> list[str]:
    """Content to upload (its sha256), inside a read the caller already holds."""
    return list(session.scalars(_UPLOADS_DUE))


def downloads_due_in(session: Session | Connection) -> list[str]:
    """Content to download (its sha256), inside a read the caller already holds."""
    return list(session.scalars(_DOWNLOADS_DUE))
