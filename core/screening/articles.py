"""Judging an article's own text at save, and what approval requires of the verdict.

Every field an editor writes and a reader sees is judged on its own (title, summary, the body's
plain text, the cover caption), so a span names its field and offsets an editor can find.
A block stops approval outright; a hold waits for a moderator (``clear_moderation``), and
the clearance binds to the content hash: any edit after it is judged afresh.
"""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy.orm import Session

from core.content.models import Article
from core.content.validation import plain_text
from core.errors import ModerationBlocked, ModerationHeld
from core.media.texts import media_texts
from core.moderation import Decision, Direction, Lexicon, Policy, Span, decide, moderate
from core.moderation.policy import DEFAULT_POLICY
from core.screening.lexicons import unit_lexicon


def body_text(body_html: str) -> str:
    """What a reader reads of a (sanitised) body: its text, entities decoded."""
    return html.unescape(plain_text(body_html))


def article_texts(article: Article) -> dict[str, str]:
    return {
        "title": article.title or "",
        "summary": article.summary or "",
        "body": body_text(article.body_html or ""),
        "cover_caption": article.cover_caption or "",
    }


def span_json(field: str, text: str, span: Span) -> dict[str, Any]:
    return {
        "field": field,
        "start": span.start,
        "end": span.end,
        "text": text[span.start : span.end],
        "term": span.term,
        "category": str(span.category),
        "severity": span.severity,
    }


def judge(
    lexicon: Lexicon,
    texts: dict[str, str],
    direction: Direction = Direction.OUTBOUND,
    policy: Policy = DEFAULT_POLICY,
) -> tuple[Decision, list[dict[str, Any]]]:
    """The strictest decision over every field, and every span with its field.

    Outbound (the default) for what the office publishes; inbound, with the unit's policy, for
    what citizens write (see ``core.moderation.policy``).
    """
    spans: list[Span] = []
    out: list[dict[str, Any]] = []
    for field, text in texts.items():
        verdict = moderate(text, lexicon, direction, policy)
        spans.extend(verdict.spans)
        out.extend(span_json(field, text, s) for s in verdict.spans)
    return decide(spans, direction, policy), out


def screen(session: Session, article: Article) -> Decision:
    """Judge the article as it now stands (with its media's alt text and captions); store it."""
    texts = {**article_texts(article), **media_texts(session, article.id)}
    decision, spans = judge(unit_lexicon(session, article.unit_id), texts)
    article.moderation = decision.value
    article.moderation_spans = spans
    return decision


def summary(spans: list[dict[str, Any]]) -> str:
    """Which terms in which fields: enough to act on, never the whole text."""
    parts = sorted({f"{s['field']}: {s['term']!r} ({s['category']})" for s in spans})
    return "; ".join(parts)


def publishable(article: Article) -> bool:
    """Whether the stored verdict lets this revision go out (allowed, or a cleared hold)."""
    return article.moderation == Decision.ALLOW or (
        article.moderation == Decision.REVIEW
        and article.moderation_cleared_hash == article.content_hash
    )


def require_publishable(article: Article) -> None:
    """Raise unless the stored verdict lets this revision go out."""
    spans = list(article.moderation_spans or [])
    if article.moderation == Decision.BLOCK:
        raise ModerationBlocked(f"moderation blocks this item: {summary(spans)}", spans)
    if article.moderation == Decision.REVIEW and (
        article.moderation_cleared_hash != article.content_hash
    ):
        raise ModerationHeld(f"moderation holds this item for a moderator: {summary(spans)}", spans)
