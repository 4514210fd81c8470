"""Accounts and the roles they hold on units of the administrative tree."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class Role(enum.StrEnum):
    CONTRIBUTOR = "contributor"
    EDITOR = "editor"
    APPROVER = "approver"
    CHANNEL_ADMIN = "channel_admin"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(Text, default="")
    #: TOTP secret, sealed with core.secrets; empty until enrolment.
    totp_sealed: Mapped[str] = mapped_column(Text, default="")
    totp_last_step: Mapped[int] = mapped_column(default=0)
    #: Digest of the one-time enrolment token printed by ``loa user create``.
    enrol_token_digest: Mapped[str] = mapped_column(String(128), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class RoleMembership(Base):
    __tablename__ = "role_memberships"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
