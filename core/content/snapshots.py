"""Revision snapshots: an article's declared fields (``core.content.fields``) as JSON, and back.

Content-level, so both editing (``core.actions.content``) and approval
(``core.actions.workflow``) read and write revisions without importing each other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.content.fields import (
    ALWAYS_WRITTEN,
    ARTICLE_FIELDS,
    AUDIENCE_FIELDS,
    AUDIENCE_TIMES,
    ONLY_IF_SET,
)
from core.content.models import Article, Revision
from core.content.validation import plain_text
from core.text import fold


def snapshot(article: Article) -> dict[str, Any]:
    """The article's declared fields as JSON (what a revision stores)."""
    data: dict[str, Any] = {f.name: getattr(article, f.name) for f in ARTICLE_FIELDS}
    a = article.audience
    data["audience"] = {f: getattr(a, f) for f in AUDIENCE_FIELDS}
    return json.loads(json.dumps(data, default=lambda v: v.isoformat()))


def apply_snapshot(session: Session, article: Article, data: Mapping[str, Any]) -> None:
    """Put a revision's content back on the row (restoring, or releasing a pending edit)."""
    for field in ALWAYS_WRITTEN:
        if field in data:
            setattr(article, field, data[field])
    for field in ONLY_IF_SET:
        if field in data and data[field] is not None:
            setattr(article, field, data[field])
    for field, value in (data.get("audience") or {}).items():
        if field in AUDIENCE_TIMES and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        setattr(article.audience, field, value)
    refold(article)


def refold(article: Article) -> None:
    """Recompute the folded search text from the row's words."""
    article.search_text = fold(
        " ".join((article.title or "", article.summary or "", plain_text(article.body_html or "")))
    )


def content_hash(data: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def current_data(session: Session, article: Article) -> dict[str, Any]:
    """The snapshot reviewers judge: the pending revision of a live item, else the row."""
    if article.pending_revision is not None:
        pending = session.scalar(
            select(Revision).where(
                Revision.article_id == article.id, Revision.number == article.pending_revision
            )
        )
        if pending is not None:
            return dict(pending.data)
    return snapshot(article)
