"""Channel targets, the delivery outbox and what each channel holds.

A :class:`Delivery` is one operation (publish, update, retract) of one item on
one target; its row is the truth, the rq job only carries it. A
:class:`Placement` records that a channel holds an item, and under which
remote id, so an update or a take-down knows where to go.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class Action(enum.StrEnum):
    PUBLISH = "publish"
    UPDATE = "update"
    RETRACT = "retract"


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  # due, waiting for a worker
    IN_FLIGHT = "in_flight"  # a worker holds it
    RETRYING = "retrying"  # a transient failure; due again at due_at
    UNKNOWN = "unknown"  # the request may have landed: reconcile before any retry
    DELIVERED = "delivered"
    FAILED = "failed"  # the channel refused the content for good
    NEEDS_ATTENTION = "needs_attention"  # credentials or repeated failures: a human must act
    CANCELLED = "cancelled"  # superseded (e.g. retracted before it was published)


#: States from which a worker may take a delivery.
OPEN_STATES = (DeliveryState.PENDING, DeliveryState.RETRYING, DeliveryState.UNKNOWN)
FINAL_STATES = (
    DeliveryState.DELIVERED,
    DeliveryState.FAILED,
    DeliveryState.NEEDS_ATTENTION,
    DeliveryState.CANCELLED,
)


class ChannelTarget(Base):
    """One destination: a plugin, the unit that owns it, settings and sealed secrets."""

    __tablename__ = "channel_targets"

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


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("channel_targets.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24), default=DeliveryState.PENDING)
    #: Attempts started; the job of attempt n may only run if the row says n-1.
    attempt: Mapped[int] = mapped_column(default=0)
    revision: Mapped[int] = mapped_column(default=1)
    due_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    #: How late the first attempt started after it was due (downtime shows up here).
    lateness_seconds: Mapped[float | None] = mapped_column(Float)
    remote_id: Mapped[str] = mapped_column(String(300), default="")
    remote_url: Mapped[str] = mapped_column(String(1000), default="")
    error_kind: Mapped[str] = mapped_column(String(32), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def idempotency_key(self) -> str:
        """Stable across attempts: the channel sees the same key on every retry."""
        return f"loa-delivery-{self.id}"


class Placement(Base):
    """An item as a channel holds it."""

    __tablename__ = "placements"
    __table_args__ = (UniqueConstraint("article_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("channel_targets.id"), index=True)
    remote_id: Mapped[str] = mapped_column(String(300))
    remote_url: Mapped[str] = mapped_column(String(1000), default="")
    live: Mapped[bool] = mapped_column(default=True)
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
