"""The public API: verdicts, spans, masking, unit extensions, CLI."""

from __future__ import annotations

import io
import json

import pytest

from core.moderation import Category, Decision, Lexicon, Span, Verdict, mask, moderate
from core.moderation.cli import main


@pytest.mark.parametrize(
    "text",
    [
        "Địt mẹ mày",
        "dit me may",
        "đ.m",
        "d i t me",
        "l-o-n",
        "lozzzz",
        "đụuuuu",
        "ddeso",
        "dduj",
        "cacwj",
        "vcl",
        "đ*o ai quan tâm",
        "fuck",
        "sh1t",
        "ditme",
        "ĐM",
    ],
)
def test_profanity_blocks(text: str) -> None:
    verdict = moderate(text)
    assert verdict.blocked and not verdict.needs_review
    assert any(s.category is Category.PROFANITY for s in verdict.spans)


@pytest.mark.parametrize(
    "text",
    [
        "các bạn",
        "cac ban",
        "lớn",
        "cuối tuần",
        "chích ngừa",
        "chich ngua",
        "đeo khẩu trang",
        "deo khau trang",
        "dịch cúm",
        "dich cum",
        "tang len 5%",
        "lồng ghép",
        "long ghep",
        "đ/c Nguyễn Văn A",
        "CCCD",
        "VNeID",
        "UBND",
        "HĐND",
        "as well as",
        "Scunthorpe",
        "con cu gáy",
        "phần đông",
        "phan dong",
        "đa dạng",
        "da dang",
        "từ từ",
        "tu tu",
    ],
)
def test_collisions_allowed(text: str) -> None:
    assert moderate(text) == Verdict(Decision.ALLOW)


def test_insult_and_sensitive_go_to_review() -> None:
    assert moderate("đồ ngu").needs_review
    assert moderate("kêu gọi biểu tình").needs_review
    assert moderate("you idiot").decision is Decision.REVIEW


def test_spans_carry_original_offsets() -> None:
    text = "Xin chào, Đ.M thằng l-o-n này"
    verdict = moderate(text)
    found = {text[s.start : s.end] for s in verdict.spans}
    assert "Đ.M" in found
    assert "l-o-n" in found or "thằng l-o-n" in found
    for span in verdict.spans:
        assert isinstance(span, Span) and span.severity >= 1


def test_mask_keeps_length_and_only_masks_profanity() -> None:
    text = "đụ má đồ ngu, biểu tình"
    verdict = moderate(text)
    masked = mask(text, verdict)
    assert len(masked) == len(text)
    assert masked.startswith("** **")
    assert "đồ ngu" in masked and "biểu tình" in masked


def test_allow_list_wins() -> None:
    lexicon = Lexicon.default().extend(terms=[("lồng", "profanity", 3)])
    assert moderate("lồng ghép", lexicon).decision is Decision.ALLOW
    assert moderate("cái lồng", lexicon).blocked


def test_units_extend_terms_and_allow() -> None:
    base = Lexicon.default()
    custom = base.extend(terms=[("cán bộ lười", "insult", 1, "strip_ok")], allow=["Vãi Lồn"])
    assert moderate("cán bộ lười quá").decision is Decision.ALLOW
    assert moderate("can bo luoi qua", custom).needs_review
    assert moderate("Vãi Lồn", custom).decision is Decision.ALLOW
    again = base.extend(terms=[("cán bộ lười", "insult", 1, "strip_ok")], allow=["Vãi Lồn"])
    assert again is custom  # compiled once, cached
    english = base.extend(terms=[("bozo", "insult", 1, "en")])
    assert moderate("what a bozo", english).needs_review


def test_bad_lexicon_lines_rejected() -> None:
    with pytest.raises(ValueError):
        Lexicon.default().extend(terms=[("x", "insult", 9)])
    with pytest.raises(ValueError):
        Lexicon.default().extend(terms=[("đéo", "profanity", 2, "context")])


def test_cli_writes_one_json_verdict_per_line() -> None:
    out = io.StringIO()
    assert main(io.StringIO("chào bạn\nđm\n"), out) == 0
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {"decision": "allow", "spans": []}
    assert second["decision"] == "block"
    assert second["spans"] == [
        {"start": 0, "end": 2, "term": "đm", "category": "profanity", "severity": 2}
    ]
    assert "đm" in out.getvalue()  # ensure_ascii=False
