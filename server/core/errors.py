"""The one exception type services raise for an answer a client must see.

Routes never build error responses by hand: a :class:`ServiceError` carries everything an
:class:`~sync.protocol.messages.ErrorBody` needs (a stable code, a sentence a worker can act on,
the field at fault, what the laptop must do) and the handler in :mod:`server.main` renders it.
"""

from __future__ import annotations

from typing import Literal

Action = Literal["wipe", "reauthenticate", "full_resync"]


class ServiceError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        action: Action | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.action = action
        self.headers = headers or {}


def not_found(what: str = "record") -> ServiceError:
    """The same answer for "does not exist" and "not yours", so ids cannot be probed."""
    return ServiceError(404, "not_found", f"No such {what} in your caseload.")
