"""Aho-Corasick matching of whole syllables and syllable sequences, with original offsets.

Why this design: one automaton pass per channel over a space-joined string of normalised
tokens, with every key wrapped in spaces (" địt mẹ "), finds all terms at once and can only
match on syllable boundaries: "cu" never hits "cuối", "lon" never hits "lớn".

Channels:
  exact   — diacritics kept; every Vietnamese term and the allowlist (exact only: "cái lon",
            a can, must not protect "cái lồn").
  folded  — diacritics stripped; strip_ok/context terms always, other terms only when a matched
            token was disguised (leetspeak, split letters, look-alikes): nobody writes "l-o-n"
            meaning "lớn".
  latin   — English terms, only kept when a matched token is not a Vietnamese syllable
            ("dich cum" and "tang len" stay clean; "fuck" and "shit" do not).

Every match found through a diacritic-stripped key is then checked against what was typed
(``_typed_agrees``): a token the writer typed WITH diacritics must carry the entry's own
("Bảo Loan" is not "bạo loạn", "Đ𝙄" (đi) is not "đĩ"); only tokens typed without any are read
loosely. A phrase never spans a sentence break ("quá đã. Dạo" is not "đả đảo"). Entries flagged
``name`` do not match a Capitalised word ("Dick", "Dek", "Dell" are names and brands); entries
flagged ``needs_marks`` (bare "ngu", also the plain spelling of "ngủ") match only in a text that
carries diacritics elsewhere. An allowlist phrase protects its words from every match touching
them, except a longer match that covers the whole phrase ("thằng óc chó" beats "óc chó").
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

import ahocorasick

from core.moderation.alphabet import fold
from core.moderation.normalise import SENTENCE_BREAK, Token, quick_forms, quick_tokens, tokenise
from core.moderation.policy import Category, Span

if TYPE_CHECKING:
    from core.moderation.entries import Entry

ANY, DISGUISED, FOREIGN = 0, 1, 2
#: Fields of a token's Forms (a NamedTuple), read by index: the hot loop's cheapest access.
_EXACT, _FOLDED, _LATIN, _VIETNAMESE, _DISGUISED, _FOREIGN = (
    itemgetter(0),
    itemgetter(1),
    itemgetter(2),
    itemgetter(4),
    itemgetter(5),
    itemgetter(6),
)


class _Key(NamedTuple):
    """What an automaton key stands for: a term (or an allowlist entry when entry is None)."""

    entry: Entry | None
    size: int  # number of tokens
    need: int  # ANY, DISGUISED or FOREIGN
    literal: str | None  # for "literal" English terms: the uncollapsed form to verify
    via: str = "exact"  # the channel: exact, folded, glued (folded, one word), latin
    typed: tuple[str, ...] = ()  # folded keys: the entry's exact forms a marked token must equal


class Hit(NamedTuple):
    """One kept match, for ``Matcher.explain``: which entry, through which channel, where."""

    span: Span
    entry: Entry
    via: str
    first: int  # token indices
    last: int


def _key(forms: Iterable[str]) -> str:
    return " " + " ".join(forms) + " "


class Matcher:
    """The compiled automata for one set of entries and allowlist entries."""

    __slots__ = ("_disguised", "_exact", "_folded", "_latin", "_latin_numbers")

    def __init__(self, entries: Iterable[Entry], allow: Iterable[str]) -> None:
        exact: dict[str, list[_Key]] = {}
        folded: dict[str, list[_Key]] = {}
        disguised: dict[str, list[_Key]] = {}  # folded keys that need a disguised token
        latin_numbers = False  # an English term with a number in it ("18+" as "18")
        latin: dict[str, list[_Key]] = {}
        for entry in entries:
            tokens = tokenise(entry.term)
            if not tokens:
                continue
            size = len(tokens)
            if entry.language == "en":
                literal = (
                    _key(t.forms.latin_long for t in tokens) if "literal" in entry.flags else None
                )
                key = _key(t.forms.latin for t in tokens)
                latin_numbers = latin_numbers or any(t.forms.latin.isdigit() for t in tokens)
                latin.setdefault(key, []).append(_Key(entry, size, FOREIGN, literal, "latin"))
                continue
            exact_forms = tuple(t.forms.exact for t in tokens)
            exact_key = _key(exact_forms)
            folded_key = fold(exact_key)
            exact.setdefault(exact_key, []).append(_Key(entry, size, ANY, None))
            stripped_ok = bool(entry.flags & {"strip_ok", "context"})
            need = ANY if stripped_ok else DISGUISED
            into = folded if stripped_ok else disguised
            if folded_key != exact_key or not stripped_ok:
                into.setdefault(folded_key, []).append(
                    _Key(entry, size, need, None, "folded", exact_forms)
                )
            if size > 1:
                # written as one word ("ditme") or split letter by letter ("đ ồ c h ó")
                glued_tokens = tokenise("".join(entry.term.split()))
                glued = _key(t.forms.folded for t in glued_tokens)
                typed = tuple(t.forms.exact for t in glued_tokens)
                into.setdefault(glued, []).append(_Key(entry, 1, need, None, "glued", typed))
        for phrase in allow:
            tokens = tokenise(phrase)
            if tokens:
                exact_key = _key(t.forms.exact for t in tokens)
                allowed = _Key(None, len(tokens), ANY, None)
                exact.setdefault(exact_key, []).append(allowed)
        self._exact = _automaton(exact)
        self._folded = _automaton(folded)
        self._disguised = _automaton(disguised)
        self._latin = _automaton(latin)
        self._latin_numbers = latin_numbers

    def find(self, text: str) -> list[Span]:
        """Every term occurrence not covered by an allowlist entry, sorted by position."""
        return _outermost(sorted({h.span for h in self.hits(text)}))

    def explain(self, text: str) -> tuple[list[Token], list[Hit]]:
        """The tokens of ``text`` and every kept match with its entry and channel."""
        return tokenise(text), self.hits(text)

    def hits(self, text: str) -> list[Hit]:
        """Every kept match (the strongest per place and category), unsorted."""
        quick = quick_forms(text)
        tokens = tokenise(text) if quick is None else None
        forms = [t.forms for t in tokens] if tokens is not None else quick
        if not forms:
            return []
        stream = " " + " ".join(map(_EXACT, forms)) + " "
        raw: list[tuple[int, _Key]] = []  # (end position in stream, key)
        if self._exact is not None:
            for end, keys in self._exact.iter(stream):
                raw.extend([(end, k) for k in keys])
        # built from the cached per-token folded forms: fold(stream), without the translate
        folded = " " + " ".join(map(_FOLDED, forms)) + " "
        if self._folded is not None:
            for end, keys in self._folded.iter(folded):
                raw.extend([(end, k) for k in keys])
        # exact-only terms folded ("lon" for "lồn") need a disguised token: most texts have none,
        # and then the ordinary words they fold onto ("lớn", "các") cost nothing
        if self._disguised is not None and (
            any(map(_DISGUISED, forms)) if tokens is None else any([t.disguised for t in tokens])
        ):
            for end, keys in self._disguised.iter(folded):
                raw.extend([(end, k) for k in keys])
        latin_raw: list[tuple[int, _Key]] = []
        if self._latin is not None and (
            any(map(_FOREIGN, forms))
            if not self._latin_numbers
            else not all(map(_VIETNAMESE, forms))
        ):
            for end, keys in self._latin.iter(_key(map(_LATIN, forms))):
                latin_raw.extend([(end, k) for k in keys])
        if not latin_raw and all([hit[1].entry is None for hit in raw]):
            return []  # nothing, or only allowlist entries, matched
        if tokens is None:
            tokens = quick_tokens(text, forms)  # something matched: offsets are worth building
        hits = _locate(raw, [len(t.forms.exact) for t in tokens])
        hits += _locate(latin_raw, [len(t.forms.latin) for t in tokens])
        allowed = [(first, last) for first, last, key in hits if key.entry is None]
        best: dict[tuple[int, int, str], Hit] = {}
        for first, last, key in hits:
            entry = key.entry
            if entry is None or not _satisfied(key, tokens, first, last):
                continue
            if allowed and _protected(allowed, first, last):
                continue
            if not _plausible(key, entry, text, tokens, first, last):
                continue
            span = Span(
                tokens[first].start,
                tokens[last].end,
                entry.term,
                entry.category,
                entry.severity,
                "intensifier" in entry.flags,
            )
            slot = (span.start, span.end, entry.category)
            if slot not in best or best[slot].span.severity < span.severity:
                best[slot] = Hit(span, entry, key.via, first, last)
        return list(best.values())


def _protected(allowed: list[tuple[int, int]], first: int, last: int) -> bool:
    """A match touching an allowlisted phrase is dropped, unless it covers all of it and more."""
    for a_first, a_last in allowed:
        if a_first <= last and first <= a_last:
            covers = first <= a_first and a_last <= last and last - first > a_last - a_first
            if not covers:
                return True
    return False


def _plausible(
    key: _Key, entry: Entry, text: str, tokens: list[Token], first: int, last: int
) -> bool:
    """The checks that need the typed text: diacritics, sentence breaks, names, bare words."""
    if key.typed and not _typed_agrees(key, tokens, first, last):
        return False
    if last > first and any(
        SENTENCE_BREAK.search(text, tokens[i].end, tokens[i + 1].start) is not None
        for i in range(first, last)
    ):
        return False
    if "name" in entry.flags:
        written = text[tokens[first].start : tokens[first].end]
        if written[:1].isupper() and not written.isupper():
            return False  # "Dick", "Dek", "Dell": a person or a brand
    if "needs_marks" in entry.flags:
        marked = any(t.forms.exact != t.forms.folded for t in tokens)
        if not marked:
            return False  # "ngu" in a text typed without diacritics is most often "ngủ"
    return True


def _typed_agrees(key: _Key, tokens: list[Token], first: int, last: int) -> bool:
    """A token typed with diacritics must carry the entry's; plain tokens may be read loosely."""
    for offset, index in enumerate(range(first, last + 1)):
        forms = tokens[index].forms
        if forms.exact == forms.folded:
            continue  # typed without diacritics (or decoded from them): anything folds here
        if offset >= len(key.typed) or forms.exact != key.typed[offset]:
            return False
    return True


def _automaton(keys: dict[str, list[_Key]]) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, values in keys.items():
        automaton.add_word(key, tuple(values))
    automaton.make_automaton()
    return automaton


def _locate(raw: list[tuple[int, _Key]], lengths: list[int]) -> list[tuple[int, int, _Key]]:
    """Turn stream end positions into (first token, last token) indices."""
    if not raw:
        return []
    last_at: dict[int, int] = {}
    position = 0
    for index, length in enumerate(lengths):
        position += length + 1
        last_at[position] = index
    return [(last_at[end] - key.size + 1, last_at[end], key) for end, key in raw]


def _outermost(spans: list[Span]) -> list[Span]:
    """Drop a span inside another of the same category and no lower severity.

    "địt mẹ mày" already says everything "địt" would; a reviewer wants one mark, not three.
    Spans of different categories are all kept: each may call for different handling.
    One sweep by start (severities are 1..3), not a pairwise test: a long text of repeated
    terms has tens of thousands of spans, and pairs of them took minutes.
    """
    if len(spans) < 2:
        return spans
    inside: set[int] = set()
    by_category: dict[Category, list[int]] = {}
    for i, s in enumerate(spans):
        by_category.setdefault(s.category, []).append(i)
    for indices in by_category.values():
        # Farthest end reached, per severity, by spans starting before the current start.
        reach: dict[int, int] = {}
        indices.sort(key=lambda i: (spans[i].start, -spans[i].end))
        at = 0
        while at < len(indices):
            start = spans[indices[at]].start
            stop = at
            while stop < len(indices) and spans[indices[stop]].start == start:
                stop += 1
            group = [spans[i] for i in indices[at:stop]]
            # Same start, ends descending: contained by an earlier one with a longer end.
            longer: dict[int, int] = {}
            for n, s in enumerate(group):
                covered = any(sev >= s.severity and end >= s.end for sev, end in reach.items())
                covered = covered or any(
                    sev >= s.severity and end > s.end for sev, end in longer.items()
                )
                if covered:
                    inside.add(indices[at + n])
                longer[s.severity] = max(longer.get(s.severity, s.end), s.end)
            for sev, end in longer.items():
                reach[sev] = max(reach.get(sev, end), end)
            at += len(group)
    return [s for i, s in enumerate(spans) if i not in inside]


def _satisfied(key: _Key, tokens: list[Token], first: int, last: int) -> bool:
    if key.need == ANY:
        return True
    if key.need == DISGUISED:
        return any(tokens[i].disguised for i in range(first, last + 1))
    if all(tokens[i].forms.vietnamese for i in range(first, last + 1)):
        return False
    if key.literal is not None:
        return _key(tokens[i].forms.latin_long for i in range(first, last + 1)) == key.literal
    return True
