"""Content: agencies, categories, articles, their audience and revisions."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, utcnow


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    EXPIRED = "expired"
    RETRACTED = "retracted"
    REJECTED = "rejected"


class Agency(Base):
    """Who writes and answers for content (S4.6): a department, a People's Committee…"""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    #: A deactivated agency keeps its articles but is no longer offered nor counted (S0.7).
    is_active: Mapped[bool] = mapped_column(default=True)


class Category(Base):
    """A category (chuyên mục) or, under a parent, one of its sections; the public API
    names it by its slug. Shared by every unit when ``unit_id`` is empty (the seeds')."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    #: Order among its siblings (then by name).
    position: Mapped[int] = mapped_column(default=0)
    #: A deactivated category keeps its articles but leaves the public list.
    is_active: Mapped[bool] = mapped_column(default=True)


class Article(Base):
    __tablename__ = "articles"
    #: What the audit log calls it (``core.audit.about``).
    audit_subject: ClassVar[str] = "article"
    __table_args__ = (
        Index("ix_articles_listing", "status", "unit_id", "published_at"),
        Index("ix_articles_category_listing", "status", "category_id", "published_at"),
        # The public list: newest of a unit in a category, read in index order (issue 19).
        Index(
            "ix_articles_unit_category_listing",
            "status",
            "unit_id",
            "category_id",
            "published_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    cover_url: Mapped[str] = mapped_column(String(1000), default="")
    cover_caption: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    author_name: Mapped[str] = mapped_column(String(200), default="")
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), default=Status.DRAFT, index=True)
    #: Folded (diacritics-free, lower-case) title, summary and body text for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]
    #: article, banner, section (a campaign section), notice or document; all expire alike.
    kind: Mapped[str] = mapped_column(String(16), default="article")
    #: One of core.workflow.topics.TOPICS; channels may accept only some (S0.4).
    topic: Mapped[str] = mapped_column(String(32), default="other")
    #: Written justification for a topic outside a channel's list or for national scope.
    justification: Mapped[str] = mapped_column(Text, default="")
    #: Release every channel together instead of each as soon as its own gates pass.
    release_together: Mapped[bool] = mapped_column(default=False)
    #: An edit of a live item waits here (a revision number) until its approvals pass.
    pending_revision: Mapped[int | None]
    #: Moderation of the current revision (core.screening.articles): allow, review or block.
    moderation: Mapped[str] = mapped_column(String(16), default="allow")
    #: Every matched span: field, start, end, text, term, category, severity.
    moderation_spans: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: The content hash a moderator cleared a hold for, and who; an edit needs a new clearance.
    moderation_cleared_hash: Mapped[str] = mapped_column(String(64), default="")
    moderation_cleared_by: Mapped[str] = mapped_column(String(200), default="")

    audience: Mapped[Audience] = relationship(
        back_populates="article", uselist=False, cascade="all, delete-orphan", lazy="joined"
    )


class Audience(Base):
    """Who may see an item, where and when (S0.2)."""

    __tablename__ = "audiences"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    genders: Mapped[list[str]] = mapped_column(default=list)
    scope_level: Mapped[str] = mapped_column(String(32), default="commune")
    scope_units: Mapped[list[str]] = mapped_column(default=list)
    visible_from: Mapped[dt.datetime | None] = mapped_column(index=True)
    visible_until: Mapped[dt.datetime | None] = mapped_column(index=True)
    interactions_allowed: Mapped[bool] = mapped_column(default=True)
    #: The end date editors were last warned about (one warning per end date).
    expiry_warned_for: Mapped[dt.datetime | None]

    article: Mapped[Article] = relationship(back_populates="audience")


class Revision(Base):
    """A snapshot of an article at one save; approvals bind to its hash."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    author: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ArticleTarget(Base):
    """A channel target the editor chose for an item (none chosen: all of its unit's)."""

    __tablename__ = "article_targets"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("channel_targets.id"), primary_key=True)
