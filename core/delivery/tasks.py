"""An operator's task: one delivery a person must carry out, with its kit and who must act.

A task belongs to one delivery (in the ``assisted`` state while the task is open). It is
assigned to a role on a unit; ``unit_id`` moves up the tree each time the task is overdue
(``escalations`` counts the moves), ``origin_unit_id`` stays the target's unit, where the
permission to record the outcome is checked.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class TaskState(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"  # the item was taken down before anyone acted
    REFUSED = "refused"  # the platform (its own reviewers) refused it: the delivery failed


class AssistTask(Base):
    __tablename__ = "assist_tasks"
    __table_args__ = (Index("ix_assist_tasks_open_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("channel_targets.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    origin_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    title: Mapped[str] = mapped_column(String(500))
    instructions: Mapped[str] = mapped_column(Text, default="")
    #: ``{"files": [{name, content_type, text}], "media": [{uid, rendition, …, url}]}``.
    kit: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=TaskState.OPEN)
    due_seconds: Mapped[int] = mapped_column(default=86400)
    due_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    escalations: Mapped[int] = mapped_column(default=0)
    remote_id: Mapped[str] = mapped_column(String(300), default="")
    remote_url: Mapped[str] = mapped_column(String(1000), default="")
    completed_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[dt.datetime | None]
