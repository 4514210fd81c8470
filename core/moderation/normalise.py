"""Text → syllable tokens with their original offsets, undoing the usual tricks on the way.

Why this shape: the matcher works on whole syllables, never substrings, and the caller needs the
ORIGINAL offsets to highlight or mask. So every step here either keeps a character-to-offset map
(NFC, zero-width removal, look-alikes) or works per token (leetspeak, input-method leftovers,
repeated letters, tone placement), where the token keeps its own start and end.

Order matters: NFC first (on decomposed text a regex would split "cặc" into pieces), then
look-alikes and case, then tokens; per token: leetspeak, Telex/VNI, repeated letters, tones.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final, NamedTuple

from core.moderation.alphabet import (
    VIETNAMESE_LETTERS,
    VOWELS,
    canonical_tone,
    fold,
    has_diacritics,
    is_syllable_shape,
)
from core.moderation.telex import decode_input_method

#: Invisible characters used to break words apart without changing how they look.
ZERO_WIDTH: Final[frozenset[str]] = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064"
)

#: Cyrillic and Greek letters that look like Latin ones (lower case, after str.lower()).
HOMOGLYPHS: Final[dict[str, str]] = {
    "а": "a",
    "в": "b",
    "с": "c",
    "ԁ": "d",
    "е": "e",
    "ё": "e",
    "һ": "h",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "ӏ": "l",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "г": "r",
    "ѕ": "s",
    "т": "t",
    "у": "y",
    "ѵ": "v",
    "ԝ": "w",
    "х": "x",
    "ь": "b",
    "ц": "u",
    "п": "n",
    "α": "a",
    "β": "b",
    "γ": "y",
    "δ": "d",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "μ": "u",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ς": "c",
    "ѡ": "w",
    "ı": "i",
    "ł": "l",
    "ø": "o",
    "ß": "ss",
}


@lru_cache(maxsize=1)
def look_alikes() -> dict[str, str]:
    """Lower-case letters of other scripts → the Latin letter they pass for.

    From Unicode's confusables (TR39) as packaged by ``confusable-homoglyphs``: every letter
    whose NFKC lower-case form is one non-Latin, non-Vietnamese character confusable with one
    ASCII letter ("օ" Armenian o, "ꓲ" Lisu, "ⲟ" Coptic), plus ``HOMOGLYPHS``, which wins where
    they differ. NFKC already folds mathematical and full-width letters, so this is what
    it leaves. Built on the first text that needs it (the slow path), then cached.
    """
    from confusable_homoglyphs.confusables import confusables_data

    out: dict[str, str] = {}
    for char in confusables_data:
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        key = unicodedata.normalize("NFKC", char).lower()
        if len(key) != 1 or key.isascii() or key in VIETNAMESE_LETTERS:
            continue
        for glyph in confusables_data.get(key, ()):
            target = glyph["c"]
            if len(target) == 1 and target.isascii() and target.isalpha():
                out[key] = target.lower()
                break
    return {**out, **HOMOGLYPHS}


#: Leetspeak substitutions, applied inside tokens that have at least two real letters.
LEET: Final[dict[str, str]] = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
}

_FAST_CHARS: Final[frozenset[str]] = (
    frozenset(chr(c) for c in range(32, 127)) | VIETNAMESE_LETTERS | frozenset("\t\n\r“”‘’…–—«»·•")
)
_TOKEN: Final[re.Pattern[str]] = re.compile(r"(?:[^\W_]|[@$*])+(?:[!|](?:[^\W_]|[@$*])+)*")
_SPLIT_GAP: Final[re.Pattern[str]] = re.compile(r"[ .\-_*,/+~:;'\"`^=\\]{1,3}")
#: Sentence punctuation followed (or preceded) by a space, or a line break: letters and words
#: on either side belong to different sentences ("c . C", "quá đã. Dạo") and are never joined.
SENTENCE_BREAK: Final[re.Pattern[str]] = re.compile(r"[.!?;:…][\s\"'”’)]|\s[.!?;:…]|\n")
#: Two or more "@" closing a word are the "@@" emoticon, not leetspeak: "vcl@@" is "vcl @@".
_EMOTICON_TAIL: Final[re.Pattern[str]] = re.compile(r"(?<=[^\W\d_])@{2,}$")
_LEET_TABLE: Final[dict[int, str]] = str.maketrans(LEET)
_SYMBOL_TABLE: Final[dict[int, str]] = str.maketrans(
    {k: v for k, v in LEET.items() if not k.isdigit()}
)


class Forms(NamedTuple):
    """Every form of one token the matcher may look at."""

    exact: str  # lower case, NFC, canonical tones, leet and Telex undone, repeats collapsed
    folded: str  # exact without diacritics (đ → d)
    latin: str  # leet undone and repeats collapsed, no Telex: the form English terms meet
    latin_long: str  # leet undone, runs of 3+ cut to 2 ("asssss" → "ass"): for literal entries
    vietnamese: bool  # has diacritics or the shape of a Vietnamese syllable
    disguised: bool  # leetspeak was undone (input-method keys do not count: see matcher)
    foreign: bool  # neither Vietnamese nor a number: the only tokens English terms can meet


class Token(NamedTuple):
    """One syllable-like token and where it sits in the original text."""

    start: int
    end: int
    forms: Forms
    disguised: bool  # forms.disguised, or joined from split letters, or had look-alikes


def _collapse(word: str, keep: int) -> str:
    """Cut runs of the same base letter ("lozzzz", "đụuuuu") down to `keep` letters."""
    out: list[str] = []
    run_base = ""
    run = 0
    for char in word:
        base = fold(char)
        if base == run_base and char.isalpha():
            run += 1
            if run <= keep:
                out.append(char)
            elif has_diacritics(char) and not has_diacritics(out[-1]):
                out[-1] = char  # keep the letter that carries the tone
            continue
        run_base, run = base, 1
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=1 << 17)
def token_forms(raw: str) -> Forms:
    """Normalise one lower-case token; cached because words repeat far more than texts do."""
    if raw.isascii() and raw.isdigit():
        return Forms(raw, raw, raw, raw, False, False, False)  # numbers (dates, phones)
    disguised = False
    word = _EMOTICON_TAIL.sub("", raw.strip("*"))
    if len(word) >= 5 and word[1::2].strip("*") == "" and "*" not in word[::2]:
        word = word[::2]  # "f*u*c*k": stars between every letter split a word, not mask it
        disguised = True
    letters = sum(1 for c in word if c.isalpha())
    decoded = decode_input_method(word) if word.isascii() and letters >= 2 else None
    if decoded is None and letters >= 1 and not word.isalpha():
        # digits only inside words of two letters or more: "D1" (a street) stays, "l0n" does not
        leet = word.translate(_LEET_TABLE if letters >= 2 else _SYMBOL_TABLE)
        disguised = leet != word
        word = leet
    # consonant-only teencode keeps its doubles: "dmm" is not "dm", "cc" is not "c"
    keep = 1 if any(c in VOWELS for c in fold(word)) else 2
    latin = _collapse(word, keep)
    latin_long = _collapse(word, 2)
    if decoded is not None:
        word = decoded
    exact = canonical_tone(_collapse(word, keep))
    folded = fold(exact)
    # judged on the form before Telex decoding: "tits" decodes to "tít" but was typed as English
    vietnamese = not latin.isascii() or is_syllable_shape(latin)
    foreign = not vietnamese and not latin.isdigit()
    return Forms(exact, folded, latin, latin_long, vietnamese, disguised, foreign)


def _clean_chars(text: str) -> tuple[str, list[int] | None, list[int] | None, set[int]]:
    """Lower-cased, NFC, look-alike-free text, with a map back to original offsets.

    Returns (clean, starts, ends, suspicious): clean[i] came from text[starts[i]:ends[i]];
    starts/ends are None when the map is the identity (the fast path: plain ASCII/Vietnamese).
    `suspicious` holds clean positions that came from look-alikes or sat next to a zero-width.
    """
    if _FAST_CHARS.issuperset(text):
        return text.lower(), None, None, set()
    clean: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    suspicious: set[int] = set()
    i = 0
    n = len(text)
    fast = _FAST_CHARS
    swap = look_alikes()
    while i < n:
        j = i + 1
        char = text[i]
        if char in fast and (j == n or text[j] in fast):
            clean.append(char.lower())  # the common case: no combining mark follows
            starts.append(i)
            ends.append(j)
            i = j
            continue
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        if cluster[0] in ZERO_WIDTH:
            if clean:
                suspicious.add(len(clean) - 1)
            suspicious.add(len(clean))
            i = j
            continue
        cluster = "".join(c for c in cluster if c not in ZERO_WIDTH)
        mapped = unicodedata.normalize("NFKC", cluster).lower()
        swapped = "".join(swap.get(c, c) for c in mapped)
        mapped = unicodedata.normalize("NFC", swapped)
        look_alike = swapped != unicodedata.normalize("NFKC", cluster).lower() or (
            not cluster.isascii()
            and mapped.isascii()
            and len(mapped) == len(cluster)
            and cluster.lower() != mapped
        )
        for char in mapped:
            if look_alike:
                suspicious.add(len(clean))
            clean.append(char)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(clean), starts, ends, suspicious


def quick_forms(text: str) -> list[Forms] | None:
    """The forms of every token, without offsets, when the text needs no offset map.

    The common case (plain ASCII or precomposed Vietnamese, no letters standing alone to
    join): the tokens are the regex matches of the lower-cased text and their forms come
    from the per-token cache, so no Token is built. ``None`` when the full ``tokenise`` is
    needed. The matcher uses this to decide, cheaply, whether anything matched at all; only
    then does it ask ``tokenise`` for offsets. Gives the same forms ``tokenise`` would.
    """
    if not _FAST_CHARS.issuperset(text):
        # decomposed (NFD) Vietnamese: the same tokens as its NFC form, other offsets
        composed = unicodedata.normalize("NFC", text)
        if composed == text or not _FAST_CHARS.issuperset(composed):
            return None
        text = composed
    words = _TOKEN.findall(text.lower())
    if not words:
        return []
    if min(map(len, words)) < 2:
        # single letters ("ở", "a", "I") only matter when two stand side by side (a split word
        # like "d i t"); tokenise also drops star-only tokens on this path: leave both to it
        lengths = [len(w) for w in words]
        if 1 in map(max, lengths, lengths[1:]) or not all([w.strip("*") for w in words]):
            return None
    return list(map(token_forms, words))


def quick_tokens(text: str, forms: list[Forms]) -> list[Token]:
    """The tokens of a text ``quick_forms`` accepted, with the forms it gave (no recomputing)."""
    if not _FAST_CHARS.issuperset(text):
        return tokenise(text)  # accepted in NFC: only the full path maps offsets back
    return [
        Token(m.start(), m.end(), f, f.disguised)
        for m, f in zip(_TOKEN.finditer(text.lower()), forms, strict=True)
    ]


def tokenise(text: str) -> list[Token]:
    """Split text into normalised tokens with original (start, end) offsets."""
    clean, starts, ends, suspicious = _clean_chars(text)
    pieces = [m.span() for m in _TOKEN.finditer(clean)]
    tokens: list[Token] = []
    if all(e - s > 1 for s, e in pieces):
        for s, e in pieces:  # fast path: no single letters, so nothing to join
            forms = token_forms(clean[s:e])
            disguised = forms.disguised or (
                bool(suspicious) and any(p in suspicious for p in range(s, e))
            )
            if starts is None or ends is None:
                tokens.append(Token(s, e, forms, disguised))
            else:
                tokens.append(Token(starts[s], ends[e - 1], forms, disguised))
        return tokens
    for s, e, joined in _join_split_letters(clean, pieces):
        raw = clean[s:e] if not joined else "".join(clean[a:b] for a, b in _letters_in(clean, s, e))
        if not raw.strip("*"):
            continue
        forms = token_forms(raw)
        disguised = (
            forms.disguised
            or joined
            or (bool(suspicious) and any(p in suspicious for p in range(s, e)))
        )
        if starts is None or ends is None:
            tokens.append(Token(s, e, forms, disguised))
        else:
            tokens.append(Token(starts[s], ends[e - 1], forms, disguised))
    return tokens


def _letters_in(clean: str, s: int, e: int) -> list[tuple[int, int]]:
    """The token pieces inside a joined span (the separators dropped)."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(clean, s, e)]


def _join_split_letters(clean: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """Join runs of single letters split by spaces, dots or symbols: "đ.m", "d i t", "l-o-n".

    A run needs at least two single letters separated by the same short separator (at most
    three characters, no line break), so "đ.m t.h.ằ.n.g" stays two words; the joined token
    spans from the first letter to the last.
    """
    out: list[tuple[int, int, bool]] = []
    i = 0
    n = len(spans)
    while i < n:
        s, e = spans[i]
        if e - s == 1 and clean[s].isalpha():
            j = i
            gap = ""
            while (
                j + 1 < n
                and spans[j + 1][1] - spans[j + 1][0] == 1
                and clean[spans[j + 1][0]].isalpha()
                and _SPLIT_GAP.fullmatch(clean, spans[j][1], spans[j + 1][0]) is not None
                and SENTENCE_BREAK.search(clean, spans[j][1], spans[j + 1][0]) is None
                and (not gap or clean[spans[j][1] : spans[j + 1][0]] == gap)
            ):
                gap = clean[spans[j][1] : spans[j + 1][0]]
                j += 1
            if (
                j == i + 1
                and gap == " "
                and j + 1 < n
                and spans[j + 1][1] - spans[j + 1][0] == 1
                and _SPLIT_GAP.fullmatch(clean, spans[j][1], spans[j + 1][0]) is not None
            ):
                j = i  # "a f.u.c.k": the article is a word, the dotted run starts after it
            if j > i:
                out.append((s, spans[j][1], True))
                i = j + 1
                continue
        out.append((s, e, False))
        i += 1
    return out
