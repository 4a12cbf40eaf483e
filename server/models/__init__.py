"""The server's tables, in SQLAlchemy 2 ``Mapped`` style. Importing this registers them all."""

from __future__ import annotations

from server.models.accounts import (
    ROLES,
    Device,
    LoginAttempt,
    ReportGrant,
    ResetGrant,
    Team,
    UserAccount,
)
from server.models.audit import AuditEvent
from server.models.base import Base, table_of, utcnow
from server.models.courses import CarerCourse
from server.models.files import Blob, BlobChunk
from server.models.panels import PanelItem, PanelMeeting
from server.models.records import (
    Allocation,
    AllocationHistory,
    ChangeReceipt,
    Record,
    RecordVersion,
    RevisionCounter,
    ScopeEvent,
    ServerState,
)

__all__ = [
    "ROLES",
    "Allocation",
    "AllocationHistory",
    "AuditEvent",
    "Base",
    "Blob",
    "BlobChunk",
    "CarerCourse",
    "ChangeReceipt",
    "Device",
    "LoginAttempt",
    "PanelItem",
    "PanelMeeting",
    "Record",
    "RecordVersion",
    "ReportGrant",
    "ResetGrant",
    "RevisionCounter",
    "ScopeEvent",
    "ServerState",
    "Team",
    "UserAccount",
    "table_of",
    "utcnow",
]
