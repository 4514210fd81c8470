"""Channel targets: one destination each (a plugin, the unit that owns it, settings, secrets).

A data module below workflow and delivery: approval rules read a target's gates and topics,
the outbox writes deliveries to it, and ``core.actions.targets`` administers it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class ChannelTarget(Base):
    """One destination: a plugin, the unit that owns it, settings and sealed secrets."""

    __tablename__ = "channel_targets"
    #: What the audit log calls it (``core.audit.about``).
    audit_subject: ClassVar[str] = "channel_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    plugin: Mapped[str] = mapped_column(String(64), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Channel credentials, encrypted (core.secrets); never returned by any interface.
    secrets_sealed: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    health: Mapped[str] = mapped_column(String(32), default="unknown")
    health_detail: Mapped[str] = mapped_column(Text, default="")
    #: When the stored credentials stop working unless refreshed (core.connections).
    credentials_expire_at: Mapped[dt.datetime | None]
    #: Approval steps this target requires (policy step specs); None: its plugin's rule.
    gates: Mapped[list[Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
