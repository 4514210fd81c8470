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

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
