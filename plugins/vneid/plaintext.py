"""An item's HTML body as the plain text VNeID "Tin tức" shows (it takes no markup).

Block ends become line breaks, every tag is dropped by nh3 (the sanitiser core uses),
entities are decoded and the text is NFC, so diacritics compare and print as one form.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|div|li|h[1-6]|blockquote|tr|figcaption|pre)>")
_ITEM = re.compile(r"(?i)<li[^>]*>")
_BLANKS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def html_to_text(fragment: str) -> str:
    """Paragraphs separated by a blank line, list items as "- …"; no markup left."""
    marked = _ITEM.sub("- ", _BLOCK_END.sub("\n\n", fragment or ""))
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return unicodedata.normalize("NFC", _BLANKS.sub("\n\n", "\n".join(lines)).strip())
