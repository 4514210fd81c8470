"""What a match means: categories, spans, the verdict, and masking.

Why separate from matching: the matcher only says *where* a lexicon term occurs; the policy says
what the gateway does about it. Profanity is blocked (or masked by the caller), insults and slurs
are held for a human, sensitive and political terms are held for a human and never auto-masked.
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
                }
                for s in self.spans
            ],
        }


#: Profanity at or above this severity blocks; milder profanity is held for review.
BLOCK_SEVERITY = 2


def decide(spans: Iterable[Span]) -> Decision:
    """The strictest handling any span calls for."""
    decision = Decision.ALLOW
    for span in spans:
        if span.category is Category.PROFANITY and span.severity >= BLOCK_SEVERITY:
            return Decision.BLOCK
        decision = Decision.REVIEW
    return decision


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
