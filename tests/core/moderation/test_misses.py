"""Issue 20's misses: glued and misspelt vulgar forms, insults, and classifier + insult contempt."""

from __future__ import annotations

import pytest

from core.moderation import Category, Decision, moderate


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("vailon thật", "vailon"),
        ("clm luôn", "clm"),
        ("duma nó", "duma"),
        ("dell hiểu kiểu gì", "dell"),
        ("éo biết", "éo"),
        ("méo hiểu gì luôn", "méo hiểu"),
        ("như cức", "cức"),
        ("vãi lồng", "vãi lồng"),
        ("kệ mẹ nó", "kệ mẹ"),
        ("chết mẹ rồi", "chết mẹ"),
        ("tổ cha mày", "tổ cha"),
        ("làm ăn như lol", "như lol"),
        ("cái lol gì vậy", "cái lol"),
    ],
)
def test_vulgar_spellings_are_caught_as_profanity(text: str, term: str) -> None:
    spans = moderate(text).spans
    assert (term, Category.PROFANITY) in {(s.term, s.category) for s in spans}, spans


@pytest.mark.parametrize("text", ["lol", "lol, funny", "Hôm nay vui quá lol"])
def test_lol_alone_is_the_english_laugh(text: str) -> None:
    assert moderate(text).decision is Decision.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "thằng óc chó",  # longer than the "óc chó" (walnut) allowlist entry, so it wins
        "mày ngu thế",
        "đồ cặn bã",
        "cặn bã xã hội",
        "ông ấy khùng à",
        "bọn mất dạy",
        "lũ ăn hại",
        "con khốn",
        "tụi não tàn",
        "thằng hèn",
        "ngu dốt",
    ],
)
def test_insults_and_contempt_are_held_not_blocked(text: str) -> None:
    verdict = moderate(text)
    assert verdict.decision is Decision.REVIEW, verdict
    assert {s.category for s in verdict.spans} == {Category.INSULT}


@pytest.mark.parametrize(
    "text", ["con chó nhà tôi rất ngoan", "hạt óc chó tốt cho sức khỏe", "ngu qua roi", "éo le"]
)
def test_their_ordinary_neighbours_pass(text: str) -> None:
    assert moderate(text).decision is Decision.ALLOW, moderate(text)
