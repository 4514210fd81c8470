"""One lexicon term (:class:`Entry`) and the flags a lexicon line may carry.

Below both the matcher (which indexes entries) and the lexicon (which reads and combines them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from core.moderation.policy import Category

#: Flags a lexicon line may carry (column 4, comma separated, "-" for none).
#: strip_ok: also match text typed without diacritics (only for terms whose stripped form is not
#:           an ordinary word: "dit me" yes, "cac" / "lon" / "deo" / "chich" no).
#: context:  a multi-syllable entry whose other syllables disambiguate ("deo biet"): also strip_ok.
#: literal:  (English) the doubled letters must be there: "ass" must not become "as".
#: name:     also a name or brand ("dick", "dek", "dell"): never matches a Capitalised word.
#: needs_marks: its plain letters are also an ordinary word typed without diacritics ("ngu" for
#:           "ngủ"): matches only in a text that carries diacritics somewhere.
#: intensifier: vulgar emphasis aimed at nobody ("vl", "vcl"): blocked in what the office
#:           publishes, handled as the unit configures in what citizens write.
FLAGS: Final[frozenset[str]] = frozenset(
    {"strip_ok", "context", "literal", "name", "needs_marks", "intensifier"}
)

Language = Literal["vi", "en"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon term."""

    term: str
    category: Category
    severity: int
    flags: frozenset[str] = field(default_factory=frozenset)
    language: Language = "vi"

    def __post_init__(self) -> None:
        if not self.term.strip():
            raise ValueError("empty lexicon term")
        if not 1 <= self.severity <= 3:
            raise ValueError(f"severity must be 1..3: {self.term!r}")
        unknown = self.flags - FLAGS
        if unknown:
            raise ValueError(f"unknown flags {sorted(unknown)} on {self.term!r}")
        if "context" in self.flags and len(self.term.split()) < 2:
            raise ValueError(f"a context entry needs at least two syllables: {self.term!r}")

    @classmethod
    def parse(cls, line: str, language: Language = "vi") -> Entry:
        """Parse one TSV line: term, category, severity, flags."""
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 3:
            raise ValueError(f"lexicon line needs term, category, severity: {line!r}")
        flags = frozenset(f for f in (parts[3] if len(parts) > 3 else "").split(",") if f)
        flags -= {"-"}
        return cls(parts[0].strip(), Category(parts[1].strip()), int(parts[2]), flags, language)
