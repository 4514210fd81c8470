"""The media library: a unit's uploads, their renditions, where articles use them, albums.

Bytes live in the media store under content keys; rows say what they are and who
may see them. Every served file is a :class:`MediaRendition` (the cleaned original
included), so serving looks up one table to decide public, signed or unknown.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, utcnow


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"


class MediaStatus(enum.StrEnum):
    READY = "ready"
    FAILED = "failed"


class MediaRole(enum.StrEnum):
    """How an article uses an asset (S3.4, S2.1, S4.3)."""

    COVER = "cover"
    GALLERY = "gallery"
    VIDEO = "video"
    ATTACHMENT = "attachment"


#: Which kinds each role takes.
ROLE_KINDS: dict[MediaRole, MediaKind] = {
    MediaRole.COVER: MediaKind.IMAGE,
    MediaRole.GALLERY: MediaKind.IMAGE,
    MediaRole.VIDEO: MediaKind.VIDEO,
    MediaRole.ATTACHMENT: MediaKind.DOCUMENT,
}


class MediaAsset(Base):
    """One upload of one unit, checked and cleaned; the same bytes share stored keys."""

    __tablename__ = "media_assets"
    #: What the audit log calls it (``core.audit.about``).
    audit_subject: ClassVar[str] = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable public identifier (a UUID): ids in GraphQL never enumerate the library.
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: The cleaned original (re-encoded image, scrubbed PDF, probed video).
    original_key: Mapped[str] = mapped_column(String(200))
    #: SHA-256 of the bytes as uploaded.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(255), default="")
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration: Mapped[float | None]
    pages: Mapped[int | None]
    alt: Mapped[str] = mapped_column(String(500), default="")
    caption: Mapped[str] = mapped_column(String(500), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    #: A document's extracted text, folded (diacritics-free, lower-case) for search.
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=MediaStatus.READY)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    renditions: Mapped[list[MediaRendition]] = relationship(
        back_populates="asset",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="MediaRendition.id",
    )


class MediaRendition(Base):
    """A file served for an asset: ``original``, ``w640.webp``, ``poster``, ``thumbnail``…"""

    __tablename__ = "media_renditions"
    __table_args__ = (UniqueConstraint("asset_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200), index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    width: Mapped[int | None]
    height: Mapped[int | None]
    size: Mapped[int] = mapped_column(BigInteger)

    asset: Mapped[MediaAsset] = relationship(back_populates="renditions")


class MediaUse(Base):
    """An article uses an asset in a role; while any use exists the asset cannot be deleted."""

    __tablename__ = "media_uses"
    __table_args__ = (
        UniqueConstraint("article_id", "asset_id", "role"),
        Index("ix_media_uses_asset", "asset_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id"))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)


class MediaAlbum(Base):
    """A unit's public album of photos and videos (the portal's libraries, S3.5)."""

    __tablename__ = "media_albums"
    #: What the audit log calls it (``core.audit.about``).
    audit_subject: ClassVar[str] = "album"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MediaAlbumItem(Base):
    """An asset in an album: public from then on, and in use (not deletable, not cleaned)."""

    __tablename__ = "media_album_items"

    album_id: Mapped[int] = mapped_column(
        ForeignKey("media_albums.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("media_assets.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)
