"""Which webhook events a target has processed: a platform redelivers, Loa acts once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class ReceivedEvent(Base):
    """One processed event; the unique (target, event id) makes a redelivery a no-op."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("target_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("channel_targets.id"))
    event_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
