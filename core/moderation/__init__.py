"""Moderation of Vietnamese (and English) text: allow, hold for review, or block.

Pure and fast: no I/O at call time (the lexicon files are read once, on first use), no
database. Used on what we publish and on what citizens write back, on every channel.
"""

from __future__ import annotations

from core.moderation.lexicon import Entry, Lexicon
from core.moderation.policy import (
    DEFAULT_POLICY,
    Category,
    Decision,
    Direction,
    Policy,
    Span,
    Verdict,
    decide,
    mask,
)

__all__ = [
    "Category",
    "Decision",
    "Direction",
    "Entry",
    "Lexicon",
    "Policy",
    "Span",
    "Verdict",
    "decide",
    "mask",
    "moderate",
]


def moderate(
    text: str,
    lexicon: Lexicon | None = None,
    direction: Direction = Direction.OUTBOUND,
    policy: Policy = DEFAULT_POLICY,
) -> Verdict:
    """Judge one text against a lexicon (the shipped default when none is given).

    ``direction`` says who wrote it (the office by default, the strictest); ``policy`` is the
    unit's handling of inbound text (see ``core.moderation.policy``).
    """
    spans = tuple((lexicon or Lexicon.default()).find(text))
    if not spans:
        return _ALLOWED
    return Verdict(decide(spans, direction, policy), spans)


_ALLOWED = Verdict(Decision.ALLOW)
