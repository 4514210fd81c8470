"""Each normalisation step, and that offsets always point into the original text."""

from __future__ import annotations

import unicodedata

import pytest

from core.moderation.alphabet import canonical_tone, fold, is_syllable_shape
from core.moderation.normalise import tokenise
from core.moderation.telex import decode_input_method


def exact(text: str) -> list[str]:
    return [t.forms.exact for t in tokenise(text)]


def pieces(text: str) -> list[str]:
    return [text[t.start : t.end] for t in tokenise(text)]


def test_nfc_first_keeps_decomposed_syllables_whole() -> None:
    text = unicodedata.normalize("NFD", "cặc và lồng ghép")
    assert exact(text) == ["cặc", "và", "lồng", "ghép"]
    assert pieces(text) == text.split()


@pytest.mark.parametrize(("old", "new"), [("hòa", "hoà"), ("thúy", "thuý"), ("khỏe", "khoẻ")])
def test_tone_placement_is_canonical(old: str, new: str) -> None:
    assert canonical_tone(old) == canonical_tone(new)


def test_zero_width_removed_and_offsets_kept() -> None:
    text = "a đ\u200bm b"
    tokens = tokenise(text)
    assert [t.forms.exact for t in tokens] == ["a", "đm", "b"]
    assert text[tokens[1].start : tokens[1].end] == "đ\u200bm"
    assert tokens[1].disguised


@pytest.mark.parametrize(
    ("text", "expected"), [("lоn", "lon"), ("ｆｕｃｋ", "fuck"), ("fυck", "fuck")]
)
def test_look_alikes_mapped(text: str, expected: str) -> None:
    (token,) = tokenise(text)
    assert token.forms.exact == expected
    assert token.disguised
    assert (token.start, token.end) == (0, len(text))


@pytest.mark.parametrize(
    ("text", "expected"), [("đ.m", "đm"), ("d i t", "dit"), ("l-o-n", "lon"), ("f*u*c*k", "fuck")]
)
def test_split_letters_joined(text: str, expected: str) -> None:
    (token,) = tokenise(text)
    assert token.forms.exact == expected
    assert (token.start, token.end) == (0, len(text))


def test_split_words_stay_apart() -> None:
    assert exact("đ.ồ c.h.ó") == ["đồ", "chó"]
    assert exact("what a f.u.c.k") == ["what", "a", "fuck"]


@pytest.mark.parametrize(
    ("text", "expected"), [("l0n", "lon"), ("sh1t", "shit"), ("$hit", "shit"), ("a$$", "as")]
)
def test_leetspeak(text: str, expected: str) -> None:
    assert exact(text) == [expected]


def test_digits_alone_or_with_one_letter_are_not_leet() -> None:
    assert exact("tăng lên 5% D1 F0") == ["tăng", "lên", "5", "d1", "f0"]


@pytest.mark.parametrize(
    ("text", "expected"), [("lozzzz", "loz"), ("đụuuuu", "đụ"), ("dmm", "dmm"), ("cc", "cc")]
)
def test_repeated_letters_collapsed_but_teencode_doubles_kept(text: str, expected: str) -> None:
    assert exact(text) == [expected]


@pytest.mark.parametrize(
    ("keys", "word"),
    [("ddeso", "đéo"), ("dduj", "đụ"), ("cacwj", "cặc"), ("d9u5", "đụ"), ("nguwowif", "người")],
)
def test_input_method_leftovers_decoded(keys: str, word: str) -> None:
    assert decode_input_method(keys) == canonical_tone(word)


@pytest.mark.parametrize("token", ["ban", "xoong", "lozzz", "fuck", "vcl", "sh1t", "covid19"])
def test_ordinary_tokens_not_decoded(token: str) -> None:
    assert decode_input_method(token) is None


def test_fold_and_syllable_shape() -> None:
    assert fold("Đường lưỡi bò") == "Duong luoi bo"
    assert is_syllable_shape("cum") and is_syllable_shape("nghieng")
    assert not is_syllable_shape("fuck") and not is_syllable_shape("shit")


def test_offsets_point_into_original_text() -> None:
    text = "Xin chào  ＶＮｅＩＤ, đ.m  c\u0323\u0103c!"
    for token in tokenise(text):
        assert 0 <= token.start < token.end <= len(text)
        assert text[token.start : token.end].strip()
