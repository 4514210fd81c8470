"""Citizens' comments as Loa recorded and judged them, author blocks, and read cursors."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class CommentState(enum.StrEnum):
    VISIBLE = "visible"  # moderation allowed it
    HELD = "held"  # waiting in the moderation queue
    HIDDEN = "hidden"  # blocked by moderation, by a moderator, or its author is blocked
    APPROVED = "approved"  # a moderator let a held comment stand


class Comment(Base):
    """One citizen comment read from one channel target."""

    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("target_id", "remote_id"),
        Index("ix_comments_queue", "state", "received_at"),
        Index("ix_comments_author", "target_id", "author_pseudonym"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("channel_targets.id"))
    remote_id: Mapped[str] = mapped_column(String(300))
    #: The channel's id of the item commented on; article_id when it is one of ours.
    remote_item_id: Mapped[str] = mapped_column(String(300), default="")
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    #: HMAC of the channel's author id, scoped to the target (core.interactions.pseudonyms).
    author_pseudonym: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(16), default="allow")
    spans: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default=CommentState.VISIBLE)
    #: Why it is hidden: moderation, author_blocked, moderator.
    reason: Mapped[str] = mapped_column(String(32), default="")
    #: The channel confirmed it hides the comment; hidden and not yet confirmed = still to push.
    hidden_on_channel: Mapped[bool] = mapped_column(default=False)
    written_at: Mapped[dt.datetime | None]
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    #: When its moderators were told it had waited too long in the queue (once per comment).
    overdue_alerted_at: Mapped[dt.datetime | None]


class AuthorBlock(Base):
    """Comments of this author on this target are hidden until ``until``."""

    __tablename__ = "author_blocks"
    __table_args__ = (Index("ix_author_blocks_lookup", "target_id", "author_pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("channel_targets.id"))
    author_pseudonym: Mapped[str] = mapped_column(String(64))
    until: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class InteractionCursor(Base):
    """Where reading a target's comments got to, and how the last read went."""

    __tablename__ = "interaction_cursors"

    target_id: Mapped[int] = mapped_column(ForeignKey("channel_targets.id"), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(300), default="")
    fetched_at: Mapped[dt.datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")


class Feedback(Base):
    """A citizen's feedback (góp ý, phản ánh) sent to a unit through its portal (S0.3, S1.5).

    Kept minimal, as personal-data law asks: a display name, and a contact only if the
    citizen chose to give one, sealed at rest. The sender's address is never stored.
    """

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_unit_state", "unit_id", "state", "received_at"),
        Index("ux_feedback_tracking_code", "tracking_code", unique=True),
        Index("ix_feedback_open_due", "status", "ack_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    contact_sealed: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(16), default="allow")
    spans: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: received (for the unit to read), held (a moderator first), hidden, approved.
    state: Mapped[str] = mapped_column(String(16), default="received")
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    #: What the citizen types to follow it (core.interactions.tracking): random, not a row id.
    tracking_code: Mapped[str] = mapped_column(String(16))
    #: Where it came from: ``form`` (Loa's page), ``api`` (websites, ``POST /api/feedback``),
    #: or a channel plugin's name.
    channel: Mapped[str] = mapped_column(String(32), default="form")
    #: The direct message it is, when it came from a channel (answers go back there).
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    #: Handling (core.interactions.inbox): new, in_progress, answered, closed.
    status: Mapped[str] = mapped_column(String(16), default="new")
    urgent: Mapped[bool] = mapped_column(default=False)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Acknowledge by (8 working hours, 4 when urgent); warn from one working hour before.
    ack_due_at: Mapped[dt.datetime | None]
    ack_warn_at: Mapped[dt.datetime | None]
    acknowledged_at: Mapped[dt.datetime | None]
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[dt.datetime | None]
    answered_by: Mapped[str] = mapped_column(String(200), default="")
    #: How the answer reached the citizen: channel, email, or page (the status page only).
    answered_via: Mapped[str] = mapped_column(String(16), default="")
    closed_at: Mapped[dt.datetime | None]


class FeedbackEvent(Base):
    """One step in a feedback's handling, for the desk's history (who, when, what)."""

    __tablename__ = "feedback_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: received, assigned, acknowledged, urgent, answered, closed.
    action: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class FeedbackAlert(Base):
    """A deadline alert sent for one feedback at one threshold: once, whoever sweeps."""

    __tablename__ = "feedback_alerts"
    __table_args__ = (UniqueConstraint("feedback_id", "threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"))
    #: due_soon (one working hour left) or overdue.
    threshold: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReplyState(enum.StrEnum):
    PENDING = "pending"  # accepted, waiting for its job
    SENDING = "sending"  # a worker holds it
    RETRYING = "retrying"  # a transient failure; its next attempt is queued
    SENT = "sent"
    FAILED = "failed"  # the channel refused it for good, or gave up
    UNKNOWN = "unknown"  # the request may have landed: a human checks before anything else


class Reply(Base):
    """An official reply to a citizen's comment or message, sent once through its channel.

    ``key`` is stable across attempts (the channel's idempotency key); ``attempt`` is the
    compare-and-set that makes a rerun of a job a no-op.
    """

    __tablename__ = "comment_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("channel_targets.id"))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=ReplyState.PENDING)
    attempt: Mapped[int] = mapped_column(default=0)
    remote_id: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
