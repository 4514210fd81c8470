"""Turning untrusted article input into clean values, or a clear list of what is wrong.

Text is NFC; the body is sanitised HTML (nh3, an allowlist of tags); a cover
image needs a caption (S0.5, S3.4). Every length limit is checked here, read from the model's
columns (one truth: a copied list drifted, and PostgreSQL answered an over-long value with a
raw ``DataError``); so is text no database can store (NUL, lone surrogates).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import nh3

from core.content.models import Article, Category
from core.content.topics import TOPICS
from core.db import column_limit
from core.errors import ValidationFailed
from core.text import nfc, slugify, storable

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "em", "figcaption", "figure",
    "h2", "h3", "h4", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
GENDERS = {"male", "female", "other"}
KINDS = {"article", "banner", "section", "notice", "document"}
SCOPE_LEVELS = {"commune", "province", "national"}
MAX_BODY = 1_000_000
#: Longest summary: a policy (the column is TEXT), so it is written here.
MAX_SUMMARY = 5000
MAX_JUSTIFICATION = 5000


TEXT_LIMITS = {
    "title": column_limit(Article, "title"),
    "summary": MAX_SUMMARY,
    "source": column_limit(Article, "source"),
    "author_name": column_limit(Article, "author_name"),
}
COVER_URL_LIMIT = column_limit(Article, "cover_url")
COVER_CAPTION_LIMIT = column_limit(Article, "cover_caption")
SLUG_LIMIT = column_limit(Article, "slug")
CATEGORY_NAME_LIMIT = column_limit(Category, "name")
CATEGORY_SLUG_LIMIT = column_limit(Category, "slug")


def sanitise_html(html: str) -> str:
    return nh3.clean(
        nfc(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


#: Tags that end a line of text: their words must not run into the next block's.
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|hr|li|ul|ol|h[1-6]|blockquote|pre|table|tr|td|th|caption|"
    r"figure|figcaption|section|article|header|footer|dd|dt|dl)\b[^>]*>",
    re.IGNORECASE,
)


def plain_text(html: str) -> str:
    """The words of ``html`` as a reader reads them: tags dropped, blocks apart, spaces collapsed.

    ``<p>cước</p><p>Xem</p>`` reads "cước Xem", not "cướcXem": moderation and search judge
    the words a reader sees, across paragraph breaks as within them.
    """
    return " ".join(nh3.clean(_BLOCK_TAG.sub(" ", html), tags=set()).split())


def _url(value: Any, field: str, errors: dict[str, str]) -> str:
    text = str(value or "").strip()
    if len(text) > COVER_URL_LIMIT:
        errors[field] = f"at most {COVER_URL_LIMIT} characters"
    elif text and urlsplit(text).scheme not in ("http", "https"):
        errors[field] = "must be an http(s) URL"
    return text


UNSTORABLE = "contains a character that cannot be stored (NUL or a lone surrogate)"


def _unstorable(data: Mapping[str, Any], errors: dict[str, str]) -> None:
    """Name every text field that holds a character no database can store."""
    for key, value in data.items():
        if isinstance(value, str) and not storable(value):
            errors[key] = UNSTORABLE
        elif isinstance(value, Mapping):
            for inner, text in value.items():
                if isinstance(text, str) and not storable(text):
                    errors[f"{key}.{inner}"] = UNSTORABLE


def _time(value: Any, field: str, errors: dict[str, str]) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            errors[field] = "must be an ISO 8601 date-time"
            return None
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        errors[field] = "must be a date-time with a time zone"
        return None
    return value.astimezone(dt.UTC)


def clean_article(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate ``data``; on ``partial`` (an edit) only the given fields are checked."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    _unstorable(data, errors)
    if errors:  # nothing else can even be read (the sanitiser cannot encode a lone surrogate)
        raise ValidationFailed(errors)
    for field, limit in TEXT_LIMITS.items():
        if field in data:
            value = nfc(str(data[field] or "")).strip()
            if len(value) > limit:
                errors[field] = f"at most {limit} characters"
            out[field] = value
    if (not partial or "title" in data) and not out.get("title"):
        errors["title"] = "is required"
    if data.get("slug"):
        out["slug"] = slugify(str(data["slug"]), max_length=min(120, SLUG_LIMIT))
    if "body_html" in data:
        body = str(data["body_html"] or "")
        if len(body) > MAX_BODY:
            errors["body_html"] = f"at most {MAX_BODY} characters"
        else:
            out["body_html"] = sanitise_html(body)
    if "cover_url" in data:
        out["cover_url"] = _url(data["cover_url"], "cover_url", errors)
    if "cover_caption" in data:
        out["cover_caption"] = nfc(str(data["cover_caption"] or "")).strip()
        if len(out["cover_caption"]) > COVER_CAPTION_LIMIT:
            errors["cover_caption"] = f"at most {COVER_CAPTION_LIMIT} characters"
    if out.get("cover_url") and not out.get("cover_caption", data.get("cover_caption")):
        errors["cover_caption"] = "an image needs a caption"
    for key in ("category", "unit_code"):
        if key in data:
            out[key] = str(data[key] or "").strip() or None
    if not partial and not out.get("unit_code"):
        errors["unit_code"] = "is required"
    if "agency_id" in data:
        out["agency_id"] = data["agency_id"]
    if "target_ids" in data and data["target_ids"] is not None:
        out["target_ids"] = [int(t) for t in data["target_ids"]]
    if data.get("kind") is not None:
        if data["kind"] not in KINDS:
            errors["kind"] = f"must be one of {sorted(KINDS)}"
        out["kind"] = data["kind"]
    if data.get("topic") is not None:
        if data["topic"] not in TOPICS:
            errors["topic"] = f"must be one of {sorted(TOPICS)}"
        out["topic"] = data["topic"]
    if data.get("justification") is not None:
        out["justification"] = nfc(str(data["justification"])).strip()[:MAX_JUSTIFICATION]
    if data.get("release_together") is not None:
        out["release_together"] = bool(data["release_together"])
    if "audience" in data and data["audience"] is not None:
        out["audience"] = clean_audience(data["audience"], errors)
    if errors:
        raise ValidationFailed(errors)
    return out


def clean_audience(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("age_min", "age_max"):
        if data.get(key) is not None:
            age = int(data[key])
            if not 0 <= age <= 120:
                errors[f"audience.{key}"] = "must be between 0 and 120"
            out[key] = age
    low, high = out.get("age_min"), out.get("age_max")
    if low is not None and high is not None and low > high:
        errors["audience.age_max"] = "must not be below age_min"
    if "genders" in data:
        genders = [str(g) for g in data["genders"] or []]
        if set(genders) - GENDERS:
            errors["audience.genders"] = f"each must be one of {sorted(GENDERS)}"
        out["genders"] = genders
    if "scope_level" in data:
        if data["scope_level"] not in SCOPE_LEVELS:
            errors["audience.scope_level"] = f"must be one of {sorted(SCOPE_LEVELS)}"
        out["scope_level"] = data["scope_level"]
    if "scope_units" in data:
        out["scope_units"] = [str(u) for u in data["scope_units"] or []]
    for key in ("visible_from", "visible_until"):
        if key in data:
            out[key] = _time(data[key], f"audience.{key}", errors)
    start, end = out.get("visible_from"), out.get("visible_until")
    if start and end and end <= start:
        errors["audience.visible_until"] = "must be after visible_from"
    if "interactions_allowed" in data:
        out["interactions_allowed"] = bool(data["interactions_allowed"])
    return out
