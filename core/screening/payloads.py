"""The last check before a channel call: judge what the channel would actually show.

A renderer may add text (a signature, a hashtag, a template) that the item never had, so the
rendered text is judged again with the unit's lexicon, in core, after ``render`` and before
``publish``/``update``: no plugin can skip it. A block refuses the delivery; so does a hold,
because nothing held may go out automatically, unless a moderator already cleared those very
terms on the item. The reason names terms and categories, never the text.
"""

from __future__ import annotations

from core.content.models import Article
from core.contract.channels import ContentRefused
from core.moderation import Decision, Direction, Lexicon, Span, moderate


def _terms(spans: tuple[Span, ...] | list[Span]) -> str:
    return ", ".join(sorted({f"{s.term!r} ({s.category})" for s in spans}))


def check_rendered(text: str, lexicon: Lexicon, article: Article) -> None:
    """Raise :class:`ContentRefused` unless ``text`` may go out on this channel."""
    verdict = moderate(text, lexicon, Direction.OUTBOUND)  # what the office sends out
    if verdict.decision is Decision.ALLOW:
        return
    if verdict.decision is Decision.BLOCK:
        raise ContentRefused(f"moderation blocks this channel's payload: {_terms(verdict.spans)}")
    cleared: set[str] = set()
    if (
        article.moderation == Decision.REVIEW
        and article.moderation_cleared_hash == article.content_hash
    ):
        cleared = {str(s["term"]) for s in article.moderation_spans or []}
    held = [s for s in verdict.spans if s.term not in cleared]
    if held:
        raise ContentRefused(
            "moderation holds this channel's payload for a moderator "
            f"(nothing held goes out automatically): {_terms(held)}"
        )
