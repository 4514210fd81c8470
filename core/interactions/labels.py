"""Moderators' decisions on citizens' texts, kept per unit as labelled examples for tuning.

Why: the shipped lexicon was tuned on corpora; each unit's real traffic differs (local names,
local slang). When a moderator approves a held comment, or hides one moderation let through,
the text and both verdicts are stored here; ``labels_of`` exports them (``loa moderate
--export-labels``) so a unit admin can add terms or allowlist entries where they disagree.
Recorded inside the moderator's action, in its transaction: a decision and its label land
together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.screening.models import LabelSource, ModerationLabel
from core.targets.models import ChannelTarget
from core.units.models import Unit

if TYPE_CHECKING:
    from core.interactions.models import Comment, Feedback

#: What the moderator said about a text.
CLEAN, FLAGGED = "clean", "flagged"


class Label(NamedTuple):
    """One exported example (the wire shape of JSONL and CSV rows)."""

    id: int
    unit: str
    source: str
    subject_id: int
    label: str
    engine: str
    text: str
    terms: str  # the terms moderation found, "; " separated
    decided_by: str
    decided_at: dt.datetime


def record(
    session: Session,
    *,
    unit_id: int,
    source: LabelSource,
    subject_id: int,
    text: str,
    approved: bool,
    engine: str,
    spans: Sequence[dict[str, Any]] | None,
    decided_by: str,
) -> ModerationLabel:
    """Keep one decision: ``approved`` → clean, otherwise (hidden) → flagged."""
    row = ModerationLabel(
        unit_id=unit_id,
        source=str(source),
        subject_id=subject_id,
        text=text,
        label=CLEAN if approved else FLAGGED,
        engine=engine,
        spans=list(spans or []),
        decided_by=decided_by,
    )
    session.add(row)
    return row


def labels_of(session: Session, unit: Unit, limit: int = 100_000) -> list[Label]:
    """The labelled examples of ``unit`` and the units below it, oldest first."""
    rows = session.execute(
        select(ModerationLabel, Unit.code)
        .join(Unit, Unit.id == ModerationLabel.unit_id)
        .where(Unit.path.startswith(unit.path, autoescape=True))
        .order_by(ModerationLabel.id)
        .limit(limit)
    ).all()
    return [
        Label(
            row.id,
            code,
            row.source,
            row.subject_id,
            row.label,
            row.engine,
            row.text,
            "; ".join(sorted({str(s.get("term", "")) for s in row.spans or []})),
            row.decided_by,
            row.decided_at,
        )
        for row, code in rows
    ]


def record_comment(session: Session, comment: Comment, *, approved: bool, decided_by: str) -> None:
    """Keep a moderator's approve (clean) or hide (flagged) of a comment, for its target's unit."""
    unit_id = session.scalar(
        select(ChannelTarget.unit_id).where(ChannelTarget.id == comment.target_id)
    )
    if unit_id is not None:
        _record_item(session, unit_id, LabelSource.COMMENT, comment, approved, decided_by)


def record_feedback(session: Session, item: Feedback, *, approved: bool, decided_by: str) -> None:
    """Keep a moderator's approve (clean) or hide (flagged) of a citizen's message."""
    _record_item(session, item.unit_id, LabelSource.FEEDBACK, item, approved, decided_by)


def _record_item(
    session: Session,
    unit_id: int,
    source: LabelSource,
    item: Comment | Feedback,
    approved: bool,
    decided_by: str,
) -> None:
    record(
        session,
        unit_id=unit_id,
        source=source,
        subject_id=item.id,
        text=item.text,
        approved=approved,
        engine=item.decision,
        spans=item.spans,
        decided_by=decided_by,
    )
