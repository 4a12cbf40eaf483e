"""Who is asking: the identity every service function receives instead of a raw request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    user_id: int
    username: str
    display_name: str
    role: str
    team_id: int | None
    device_id: uuid.UUID | None = None
    address: str | None = None

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"
