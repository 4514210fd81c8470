"""Templates of recurring items (a weekly schedule, a power-cut notice, a monthly meeting).

A unit's editors keep the fields of an item they write again and again under a name; a new
item starts from them. A template holds content and choices only, never an approval, a
revision or a history: the item made from it is a new draft like any other. Its actions
are in :mod:`core.actions.templates`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class ItemTemplate(Base):
    __tablename__ = "item_templates"
    #: What the audit log calls it (``core.audit.about``).
    audit_subject: ClassVar[str] = "item_template"
    __table_args__ = (UniqueConstraint("unit_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: The name as typed (NFC, spaces collapsed).
    name: Mapped[str] = mapped_column(String(120))
    #: The name case-folded: unique per unit, so "Lịch tuần" and "lịch  TUẦN" are one name.
    name_key: Mapped[str] = mapped_column(String(120))
    #: The item's fields: title, summary, body_html, category, kind, topic, audience,
    #: target_ids, source, author_name, agency_id (cleaned like an item's).
    data: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(String(200), default="")
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
