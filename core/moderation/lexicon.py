"""The lexicon: data files of terms and allowlist entries, compiled once into a matcher.

Why data files: the terms change far more often than the code, units add their own, and a
reviewer must be able to read the list without reading Python. Why immutable: a compiled
Lexicon is shared by every request; `extend` returns a new one (cached) instead of mutating.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Final

from core.moderation.entries import FLAGS as FLAGS
from core.moderation.entries import Entry as Entry
from core.moderation.entries import Language as Language
from core.moderation.matcher import Hit, Matcher
from core.moderation.normalise import Token
from core.moderation.policy import Category, Span

LEXICON_DIR: Final[Path] = Path(__file__).resolve().parent / "lexicons"

TermLike = Entry | tuple[str, str, int] | tuple[str, str, int, str]


def _as_entry(term: TermLike) -> Entry:
    if isinstance(term, Entry):
        return term
    flags = term[3] if len(term) > 3 else ""
    language: Language = "en" if "en" in flags.split(",") else "vi"
    entry_flags = frozenset(f for f in flags.split(",") if f and f not in ("-", "en"))
    return Entry(term[0], Category(term[1]), int(term[2]), entry_flags, language)


def read_entries(path: Path, language: Language) -> list[Entry]:
    """Read a lexicon TSV file (blank lines and # comments skipped)."""
    out: list[Entry] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(Entry.parse(line, language))
    return out


def read_contempt(path: Path) -> list[Entry]:
    """Insult entries from a contempt file: every classifier × word pair, less the exceptions."""
    classifiers: list[str] = []
    words: list[tuple[str, int]] = []
    exceptions: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        kind, *rest = [part.strip() for part in line.split("\t")]
        if kind == "classifier" and rest:
            classifiers.append(rest[0])
        elif kind == "word" and len(rest) >= 2:
            words.append((rest[0], int(rest[1])))
        elif kind == "except" and rest:
            exceptions.add(rest[0])
        else:
            raise ValueError(f"contempt line needs classifier, word or except: {line!r}")
    return [
        Entry(f"{c} {w}", Category.INSULT, severity)
        for c in classifiers
        for w, severity in words
        if f"{c} {w}" not in exceptions
    ]


def read_allow(path: Path) -> list[str]:
    """Read an allowlist file: the first column of each non-comment line."""
    out: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line.split("\t")[0].strip())
    return out


class Lexicon:
    """Terms and allowlist entries, compiled into one multi-pattern matcher.

    Build it once (`Lexicon.default()` is cached) and share it; matching is pure.
    """

    __slots__ = ("_matcher", "allow", "entries")

    def __init__(self, entries: Iterable[Entry], allow: Iterable[str] = ()) -> None:
        self.entries: tuple[Entry, ...] = tuple(dict.fromkeys(entries))
        self.allow: tuple[str, ...] = tuple(dict.fromkeys(a for a in allow if a.strip()))
        self._matcher = Matcher(self.entries, self.allow)

    @classmethod
    def default(cls) -> Lexicon:
        """The shipped lexicon (vi, en, contempt, allow, places .tsv), compiled once."""
        return _default()

    @classmethod
    def from_files(
        cls,
        vi: Path,
        en: Path | None = None,
        allow: Sequence[Path] = (),
        contempt: Path | None = None,
    ) -> Lexicon:
        entries = read_entries(vi, "vi") + (read_entries(en, "en") if en else [])
        entries += read_contempt(contempt) if contempt else []
        allowed = [a for path in allow for a in read_allow(path)]
        return cls(entries, allowed)

    def extend(self, terms: Iterable[TermLike] = (), allow: Iterable[str] = ()) -> Lexicon:
        """A new Lexicon with a unit's own terms and allowlist entries added (cached).

        Terms are Entry objects or tuples (term, category, severity[, flags]); put "en" in the
        flags of an English term.
        """
        return _extend(self, tuple(_as_entry(t) for t in terms), tuple(allow))

    def find(self, text: str) -> list[Span]:
        """Every lexicon span in text that the allowlist does not cover, sorted."""
        return self._matcher.find(text)

    def explain(self, text: str) -> tuple[list[Token], list[Hit]]:
        """The tokens of ``text`` and every match with its entry and channel (``explain.py``)."""
        return self._matcher.explain(text)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Lexicon({len(self.entries)} terms, {len(self.allow)} allowed)"


@lru_cache(maxsize=1)
def _default() -> Lexicon:
    return Lexicon.from_files(
        LEXICON_DIR / "vi.tsv",
        LEXICON_DIR / "en.tsv",
        [LEXICON_DIR / "allow.tsv", LEXICON_DIR / "places.tsv"],
        LEXICON_DIR / "contempt.tsv",
    )


@lru_cache(maxsize=256)
def _extend(base: Lexicon, terms: tuple[Entry, ...], allow: tuple[str, ...]) -> Lexicon:
    return Lexicon(base.entries + terms, base.allow + allow)
