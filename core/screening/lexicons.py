"""The lexicon for a unit's texts: the shipped one plus its own and its ancestors' entries.

Why no explicit version counter: the compiled lexicon is cached by its *content* (the tuple of
entries, see ``Lexicon.extend``), and the entries are read on every call (one indexed query).
A term added in one process therefore applies at once in every web process and worker, and
units with the same effective entries (every commune of a province that added terms) share one
compiled matcher. Units without entries anywhere up their path get the shipped lexicon itself.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.moderation import Category, Entry, Lexicon
from core.screening.models import TermKind, UnitTerm
from core.units.lookups import unit_path


def path_ids(path: str) -> list[int]:
    """``"/1/5/77/"`` → ``[1, 5, 77]``: the unit and its ancestors."""
    return [int(part) for part in path.strip("/").split("/") if part.isdigit()]


def entry_of(row: UnitTerm) -> Entry:
    flags = frozenset(f for f in row.flags.split(",") if f)
    return Entry(
        row.term,
        Category(row.category),
        row.severity,
        flags - {"en"},
        "en" if "en" in flags else "vi",
    )


def unit_lexicon(session: Session, unit_id: int | None) -> Lexicon:
    """The lexicon for texts of ``unit_id`` (the shipped one when the unit adds nothing)."""
    base = Lexicon.default()
    if unit_id is None:
        return base
    ids = path_ids(unit_path(session, unit_id, missing="")) or [unit_id]
    rows = session.scalars(
        select(UnitTerm).where(UnitTerm.unit_id.in_(ids)).order_by(UnitTerm.id)
    ).all()
    if not rows:
        return base
    terms = tuple(entry_of(r) for r in rows if r.kind == TermKind.TERM)
    allow = tuple(r.term for r in rows if r.kind == TermKind.ALLOW)
    return base.extend(terms, allow)
