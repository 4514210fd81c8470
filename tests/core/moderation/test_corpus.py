"""Precision and recall on the labelled corpus, per category, against fixed thresholds.

The thresholds only go up. See core/moderation/README.md for why they are what they are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.moderation import Category, Decision, moderate

CORPUS = Path(__file__).resolve().parent / "corpus"
#: Minimum precision / recall per category (a line counts for a category when a span of that
#: category is found; precision counts every line flagged with the category).
PRECISION = {"profanity": 0.98, "insult": 0.98, "sensitive": 0.95}
RECALL = {"profanity": 0.97, "insult": 0.97, "sensitive": 0.95}
#: Clean lines (collisions, no-diacritics text, decomposed text, English) flagged at all.
MAX_CLEAN_FLAGGED_RATE = 0.005
MIN_LINES = 1500


def read(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


LABELLED = read("clean.tsv") + read("flagged.tsv") + read("variants.tsv")
SEEDS = read("seeds.tsv")


def test_corpus_is_big_enough() -> None:
    assert len(LABELLED) + len(SEEDS) >= MIN_LINES
    assert len(SEEDS) > 300


def test_seed_prose_has_zero_false_positives() -> None:
    flagged = [(src, text) for src, text in SEEDS if moderate(text).decision is not Decision.ALLOW]
    assert flagged == []


def test_long_seed_documents_whole_are_allowed() -> None:
    text = "\n".join(text for _, text in SEEDS)
    assert moderate(text).decision is Decision.ALLOW


@pytest.mark.parametrize("category", [c.value for c in Category])
def test_precision_and_recall(category: str) -> None:
    tp = fp = fn = 0
    for label, text in LABELLED:
        found = {s.category.value for s in moderate(text).spans}
        if category in found:
            tp += label == category
            fp += label != category
        elif label == category:
            fn += 1
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision >= PRECISION[category], (category, precision, tp, fp)
    assert recall >= RECALL[category], (category, recall, tp, fn)


def test_clean_lines_rarely_flagged() -> None:
    clean = [text for label, text in LABELLED if label == "clean"]
    flagged = [text for text in clean if moderate(text).spans]
    assert len(flagged) / len(clean) <= MAX_CLEAN_FLAGGED_RATE, flagged
