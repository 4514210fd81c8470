"""Tables of the government content types; every one is a :class:`GovItem` of one unit.

Nothing is ever deleted (C18: soft-unpublish only): a row leaves the public API by being
withdrawn, or by its window closing (banners, campaign sections), which the sweeper records.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class Publication(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class GovItem:
    """What every government content row has: a public id, its unit, its publication state."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable public identifier (a UUID): ids in GraphQL never enumerate a unit's rows.
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=Publication.DRAFT)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]


class LegalDocument(GovItem, Base):
    """A legal or administrative document (S1.2, S3.5, C2): its metadata and its PDF."""

    __tablename__ = "legal_documents"
    __table_args__ = (Index("ix_legal_documents_listing", "unit_id", "state", "issued_on"),)

    #: Số ký hiệu, e.g. "12/2026/QĐ-UBND".
    number: Mapped[str] = mapped_column(String(100))
    #: Hình thức: one of core.govcontent.legal.DOC_TYPES.
    doc_type: Mapped[str] = mapped_column(String(32))
    issuing_body: Mapped[str] = mapped_column(String(300))
    signer: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[dt.date]
    effective_on: Mapped[dt.date | None]
    expires_on: Mapped[dt.date | None]
    #: Trích yếu.
    abstract: Mapped[str] = mapped_column(Text)
    #: Lĩnh vực (land, finance, digital transformation…), free text an editor keeps consistent.
    field: Mapped[str] = mapped_column(String(100), default="")
    #: The level of the unit that issued it (province, commune…), copied at save for filtering.
    issuing_level: Mapped[str] = mapped_column(String(32), default="")
    file_id: Mapped[int | None] = mapped_column(ForeignKey("media_assets.id"), index=True)
    #: Folded metadata and the PDF's extracted text: diacritics-insensitive search (C5).
    search_text: Mapped[str] = mapped_column(Text, default="")


class LegalRelation(Base):
    """``document`` replaces or amends ``target``: what makes a document replaced (S1.2)."""

    __tablename__ = "legal_document_relations"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("legal_documents.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("legal_documents.id"), primary_key=True)
    relation: Mapped[str] = mapped_column(String(16))


class BannerPlacement(Base):
    """A named slot a portal defines for banners, with the largest size it shows (S3.2, S3.4)."""

    __tablename__ = "banner_placements"
    __table_args__ = (UniqueConstraint("unit_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    max_width: Mapped[int]
    max_height: Mapped[int]


class Banner(GovItem, Base):
    """An image with a link in a placement, shown inside its window only (S3.1)."""

    __tablename__ = "banners"

    placement_id: Mapped[int] = mapped_column(ForeignKey("banner_placements.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    image_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id"), index=True)
    link_url: Mapped[str] = mapped_column(String(1000), default="")
    visible_from: Mapped[dt.datetime | None]
    visible_until: Mapped[dt.datetime | None] = mapped_column(index=True)
    position: Mapped[int] = mapped_column(default=0)


class ScheduleSlot(GovItem, Base):
    """One slot of a leader's work schedule or of citizen reception (S3.3, S3.5, C26)."""

    __tablename__ = "schedule_slots"
    __table_args__ = (Index("ix_schedule_slots_week", "unit_id", "kind", "starts_at"),)

    #: work (lịch công tác) or reception (lịch tiếp công dân).
    kind: Mapped[str] = mapped_column(String(16))
    person: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(300), default="")
    content: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]


class DirectoryEntry(GovItem, Base):
    """An official or contact of the unit's political system, kept current (S3.3, S3.5, S3.6)."""

    __tablename__ = "directory_entries"

    #: Which part of the unit: officials, party, council, committee, front, unions, or the
    #: person responsible for the portal's content (content_responsible, the footer's).
    group: Mapped[str] = mapped_column(String(32), index=True)
    #: The body the person belongs to, e.g. "Đảng ủy xã Cẩm Thủy".
    body: Mapped[str] = mapped_column(String(300), default="")
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    position: Mapped[int] = mapped_column(default=0)
    #: When someone last checked the details still hold (S3.6 "kept current").
    verified_on: Mapped[dt.date]
    #: English title and body (42 Art. 7(2): official contacts in English, C8).
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_en: Mapped[str] = mapped_column(String(300), default="")
    #: When the Vietnamese, and the English, text last changed: English older is stale (C8).
    vi_changed_at: Mapped[dt.datetime | None]
    en_changed_at: Mapped[dt.datetime | None]


class UnitProfile(GovItem, Base):
    """The unit's overview: introduction, history, functions, organisation chart (S1.2, S3.5)."""

    __tablename__ = "unit_profiles"
    __table_args__ = (UniqueConstraint("unit_id", name="uq_unit_profiles_unit"),)

    introduction_html: Mapped[str] = mapped_column(Text, default="")
    history_html: Mapped[str] = mapped_column(Text, default="")
    functions_html: Mapped[str] = mapped_column(Text, default="")
    #: English versions (42 Art. 7(2): organisation, functions and duties in English, C8).
    introduction_en_html: Mapped[str] = mapped_column(Text, default="")
    functions_en_html: Mapped[str] = mapped_column(Text, default="")
    #: When the Vietnamese, and the English, text last changed: English older is stale (C8).
    vi_changed_at: Mapped[dt.datetime | None]
    en_changed_at: Mapped[dt.datetime | None]
    org_chart_id: Mapped[int | None] = mapped_column(ForeignKey("media_assets.id"))
    #: The unit's portal, and its legal-documents section (what communes below link to, S4.2).
    portal_url: Mapped[str] = mapped_column(String(1000), default="")
    legal_documents_url: Mapped[str] = mapped_column(String(1000), default="")
    #: The unit's administrative procedures on the public-service portal, by its code (S3.5).
    procedures_url: Mapped[str] = mapped_column(String(1000), default="")


class OfficialChannel(GovItem, Base):
    """One of the unit's official channels; Decree 224 Art. 10(3) has the list published."""

    __tablename__ = "official_channels"

    platform: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    position: Mapped[int] = mapped_column(default=0)
    verified_on: Mapped[dt.date]


class MenuItem(GovItem, Base):
    """An entry of a portal's main or top menu (S3.5), editable; children name a parent."""

    __tablename__ = "menu_items"

    menu: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("menu_items.id"))
    label: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200), default="")
    #: What it opens: a Loa section (see core.govcontent.menus.SECTIONS) or an outside URL.
    section: Mapped[str] = mapped_column(String(120), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    position: Mapped[int] = mapped_column(default=0)


class CampaignSection(GovItem, Base):
    """A campaign section (chuyên mục, S2.3) gathering a category, shown inside its window."""

    __tablename__ = "campaign_sections"
    __table_args__ = (UniqueConstraint("unit_id", "slug"),)

    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The category whose articles the section lists.
    category: Mapped[str] = mapped_column(String(120), default="")
    visible_from: Mapped[dt.datetime | None]
    visible_until: Mapped[dt.datetime | None] = mapped_column(index=True)
