"""Administrative units: a tree of codes whose levels are data, not code.

Two schemes live side by side: ``2025`` (34 provinces, 3,321 communes, no
districts) and ``legacy`` (63 provinces, districts, ~10,000 communes), so
content written before the reform keeps its meaning.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base

CURRENT_SCHEME = "2025"
LEGACY_SCHEME = "legacy"


class UnitLevel(Base):
    """One level of one scheme (national, province, district, commune…)."""

    __tablename__ = "unit_levels"

    scheme: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    depth: Mapped[int]
    name_vi: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("scheme", "code"),
        # "This unit and its descendants" is ``path LIKE '/1/5/%'``. PostgreSQL can answer a
        # prefix LIKE from a b-tree only under the C collation or with the pattern operator
        # class; databases are usually created in C.UTF-8 or a language collation, where a
        # plain index is skipped and every list request scanned the whole units table.
        Index("ix_units_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(16), index=True)
    code: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(200), default="")
    name_folded: Mapped[str] = mapped_column(String(200), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    #: Materialised path of ids, "/1/5/77/", so "this unit and its descendants" is one LIKE.
    path: Mapped[str] = mapped_column(String(200), default="/")
    active: Mapped[bool] = mapped_column(default=True)
    #: The unit portal's page of one item, ``{slug}`` filled in (core.content.urls); "" none.
    portal_url_template: Mapped[str] = mapped_column(String(500), default="")

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class UnitSuccessor(Base):
    """A pre-2025 unit and a 2025 unit that took over (part of) its territory.

    The 2025 reform merged provinces and communes (and split a few communes): content,
    bookmarks and front-end routes written with an old code must still find the new unit.
    A divided old commune has several successors; ``is_default`` marks the one the
    official conversion uses when nothing else is known.
    """

    __tablename__ = "unit_successors"

    legacy_unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_default: Mapped[bool] = mapped_column(default=True)
