"""Revisions: what changed between two saves, field by field, and word by word in the body.

Reviewers see "changes since the last approval"; editors can restore an old
revision, which is saved as a new one (history is never rewritten).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.content.models import Revision
from core.errors import NotFound

_TOKENS = re.compile(r"<[^>]+>|\w+|[^\w\s]|\s+", re.UNICODE)
WORD_FIELDS = frozenset({"body_html", "summary", "title"})


@dataclass(frozen=True)
class Chunk:
    """A run of the new text: ``equal``, ``insert`` or ``delete``d from the old."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any
    words: tuple[Chunk, ...] = ()


def words(before: str, after: str) -> tuple[Chunk, ...]:
    """A word-level diff that keeps HTML tags whole, so a reviewer sees words, not markup soup."""
    a, b = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    chunks: list[Chunk] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            chunks.append(Chunk("equal", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            chunks.append(Chunk("delete", "".join(a[i1:i2])))
        if j2 > j1:
            chunks.append(Chunk("insert", "".join(b[j1:j2])))
    return tuple(chunks)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """Every field whose value differs, in a stable order."""
    old, new = _flatten(before), _flatten(after)
    changes = []
    for field in sorted(set(old) | set(new)):
        if old.get(field) == new.get(field):
            continue
        chunked = field in WORD_FIELDS and isinstance(new.get(field), str)
        changes.append(
            FieldChange(
                field,
                old.get(field),
                new.get(field),
                words(str(old.get(field) or ""), str(new.get(field) or "")) if chunked else (),
            )
        )
    return changes


def revision(session: Session, article_id: int, number: int) -> Revision:
    found = session.scalar(
        select(Revision).where(Revision.article_id == article_id, Revision.number == number)
    )
    if found is None:
        raise NotFound(f"article {article_id} has no revision {number}")
    return found


def history(session: Session, article_id: int) -> list[Revision]:
    return list(
        session.scalars(
            select(Revision).where(Revision.article_id == article_id).order_by(Revision.number)
        )
    )
