"""A unit's own lexicon entries: extra terms to catch, and allowlist entries to let through."""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class TermKind(enum.StrEnum):
    TERM = "term"  # matched like a shipped lexicon term
    ALLOW = "allow"  # an allowlist phrase: a place, a name, an acronym that must not be flagged


class UnitTerm(Base):
    """One entry; it applies to the unit and every unit below it."""

    __tablename__ = "unit_terms"
    #: What the audit log calls it (``core.audit.about``).
    audit_subject: ClassVar[str] = "unit_term"
    __table_args__ = (UniqueConstraint("unit_id", "kind", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default=TermKind.TERM)
    term: Mapped[str] = mapped_column(String(200))
    #: For terms: profanity, insult or sensitive (core.moderation.Category); "" for allow.
    category: Mapped[str] = mapped_column(String(16), default="")
    #: For terms: 1..3 (profanity at 2 or more blocks); 0 for allow.
    severity: Mapped[int] = mapped_column(default=0)
    #: Lexicon flags, comma separated (strip_ok, context, literal; "en" for an English term).
    flags: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
