"""Approval policy as data, and the approval steps of each item.

A rule says which steps an audience scope or a channel requires; a step of an
item records who decided it, how, on which exact revision (per aspect:
content, audience), so that an edit voids only the approvals it touches.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class StepState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    VOID = "void"  # superseded by an edit or by a change of targets


class ApprovalRule(Base):
    """Steps required by an audience scope (``scope:national``) or a channel (``plugin:<name>``).

    ``steps`` is a list of step specs: ``{"key", "label", "role", "at", "after", "covers"}``
    where ``at`` is where the deciding role must be held (``item_unit``, ``province``,
    ``national``, ``target_unit``), ``after`` the keys that must be approved first, and
    ``covers`` the aspects of the item the step vouches for (``content``, ``audience``).
    """

    __tablename__ = "approval_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    applies_to: Mapped[str] = mapped_column(String(64), unique=True)
    steps: Mapped[list[Any]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class ApprovalStep(Base):
    __tablename__ = "approval_steps"
    __table_args__ = (UniqueConstraint("article_id", "source", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    #: "scope" for the audience's steps, "target:<id>" for a channel target's gate.
    source: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("channel_targets.id"))
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    #: The unit on which the deciding role must be held (or a unit above it).
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    after: Mapped[list[str]] = mapped_column(default=list)
    covers: Mapped[list[str]] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(24), default=StepState.PENDING)
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[dt.datetime | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int | None]
    #: Hash of each covered aspect of the revision the decision was made on.
    aspect_hashes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
