"""Alt text, captions and titles: untrusted input made clean, and what moderation reads.

Alt and caption are read by citizens next to the item, so screening judges them with
the item's own text (:func:`core.screening.articles.screen` calls :func:`media_texts`).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import column_limit
from core.errors import ValidationFailed
from core.media.models import MediaAsset, MediaUse
from core.text import nfc, storable

LIMITS = {name: column_limit(MediaAsset, name) for name in ("alt", "caption", "title")}


def clean_texts(values: Mapping[str, str | None]) -> dict[str, str]:
    """NFC, trimmed, storable and within the column: only the fields given (None: absent)."""
    out: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        text = nfc(" ".join(str(value).split()))
        if not storable(text):
            errors[name] = "holds characters that cannot be stored"
        elif len(text) > LIMITS[name]:
            errors[name] = f"at most {LIMITS[name]} characters"
        else:
            out[name] = text
    if errors:
        raise ValidationFailed(errors)
    return out


def media_texts(session: Session, article_id: int | None) -> dict[str, str]:
    """Alt text and caption of every asset the article uses, named ``media.<role>.<n>.alt``."""
    if article_id is None:
        return {}
    rows = session.execute(
        select(MediaUse.role, MediaUse.position, MediaAsset.alt, MediaAsset.caption)
        .join(MediaAsset, MediaAsset.id == MediaUse.asset_id)
        .where(MediaUse.article_id == article_id)
        .order_by(MediaUse.role, MediaUse.position, MediaUse.id)
    ).all()
    out: dict[str, str] = {}
    for n, (role, _position, alt, caption) in enumerate(rows):
        out[f"media.{role}.{n}.alt"] = alt or ""
        out[f"media.{role}.{n}.caption"] = caption or ""
    return out
