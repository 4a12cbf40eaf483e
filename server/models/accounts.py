"""Teams, user accounts, devices, login attempts and lockout reset grants."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, BigID, utcnow

#: ``performance``: a performance officer, who runs the service's figures and statutory returns
#: (``server.reports``) and holds no caseload.
ROLES = ("worker", "manager", "admin", "performance")


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserAccount(Base):
    """A person who signs in. ``role`` decides scope: see :mod:`server.services.scope`."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), default=None, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Social Work England registration number (the 903's SW_ID); None until an admin sets it.
    swe_number: Mapped[str | None] = mapped_column(String(16), default=None)


class Device(Base):
    """A laptop registered by a user. Its refresh token is stored only as a SHA-256 digest."""

    __tablename__ = "device"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    refresh_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(200), default=None)


class LoginAttempt(Base):
    """One sign-in attempt; failures within a window throttle the account and the address."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool] = mapped_column(default=False)


class ResetGrant(Base):
    """An admin's one-time permission for a device to clear its locked laptop profile."""

    __tablename__ = "reset_grant"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"), index=True)
    issued_by: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)


class ReportGrant(Base):
    """An admin's explicit permission to run the service's reports and returns.

    A performance officer needs none (their role is for it); an admin runs them only with one,
    so administering accounts does not by itself bring the whole service's figures.
    """

    __tablename__ = "report_grant"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    granted_by: Mapped[str] = mapped_column(String(120))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
