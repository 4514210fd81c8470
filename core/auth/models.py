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
    # Gatekeepers of approval steps (core.workflow.policy): they read drafts and decide steps.
    POLICE = "police"
    EDITORIAL_BOARD = "editorial_board"
    AGENCY_LEADER = "agency_leader"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    #: The notices this account does not want by e-mail: event names, comma-separated
    #: (``core.notices.letters.WRITERS``); the bell still shows them.
    notices_muted: Mapped[str] = mapped_column(String(200), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(Text, default="")
    #: TOTP secret, sealed with core.secrets; empty until enrolment.
    totp_sealed: Mapped[str] = mapped_column(Text, default="")
    totp_last_step: Mapped[int] = mapped_column(default=0)
    #: Digest of the one-time enrolment token printed by ``loa user create``.
    enrol_token_digest: Mapped[str] = mapped_column(String(128), default="")
    enrol_token_expires_at: Mapped[dt.datetime | None]
    #: When the TOTP secret was confirmed by a valid code; until then the account can only enrol.
    totp_enabled_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Why the account was disabled (e.g. "inactive 45 days"); empty while active.
    disabled_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class RoleMembership(Base):
    __tablename__ = "role_memberships"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))


class RecoveryCode(Base):
    """One-time recovery codes, shown once, used once: a keyed digest (core.auth.recovery)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    #: "hmac-sha256" (keyed), or "sha256" for codes issued before keyed digests, which
    #: ``loa keys rotate`` re-keys; the server default marks rows that predate the column.
    scheme: Mapped[str] = mapped_column(String(16), default="hmac-sha256", server_default="sha256")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None]


class ApiToken(Base):
    """A scoped, expiring, revocable API token: ``loa_<prefix>_<secret>``, shown once.

    Only the prefix (to find the row) and a keyed digest of the whole token are stored.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
