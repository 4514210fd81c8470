"""``loa import FILE.jsonl``: bring an existing portal's posts into Loa.

Every line is validated on its own; good lines load in batches, bad lines are
reported with their number and reason, and a second run changes nothing
(articles are matched by slug). Imported posts keep their original
publication date and are not fanned out again: they are already live. A post
that would be live at national reach is refused: only the national approval
chain may publish to the nation (S0.4), so such a post comes in as a draft.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor, Permission
from core.content.actions import content_hash, snapshot
from core.content.models import Article, Audience, Category, Revision, Status
from core.content.validation import clean_article, plain_text
from core.context import Context
from core.errors import ValidationFailed
from core.text import fold, slugify
from core.units.models import CURRENT_SCHEME, Unit
from core.workflow.reach import NATIONAL, reach

STATUSES = {Status.DRAFT.value, Status.PUBLISHED.value}


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _parse(number: int, line: str) -> dict[str, Any]:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValidationFailed({"line": f"not JSON ({exc.msg})"}) from None
    if not isinstance(raw, dict):
        raise ValidationFailed({"line": "must be a JSON object"})
    status = raw.get("status", "published")
    if status not in STATUSES:
        raise ValidationFailed({"status": f"must be one of {sorted(STATUSES)}"})
    data = clean_article(
        {
            "title": raw.get("title"),
            "slug": raw.get("slug") or slugify(str(raw.get("title") or "")),
            "summary": raw.get("summary", ""),
            "body_html": raw.get("body_html", raw.get("body", "")),
            "cover_url": raw.get("cover_image_url", raw.get("cover_url", "")),
            "cover_caption": raw.get("cover_caption", ""),
            "source": raw.get("source", ""),
            "unit_code": raw.get("unit_code"),
        }
    )
    published = raw.get("published_at")
    when = None
    if published:
        try:
            when = dt.datetime.fromisoformat(str(published))
        except ValueError:
            raise ValidationFailed({"published_at": "must be ISO 8601"}) from None
        if when.tzinfo is None:
            raise ValidationFailed({"published_at": "needs a time zone"})
    elif status == "published":
        raise ValidationFailed({"published_at": "is required for a published post"})
    data["status"] = status
    data["published_at"] = when
    data["category_ref"] = str(raw.get("category") or "").strip()
    return data


#: S0.4: nothing reaches the nation without the Ministry's approval, imported posts included.
NATIONAL_REFUSED = (
    "status: a post at national reach needs a justification and the national approval "
    "chain (S0.4): import it as a draft and submit it"
)


def national(session: Session, unit: Unit) -> bool:
    """Whether an imported post of this unit (its own scope, as imported) reaches the nation."""
    data = {"unit_id": unit.id, "audience": {"scope_level": "commune", "scope_units": [unit.code]}}
    return reach(session, data) == NATIONAL


def _lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, line


def import_jsonl(
    ctx: Context, actor: Actor, lines: Iterable[str], batch_size: int = 500
) -> ImportReport:
    report = ImportReport()
    batch: list[tuple[int, dict[str, Any]]] = []
    for number, line in _lines(lines):
        try:
            batch.append((number, _parse(number, line)))
        except ValidationFailed as exc:
            report.errors.append((number, exc.message))
        if len(batch) >= batch_size:
            _load(ctx, actor, batch, report)
            batch = []
    if batch:
        _load(ctx, actor, batch, report)
    return report


def _load(
    ctx: Context, actor: Actor, batch: list[tuple[int, dict[str, Any]]], report: ImportReport
) -> None:
    with ctx.transaction() as session:
        slugs = [d["slug"] for _, d in batch]
        existing = set(session.scalars(select(Article.slug).where(Article.slug.in_(slugs))))
        codes = {d["unit_code"] for _, d in batch}
        units = {
            u.code: u
            for u in session.scalars(
                select(Unit).where(Unit.scheme == CURRENT_SCHEME, Unit.code.in_(codes))
            )
        }
        categories = {c.slug: c for c in session.scalars(select(Category))}
        by_name = {fold(c.name): c for c in categories.values()}
        created = 0
        for number, data in batch:
            if data["slug"] in existing:
                report.skipped += 1
                continue
            unit = units.get(data["unit_code"])
            if unit is None:
                report.errors.append((number, f"unit_code: no unit {data['unit_code']!r}"))
                continue
            if not actor.can(Permission.WRITE_CONTENT, unit.path):
                report.errors.append((number, "unit_code: you may not write content there"))
                continue
            if data["status"] == Status.PUBLISHED and national(session, unit):
                report.errors.append((number, NATIONAL_REFUSED))
                continue
            category = None
            if data["category_ref"]:
                ref = data["category_ref"]
                category = categories.get(ref) or by_name.get(fold(ref))
                if category is None:
                    category = Category(slug=slugify(ref), name=ref)
                    session.add(category)
                    categories[category.slug] = by_name[fold(ref)] = category
                    session.flush()
            article = Article(
                uid=str(uuid.uuid4()),
                slug=data["slug"],
                title=data["title"],
                summary=data["summary"],
                body_html=data["body_html"],
                cover_url=data["cover_url"],
                cover_caption=data["cover_caption"],
                source=data["source"],
                unit_id=unit.id,
                category_id=category.id if category else None,
                status=data["status"],
                published_at=data["published_at"],
                audience=Audience(genders=[], scope_units=[unit.code]),
                search_text=fold(
                    f"{data['title']} {data['summary']} {plain_text(data['body_html'])}"
                ),
            )
            if data["published_at"]:
                article.created_at = article.updated_at = data["published_at"]
            session.add(article)
            session.flush()
            snap = snapshot(article)
            article.content_hash = content_hash(snap)
            session.add(
                Revision(
                    article_id=article.id,
                    number=1,
                    content_hash=article.content_hash,
                    data=snap,
                    author=actor.name,
                )
            )
            existing.add(article.slug)
            created += 1
        report.created += created
        if created:
            audit.record(
                session, actor=actor.name, action="article.import", data={"created": created}
            )
