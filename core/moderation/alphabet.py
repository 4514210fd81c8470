"""The Vietnamese alphabet as data: tones, vowel qualities, folding and syllable shape.

Why a module of its own: normalisation, input-method decoding and the lexicon compiler all need
the same view of a Vietnamese letter (base letter, vowel quality, tone). Keeping the tables here
means the text and the lexicon are normalised by exactly the same rules, so they always meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

#: Combining marks for the five tones (ngang has none), in Telex/VNI order:
#: sắc, huyền, hỏi, ngã, nặng.
TONE_MARKS: Final[tuple[str, ...]] = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
#: Marks that change the vowel quality (â ê ô / ă / ơ ư) rather than the tone.
_QUALITY_MARKS: Final[frozenset[str]] = frozenset({"\u0302", "\u0306", "\u031b"})

_VOWEL_BASES: Final[str] = "aăâeêioôơuưy"
VOWELS: Final[frozenset[str]] = frozenset(_VOWEL_BASES)


_Tables = tuple[dict[str, tuple[str, int]], dict[tuple[str, int], str], dict[int, str]]


def _build_tables() -> _Tables:
    """Split every precomposed Vietnamese vowel into (vowel with quality, tone index)."""
    split: dict[str, tuple[str, int]] = {}
    join: dict[tuple[str, int], str] = {}
    fold: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for base in _VOWEL_BASES + _VOWEL_BASES.upper():
        join[(base, 0)] = base
        split[base] = (base, 0)
        for index, mark in enumerate(TONE_MARKS, start=1):
            composed = unicodedata.normalize("NFC", base + mark)
            split[composed] = (base, index)
            join[(base, index)] = composed
    for char in list(split):
        plain = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if plain != char:
            fold[ord(char)] = plain
    return split, join, fold


SPLIT, JOIN, _FOLD = _build_tables()
#: Every letter of the Vietnamese alphabet, lower and upper case, precomposed (NFC).
VIETNAMESE_LETTERS: Final[frozenset[str]] = frozenset(SPLIT) | frozenset("đĐ")


def fold(text: str) -> str:
    """Strip tones and vowel qualities (and đ → d): the "typed without diacritics" form."""
    return text.translate(_FOLD)


def has_diacritics(text: str) -> bool:
    """True when folding would change the text."""
    return fold(text) != text


_NEW_STYLE_SECOND: Final[frozenset[str]] = frozenset({"oa", "oe", "uy"})


@lru_cache(maxsize=65536)
def canonical_tone(syllable: str) -> str:
    """Put the tone mark of a lower-case syllable on one canonical vowel ("hòa" → "hoà").

    Old-style ("hòa", "thúy") and new-style ("hoà", "thuý") placement are both correct and both
    occur in the wild; a lexicon entry written one way must match text written the other way.
    We pick the new style (the tone sits on the main vowel).
    """
    letters: list[str] = []
    tone = 0
    for char in syllable:
        base, char_tone = SPLIT.get(char, (char, 0))
        if char_tone:
            if tone:
                return syllable  # two tones: not a syllable, leave it alone
            tone = char_tone
        letters.append(base)
    if not tone:
        return syllable
    positions = [i for i, c in enumerate(letters) if c in VOWELS]
    # "gi" and "qu": the i/u belongs to the onset when another vowel follows.
    word = "".join(letters)
    if len(positions) > 1 and word[:2] in ("qu", "gi") and positions[0] == 1:
        positions = positions[1:]
    if not positions:
        return syllable
    # vowels must be contiguous for the rules below to make sense
    nucleus = [p for p in positions if p - positions[0] < 3]
    target = nucleus[0]
    quality = [p for p in nucleus if letters[p] in "ăâêôơư"]
    if quality:
        target = quality[-1]
    elif len(nucleus) >= 3:
        target = nucleus[1]
    elif len(nucleus) == 2:
        has_final = nucleus[-1] < len(letters) - 1
        pair = letters[nucleus[0]] + letters[nucleus[1]]
        if has_final or pair in _NEW_STYLE_SECOND:
            target = nucleus[1]
    letters[target] = JOIN[(letters[target], tone)]
    return "".join(letters)


_SYLLABLE: Final[re.Pattern[str]] = re.compile(
    r"(?:ngh|ng|gh|gi|kh|ph|th|tr|ch|nh|qu|[bcdghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})"
    r"(?:ch|ng|nh|[cmnpt])?"
)


@lru_cache(maxsize=65536)
def is_syllable_shape(token: str) -> bool:
    """True when a token has the shape of a Vietnamese syllable (checked on the folded form).

    Used to keep English terms away from Vietnamese words: "cum" (from "cúm") and "tit" are
    Vietnamese shapes, so an English entry never fires on them; "fuck" or "shit" cannot be.
    """
    return _SYLLABLE.fullmatch(fold(token)) is not None
