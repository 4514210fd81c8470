"""Precision and recall on the labelled corpus, per category and per direction.

Run ``python -m tests.core.moderation.corpus_report`` for the table in core/moderation/README.md;
test_corpus.py asserts the thresholds on the same numbers.

A line counts for a category in a direction when a span of that category is found AND the
direction's policy does something with it (holds or blocks): inbound with intensifiers allowed,
a line whose only span is "vl" counts for nothing, so its profanity recall is lower by design.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from core.moderation import Category, Decision, Direction, Lexicon, Policy, decide

CORPUS = Path(__file__).resolve().parent / "corpus"

#: The directions measured: (name, direction, policy).
DIRECTIONS: tuple[tuple[str, Direction, Policy], ...] = (
    ("outbound", Direction.OUTBOUND, Policy()),
    ("inbound", Direction.INBOUND, Policy()),
    ("inbound, intensifiers allowed", Direction.INBOUND, Policy(intensifiers=Decision.ALLOW)),
)


def read(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


LABELLED = read("clean.tsv") + read("flagged.tsv") + read("variants.tsv")
SEEDS = read("seeds.tsv")


class Score(NamedTuple):
    direction: str
    category: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def scores() -> list[Score]:
    """Every (direction, category) score over the labelled lines."""
    lexicon = Lexicon.default()
    found = [(label, lexicon.find(text)) for label, text in LABELLED]
    out: list[Score] = []
    for name, direction, policy in DIRECTIONS:
        for category in Category:
            tp = fp = fn = 0
            for label, spans in found:
                acted = any(
                    s.category is category and decide([s], direction, policy) is not Decision.ALLOW
                    for s in spans
                )
                if acted:
                    tp += label == category
                    fp += label != category
                elif label == category:
                    fn += 1
            out.append(Score(name, category.value, tp, fp, fn))
    return out


def table() -> str:
    """The markdown table of every score."""
    lines = [
        "| direction | category | precision | recall | tp / fp / fn |",
        "|---|---|---:|---:|---:|",
    ]
    for s in scores():
        lines.append(
            f"| {s.direction} | {s.category} | {s.precision:.3f} | {s.recall:.3f} "
            f"| {s.tp} / {s.fp} / {s.fn} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
