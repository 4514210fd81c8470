"""What a match means: categories, spans, the verdict per direction, and masking.

Why separate from matching: the matcher only says *where* a lexicon term occurs; the policy says
what the gateway does about it, and that depends on who wrote the text (``Direction``):

- OUTBOUND (what the office publishes: articles, payloads, replies): profanity of severity ≥ 2
  is blocked, intensifiers ("vl", "vcl") included; everything else found is held for a human.
- INBOUND (what citizens write: comments, feedback): profanity of severity ≥ 2 is blocked
  (hidden); intensifiers are handled as the unit configures (``Policy.intensifiers``: held for
  review by default, or allowed, or blocked); insults, contempt and sensitive terms are held.

Insults and slurs are never blocked outright (a human judges them); sensitive and political terms
are never auto-masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Decision(StrEnum):
    """What to do with a text: publish it, hold it for a human, or refuse it."""

    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


class Direction(StrEnum):
    """Who wrote the text: the office (outbound) or a citizen (inbound)."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Category(StrEnum):
    """Lexicon categories; each maps to one handling rule (see `decide`)."""

    PROFANITY = "profanity"
    INSULT = "insult"
    SENSITIVE = "sensitive"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """One matched lexicon term: text[start:end] of the ORIGINAL input."""

    start: int
    end: int
    term: str
    category: Category
    severity: int
    intensifier: bool = False  # "vl", "vcl": vulgar emphasis, not aimed at anyone


@dataclass(frozen=True, slots=True)
class Policy:
    """A unit's handling of what citizens write (inbound); outbound handling is fixed."""

    intensifiers: Decision = Decision.REVIEW


#: The policy of a unit that configured none.
DEFAULT_POLICY = Policy()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision and every span that led to it (empty when allowed)."""

    decision: Decision
    spans: tuple[Span, ...] = ()

    @property
    def blocked(self) -> bool:
        return self.decision is Decision.BLOCK

    @property
    def needs_review(self) -> bool:
        return self.decision is Decision.REVIEW

    def as_json(self) -> dict[str, object]:
        """The wire shape used by the CLI and the API."""
        return {
            "decision": str(self.decision),
            "spans": [
                {
                    "start": s.start,
                    "end": s.end,
                    "term": s.term,
                    "category": str(s.category),
                    "severity": s.severity,
                    **({"intensifier": True} if s.intensifier else {}),
                }
                for s in self.spans
            ],
        }


#: Profanity at or above this severity blocks; milder profanity is held for review.
BLOCK_SEVERITY = 2


def decide(
    spans: Iterable[Span],
    direction: Direction = Direction.OUTBOUND,
    policy: Policy = DEFAULT_POLICY,
) -> Decision:
    """The strictest handling any span calls for, for text going in ``direction``."""
    decision = Decision.ALLOW
    for span in spans:
        handling = _handling(span, direction, policy)
        if handling is Decision.BLOCK:
            return handling
        if handling is Decision.REVIEW:
            decision = handling
    return decision


def _handling(span: Span, direction: Direction, policy: Policy) -> Decision:
    if span.intensifier and direction is Direction.INBOUND:
        return policy.intensifiers
    if span.category is Category.PROFANITY and span.severity >= BLOCK_SEVERITY:
        return Decision.BLOCK
    return Decision.REVIEW


def mask(text: str, verdict: Verdict) -> str:
    """Replace profanity with "*", keeping the length (and the spaces) of the text.

    Only profanity is masked: insults and sensitive terms go to a human, who must see them.
    """
    chars = list(text)
    for span in verdict.spans:
        if span.category is Category.PROFANITY:
            for i in range(span.start, span.end):
                if not chars[i].isspace():
                    chars[i] = "*"
    return "".join(chars)
