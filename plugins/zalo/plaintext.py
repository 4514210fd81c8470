"""An item's HTML body as paragraphs of plain text (Zalo's text blocks carry no markup)."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "br"}
)
_SKIP = frozenset({"script", "style", "template"})


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._now: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._now.append(data)

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._now).replace("\xa0", " ")).strip()
        if text:
            self.parts.append(unicodedata.normalize("NFC", text))
        self._now = []


def paragraphs(body_html: str) -> list[str]:
    parser = _Paragraphs()
    parser.feed(body_html or "")
    parser.close()
    parser.flush()
    return parser.parts
