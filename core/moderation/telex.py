"""Decoding of text typed with the Vietnamese input method switched off (Telex and VNI).

Why: people dodge filters (or simply forget to switch their keyboard) and type the raw keys:
"ddeso" is "đéo", "dduj" is "đụ", "cacwj" is "cặc", "d9u5" is "đụ". Ordinary Vietnamese typed
without diacritics never ends in s/f/r/x/j/w/z or doubles dd/aa/ee/oo, so decoding only kicks in
on tokens that are not already a plausible syllable and only keeps results that are.
"""

from __future__ import annotations

import unicodedata
from itertools import pairwise
from typing import Final

from core.moderation.alphabet import TONE_MARKS, canonical_tone, is_syllable_shape

_TELEX_TONES: Final[dict[str, int]] = {"s": 1, "f": 2, "r": 3, "x": 4, "j": 5}
_VNI_TONES: Final[dict[str, int]] = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_DOUBLE: Final[dict[str, str]] = {"a": "â", "e": "ê", "o": "ô"}
_PLAIN_VOWELS: Final[frozenset[str]] = frozenset("aăâeêioôơuưy")
_TELEX_HINT: Final[frozenset[str]] = frozenset("sfrxjwz")
#: A syllable has at most 7 letters ("nghiêng"), each typed with at most two keys, plus a tone
#: key: no longer token decodes to one. Decoding rescans the letters per key, so without this
#: bound a 100,000-letter token took minutes.
MAX_SYLLABLE_KEYS: Final[int] = 32


def _apply_horn_or_breve(letters: list[str], vni_key: str | None = None) -> bool:
    """Telex "w" / VNI 7 and 8: turn the last vowel group's a/o/u into ă/ơ/ư ("uo" → "ươ")."""
    vowel_positions = [i for i, c in enumerate(letters) if c in _PLAIN_VOWELS]
    if not vowel_positions:
        return False
    group = "".join(letters[i] for i in vowel_positions)
    if vni_key != "8" and "uo" in group:
        at = vowel_positions[group.index("uo")]
        letters[at], letters[at + 1] = "ư", "ơ"
        return True
    targets = {"8": "a"} if vni_key == "8" else {"a": "ă", "o": "ơ", "u": "ư"}
    for i in reversed(vowel_positions):
        char = letters[i]
        if vni_key == "8" and char == "a":
            letters[i] = "ă"
            return True
        if vni_key != "8" and char in targets:
            letters[i] = targets[char]
            return True
    return False


def _finish(letters: list[str], tone: int) -> str | None:
    """Place the tone, and keep the result only if it looks like a Vietnamese syllable."""
    word = "".join(letters)
    if not is_syllable_shape(word):
        return None
    if tone:
        first_vowel = next((i for i, c in enumerate(word) if c in _PLAIN_VOWELS), None)
        if first_vowel is None:
            return None
        word = word[: first_vowel + 1] + TONE_MARKS[tone - 1] + word[first_vowel + 1 :]
        word = canonical_tone(unicodedata.normalize("NFC", word))
    return word


def decode_telex(token: str) -> str | None:
    """Decode a lower-case ASCII token typed in Telex, or None when it is not Telex."""
    letters: list[str] = []
    tone = 0
    changed = False
    for char in token:
        has_vowel = any(c in _PLAIN_VOWELS for c in letters)
        if char == "d" and letters and letters[-1] == "d":
            letters[-1] = "đ"
            changed = True
        elif char in _DOUBLE and letters and letters[-1] == char:
            letters[-1] = _DOUBLE[char]
            changed = True
        elif char == "w":
            if not _apply_horn_or_breve(letters):
                letters.append("ư")
            changed = True
        elif char in _TELEX_TONES and has_vowel and not tone:
            tone = _TELEX_TONES[char]
            changed = True
        elif char == "z" and has_vowel:
            tone = 0
            changed = True
        else:
            letters.append(char)
    if not changed:
        return None
    return _finish(letters, tone)


def decode_vni(token: str) -> str | None:
    """Decode a lower-case ASCII token typed in VNI (digits as keys), or None."""
    letters: list[str] = []
    tone = 0
    for char in token:
        if char in _VNI_TONES:
            if tone or not any(c in _PLAIN_VOWELS for c in letters):
                return None
            tone = _VNI_TONES[char]
        elif char == "9":
            if "d" not in letters:
                return None
            letters[letters.index("d")] = "đ"
        elif char == "6":
            for i in range(len(letters) - 1, -1, -1):
                if letters[i] in _DOUBLE:
                    letters[i] = _DOUBLE[letters[i]]
                    break
            else:
                return None
        elif char in "78":
            if not _apply_horn_or_breve(letters, char):
                return None
        elif char == "0":
            tone = 0
        elif char.isdigit():
            return None
        else:
            letters.append(char)
    return _finish(letters, tone)


def decode_input_method(token: str) -> str | None:
    """The Vietnamese syllable a raw-keys ASCII token stands for, or None.

    Only tokens that are not already syllable-shaped are tried, and only results carrying a
    diacritic are kept, so "ban", "xoong" or "lozzz" are never rewritten.
    """
    if len(token) > MAX_SYLLABLE_KEYS or not token.isascii() or is_syllable_shape(token):
        return None
    if any(c.isdigit() for c in token):
        decoded = decode_vni(token)
    elif _TELEX_HINT.intersection(token) or any(a == b for a, b in pairwise(token)):
        decoded = decode_telex(token)
    else:
        return None
    if decoded is None or decoded == token or decoded.isascii():
        return None
    return decoded
