"""Vietnamese text: NFC normalisation, diacritic folding and slugs.

Folding maps "Quyết định" and "quyet dinh" to the same key, which is what
search, slugs and sorting need; stored text stays NFC with its diacritics.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


#: Characters no database can hold: PostgreSQL refuses NUL in text, and a lone surrogate
#: cannot be encoded at all; either failed as a raw driver error wherever it reached SQL.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    """True unless ``text`` holds a NUL or a lone surrogate."""
    return _UNSTORABLE.search(text) is None


def has_word(text: str) -> bool:
    """True if ``text`` has a letter or digit a slug can be made of."""
    return _NON_WORD.sub("", fold(text)) != ""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ→d), collapse whitespace."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip()


def slugify(text: str, max_length: int = 120) -> str:
    slug = _NON_WORD.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "bai-viet"
