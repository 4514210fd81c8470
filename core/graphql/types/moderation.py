"""Moderation as the management API shows it: verdicts with spans, comments, unit terms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from core.content.queries import article_by_id
from core.interactions.models import AuthorBlock as AuthorBlockModel
from core.interactions.models import Comment as CommentModel
from core.screening.models import UnitTerm as UnitTermModel


@strawberry.type
class ModerationSpan:
    """One matched term: ``text[start:end]`` of the field (or comment) it was found in."""

    field: str | None = strawberry.field(
        description="title, summary, body (its plain text) or cover_caption; null on comments."
    )
    start: int
    end: int
    text: str | None = strawberry.field(description="The matched text as written.")
    term: str = strawberry.field(description="The lexicon term it matched.")
    category: str = strawberry.field(description="profanity, insult or sensitive.")
    severity: int

    @classmethod
    def of(cls, span: dict[str, Any], source: str | None = None) -> ModerationSpan:
        start, end = int(span["start"]), int(span["end"])
        text = span.get("text")
        if text is None and source is not None:
            text = source[start:end]
        return cls(
            field=span.get("field"),
            start=start,
            end=end,
            text=text,
            term=str(span["term"]),
            category=str(span["category"]),
            severity=int(span["severity"]),
        )


@strawberry.type
class ArticleModeration:
    decision: str = strawberry.field(
        description="allow, review (held for a moderator) or block (approval refused)."
    )
    spans: list[ModerationSpan]
    cleared: bool = strawberry.field(
        description="A moderator cleared this hold for the current content."
    )
    cleared_by: str | None


@strawberry.type
class ModerationBlockedError:
    """Moderation blocks the item: the text must change. ``spans`` say where."""

    message: str
    code: str
    spans: list[ModerationSpan]


@strawberry.type
class ModerationHeldError:
    """Moderation holds the item until a moderator clears it (clearArticleModeration)."""

    message: str
    code: str
    spans: list[ModerationSpan]


@strawberry.type
class Comment:
    """A citizen's comment read from a channel. The author is a pseudonym, never an id."""

    id: strawberry.ID
    target_id: strawberry.ID
    article_id: strawberry.ID | None = strawberry.field(
        description="The article's public id, when the comment is on one of ours."
    )
    author_pseudonym: str
    author_name: str
    text: str
    decision: str
    state: str = strawberry.field(description="visible, held, hidden or approved.")
    reason: str = strawberry.field(description="Why it is hidden, if it is.")
    hidden_on_channel: bool
    spans: list[ModerationSpan]
    written_at: dt.datetime | None
    received_at: dt.datetime
    decided_by: str

    @classmethod
    def of(cls, c: CommentModel, article_uid: str | None = None) -> Comment:
        return cls(
            id=strawberry.ID(str(c.id)),
            target_id=strawberry.ID(str(c.target_id)),
            article_id=strawberry.ID(article_uid) if article_uid else None,
            author_pseudonym=c.author_pseudonym,
            author_name=c.author_name,
            text=c.text,
            decision=c.decision,
            state=c.state,
            reason=c.reason,
            hidden_on_channel=c.hidden_on_channel,
            spans=[ModerationSpan.of(s, c.text) for s in c.spans or []],
            written_at=c.written_at,
            received_at=c.received_at,
            decided_by=c.decided_by,
        )


@strawberry.type
class AuthorBlock:
    id: strawberry.ID
    target_id: strawberry.ID
    author_pseudonym: str
    until: dt.datetime
    reason: str

    @classmethod
    def of(cls, b: AuthorBlockModel) -> AuthorBlock:
        return cls(
            id=strawberry.ID(str(b.id)),
            target_id=strawberry.ID(str(b.target_id)),
            author_pseudonym=b.author_pseudonym,
            until=b.until,
            reason=b.reason,
        )


@strawberry.type
class UnitTerm:
    """A unit's own lexicon entry; it applies to the unit and every unit below it."""

    id: strawberry.ID
    unit_code: str
    kind: str = strawberry.field(description="term (caught) or allow (let through).")
    term: str
    category: str | None
    severity: int | None
    flags: list[str]
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, t: UnitTermModel, unit_code: str) -> UnitTerm:
        return cls(
            id=strawberry.ID(str(t.id)),
            unit_code=unit_code,
            kind=t.kind,
            term=t.term,
            category=t.category or None,
            severity=t.severity or None,
            flags=[f for f in t.flags.split(",") if f],
            created_by=t.created_by,
            created_at=t.created_at,
        )


@strawberry.input
class UnitTermInput:
    unit_code: str
    term: str
    kind: str = "term"
    category: str | None = None
    severity: int | None = None
    flags: list[str] = strawberry.field(default_factory=list)


def article_moderation(rc: Any, pk: int) -> ArticleModeration:
    """The stored verdict of an article (``rc`` is the request's RequestContext)."""
    with rc.read() as session:
        a = article_by_id(session, pk)
    if a is None:
        return ArticleModeration(decision="allow", spans=[], cleared=False, cleared_by=None)
    cleared = a.moderation == "review" and a.moderation_cleared_hash == a.content_hash
    return ArticleModeration(
        decision=a.moderation,
        spans=[ModerationSpan.of(s) for s in a.moderation_spans or []],
        cleared=cleared,
        cleared_by=a.moderation_cleared_by if cleared else None,
    )


@strawberry.type
class InboundPolicy:
    """How a unit handles what citizens write; units below it without their own inherit it."""

    unit_code: str
    intensifiers: str = strawberry.field(
        description='Intensifiers ("vl", "vcl") in comments and messages: allow, review or block.'
    )
    updated_by: str
    updated_at: dt.datetime
