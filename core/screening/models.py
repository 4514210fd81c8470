"""A unit's own lexicon entries: extra terms to catch, and allowlist entries to let through."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
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
    #: Lexicon flags, comma separated (core.moderation.lexicon.FLAGS: strip_ok, context, literal,
    #: name, needs_marks, intensifier; "en" for an English term).
    flags: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UnitModerationPolicy(Base):
    """How a unit handles what citizens write (inbound); it applies to the units below it too.

    Outbound handling (what the office publishes) is fixed and strict: see core.moderation.policy.
    """

    __tablename__ = "unit_moderation_policies"
    audit_subject: ClassVar[str] = "unit_moderation_policy"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    #: Intensifiers ("vl", "vcl") in citizens' text: allow, review (the default) or block.
    intensifiers: Mapped[str] = mapped_column(String(8), default="review")
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LabelSource(enum.StrEnum):
    COMMENT = "comment"
    FEEDBACK = "feedback"


class ModerationLabel(Base):
    """A moderator's decision on a citizen's text, kept as a labelled example for tuning.

    ``label`` is what the moderator said (clean: approved; flagged: hidden); ``engine`` is what
    moderation had decided, so disagreements (held then approved, allowed then hidden) show the
    unit's terms and allowlist entries to add.
    """

    __tablename__ = "moderation_labels"
    __table_args__ = (Index("ix_moderation_labels_unit_id_id", "unit_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(8))
    engine: Mapped[str] = mapped_column(String(8), default="")
    spans: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
