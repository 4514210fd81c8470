"""Why a line got its verdict: which entry matched, through which normalisation, per direction.

For moderators and unit admins (``loa moderate --explain``): a hit lists the words as written,
the entry and its flags, the channel it matched in (exact with diacritics, diacritic fold, a
phrase glued into one word, English) and every normalisation its words went through on the way
(NFC, NFKC and look-alike folding, split letters joined, leetspeak, Telex/VNI keys, repeated
letters, an "@@" emoticon). Pure, like the rest of the engine; slower than ``moderate`` (the
tokens are rebuilt), so it is a tool, never on the hot path.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

from core.moderation.lexicon import Lexicon
from core.moderation.matcher import Hit
from core.moderation.normalise import Token
from core.moderation.policy import DEFAULT_POLICY, Direction, Policy, decide
from core.moderation.telex import decode_input_method

#: What each matcher channel means, in words.
CHANNELS: Final[dict[str, str]] = {
    "exact": "exact (with diacritics)",
    "folded": "diacritic fold (typed without diacritics)",
    "glued": "diacritic fold of the phrase written as one word",
    "latin": "English (a non-Vietnamese word)",
}
_SEPARATOR: Final[re.Pattern[str]] = re.compile(r"[\s.\-_*,/+~:;'\"`^=\\]")
_PLAIN: Final[re.Pattern[str]] = re.compile(r"[\x20-\x7e\u00c0-\u1ef9]*")


def steps(written: str, token: Token) -> list[str]:
    """The normalisations one token went through, from what was typed to what was matched."""
    out: list[str] = []
    composed = unicodedata.normalize("NFC", written)
    if composed != written:
        out.append("NFC (decomposed letters composed)")
    if _PLAIN.fullmatch(composed) is None:
        out.append("NFKC / look-alike fold (decorative, Cyrillic or Greek letters)")
    if token.disguised and _SEPARATOR.search(written.strip()):
        out.append("split letters joined")
    if token.forms.disguised:
        out.append("leetspeak undone")
    telex = decode_input_method(token.forms.latin_long) is not None
    if telex:
        out.append("Telex/VNI keys decoded")
    if re.search(r"@@$", written):
        out.append('"@@" emoticon dropped')
    letters = "".join(c for c in composed.lower() if c.isalnum())
    if not telex and re.search(r"(\w)\1", letters) and len(token.forms.latin) < len(letters):
        out.append("repeated letters collapsed")
    return out or ["raw"]


def _hit(text: str, tokens: list[Token], hit: Hit) -> dict[str, Any]:
    via: list[str] = []
    for token in tokens[hit.first : hit.last + 1]:
        via.extend(s for s in steps(text[token.start : token.end], token) if s not in via)
    if len(via) > 1 and "raw" in via:
        via.remove("raw")
    return {
        "written": text[hit.span.start : hit.span.end],
        "start": hit.span.start,
        "end": hit.span.end,
        "entry": hit.entry.term,
        "language": hit.entry.language,
        "category": str(hit.entry.category),
        "severity": hit.entry.severity,
        "flags": sorted(hit.entry.flags),
        "channel": CHANNELS.get(hit.via, hit.via),
        "normalisation": via,
    }


def explain(
    text: str, lexicon: Lexicon | None = None, policy: Policy = DEFAULT_POLICY
) -> dict[str, Any]:
    """Every match of ``text`` with its entry, channel and normalisations; the decisions."""
    tokens, hits = (lexicon or Lexicon.default()).explain(text)
    hits.sort(key=lambda h: (h.span.start, h.span.end))
    spans = (lexicon or Lexicon.default()).find(text)
    kept = set(spans)  # inner matches ("địt" inside "địt mẹ mày") are listed, not kept
    return {
        "text": text,
        "matches": [{**_hit(text, tokens, h), "kept": h.span in kept} for h in hits],
        "decision": {str(d): str(decide(spans, d, policy)) for d in Direction},
    }
