"""Moderation of Vietnamese (and English) text: allow, hold for review, or block.

Pure and fast: no I/O at call time (the lexicon files are read once, on first use), no
database. Used on what we publish and on what citizens write back, on every channel.
"""

from __future__ import annotations

from core.moderation.lexicon import Entry, Lexicon
from core.moderation.policy import Category, Decision, Span, Verdict, decide, mask

__all__ = [
    "Category",
    "Decision",
    "Entry",
    "Lexicon",
    "Span",
    "Verdict",
    "decide",
    "mask",
    "moderate",
]


def moderate(text: str, lexicon: Lexicon | None = None) -> Verdict:
    """Judge one text against a lexicon (the shipped default when none is given)."""
    spans = tuple((lexicon or Lexicon.default()).find(text))
    if not spans:
        return _ALLOWED
    return Verdict(decide(spans), spans)


_ALLOWED = Verdict(Decision.ALLOW)
