"""``loa import FILE.jsonl``: bring an existing portal's posts into Loa.

Every line is validated on its own; good lines load in batches, bad lines are
reported with their number and reason, and a second run changes nothing
(articles are matched by slug). Imported posts keep their original
publication date and are not fanned out again: they are already live.

Every line is independent, whatever is wrong with it: each is decoded on its own (one line
of invalid UTF-8 used to end the run after a partial commit, and the rerun stopped at the
same place), and each is stored under its own savepoint, so a line the database refuses
rolls back only itself, never the good lines of its batch.

Slugs: a slug repeated inside one file gets a suffix (``-2``, ``-3``…, reported), as
editors create them; a title without a letter or digit gets a slug from a digest of the
post, not the shared fallback. Both depend only on the file, so a rerun finds every post
under the slug it was given and changes nothing.

A post that would be live at national reach is refused: only the national approval chain
may publish to the nation (S0.4), so such a post comes in as a draft.

Covers: a line's ``cover_image_url`` is fetched (:mod:`core.media.fetch`: the channels' safe
outbound client, the image size limit, ``LOA_HTTP_TIMEOUT``) and goes through the library's
upload action, checked and cleaned like any upload, with ``cover_alt`` (else the caption) as
its alt text; the post's cover is then that library image. A cover that cannot be fetched or
is refused makes the line bad (reported by number, not imported), like any other fault.
Only posts not yet imported are fetched, so a rerun fetches and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor, Permission
from core.content.models import Article, Audience, Category, Revision, Status
from core.content.snapshots import content_hash, snapshot
from core.content.validation import (
    CATEGORY_NAME_LIMIT,
    CATEGORY_SLUG_LIMIT,
    clean_article,
    plain_text,
)
from core.context import Context
from core.errors import ValidationFailed
from core.media.models import MediaRole, MediaUse
from core.text import fold, has_word, slugify, storable
from core.units.lookups import units_by_code
from core.units.models import Unit
from core.workflow.reach import NATIONAL, reach
from core.workflow.states import IMPORTABLE

log = logging.getLogger("loa.import")


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    #: Lines whose slug repeated an earlier line's: (line, slug asked for, slug given).
    renamed: list[tuple[int, str, str]] = field(default_factory=list)


def _decode(line: str | bytes) -> str:
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed({"line": f"not UTF-8 (byte {exc.start + 1})"}) from None


def _slug(raw: dict[str, Any]) -> str:
    """The slug asked for, or one from the title; a digest of the post when neither has words."""
    asked = str(raw.get("slug") or raw.get("title") or "")
    if has_word(asked):
        return slugify(asked)
    identity = json.dumps(
        [raw.get(k) for k in ("title", "unit_code", "published_at", "summary")],
        ensure_ascii=False,
        default=str,
    )
    return "bai-viet-" + hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()[:10]


def _parse(number: int, line: str) -> dict[str, Any]:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValidationFailed({"line": f"not JSON ({exc.msg})"}) from None
    except RecursionError:
        raise ValidationFailed({"line": "JSON nested too deeply"}) from None
    if not isinstance(raw, dict):
        raise ValidationFailed({"line": "must be a JSON object"})
    status = raw.get("status", "published")
    if status not in IMPORTABLE:
        raise ValidationFailed({"status": f"must be one of {sorted(s.value for s in IMPORTABLE)}"})
    category = str(raw.get("category") or "").strip()
    if len(category) > CATEGORY_NAME_LIMIT:
        raise ValidationFailed({"category": f"at most {CATEGORY_NAME_LIMIT} characters"})
    if not storable(category):
        raise ValidationFailed({"category": "contains a character that cannot be stored"})
    data = clean_article(
        {
            "title": raw.get("title"),
            "slug": _slug(raw),
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
    data["category_ref"] = category
    data["cover_alt"] = str(raw.get("cover_alt") or "").strip()
    data["cover_asset_id"] = None
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


def _lines(lines: Iterable[str | bytes]) -> Iterator[tuple[int, str | bytes]]:
    for number, line in enumerate(lines, start=1):
        if number == 1 and isinstance(line, bytes):
            line = line.removeprefix(b"\xef\xbb\xbf")  # a byte order mark, as editors save
        if line.strip():
            yield number, line


def import_jsonl(
    ctx: Context, actor: Actor, lines: Iterable[str | bytes], batch_size: int = 500
) -> ImportReport:
    """Import JSON Lines (text or bytes: bytes are decoded line by line, errors reported)."""
    report = ImportReport()
    batch: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}  # slug → how many lines of this file asked for it
    for number, line in _lines(lines):
        try:
            data = _parse(number, _decode(line))
        except ValidationFailed as exc:
            report.errors.append((number, exc.message))
            continue
        _dedupe_slug(number, data, seen, report)
        batch.append((number, data))
        if len(batch) >= batch_size:
            _load(ctx, actor, batch, report)
            batch = []
    if batch:
        _load(ctx, actor, batch, report)
    report.errors.sort()
    return report


def _dedupe_slug(
    number: int, data: dict[str, Any], seen: dict[str, int], report: ImportReport
) -> None:
    """The second post asking for a slug gets ``slug-2``: by file order, so reruns agree."""
    asked = data["slug"]
    count = seen.get(asked, 0)
    seen[asked] = count + 1
    if count == 0:
        return
    while True:
        count += 1
        candidate = f"{asked}-{count}"
        if candidate not in seen:
            break
    seen[candidate] = 1
    data["slug"] = candidate
    report.renamed.append((number, asked, candidate))


def _fetch_covers(
    ctx: Context, actor: Actor, batch: list[tuple[int, dict[str, Any]]], report: ImportReport
) -> list[tuple[int, dict[str, Any]]]:
    """Bring the covers of posts not yet imported into their unit's library; drop failed lines."""
    with ctx.sessions() as session:
        wanted = [d["slug"] for _, d in batch if d["cover_url"]]
        existing = set(session.scalars(select(Article.slug).where(Article.slug.in_(wanted))))
        codes = {d["unit_code"] for _, d in batch if d["cover_url"]}
        writable = {
            code
            for code, u in units_by_code(session, codes).items()
            if actor.can(Permission.WRITE_CONTENT, u.path)
        }
    kept = []
    for number, data in batch:
        # A line refused for its unit is reported by _load; only lines to store are fetched.
        if data["cover_url"] and data["slug"] not in existing and data["unit_code"] in writable:
            try:
                data["cover_asset_id"] = import_cover(ctx, actor, data)
            except ValidationFailed as exc:
                report.errors.append((number, _cover_reason(exc)))
                continue
            data["cover_url"] = ""  # the library's copy is the cover now
        kept.append((number, data))
    return kept


def _cover_reason(exc: ValidationFailed) -> str:
    """``cover_image_url: why`` (the upload's ``file`` is the cover; alt and caption keep names)."""
    named = {"file": "cover_image_url"}
    return "; ".join(f"{named.get(k, k)}: {v}" for k, v in exc.fields.items())


def import_cover(ctx: Context, actor: Actor, data: dict[str, Any]) -> int:
    """Fetch a post's cover into its unit's library; the new asset's id (ValidationFailed)."""
    import core.media.inspect as inspect
    from core.actions.media import size_limit, upload
    from core.media.fetch import FetchFailed, fetch_to_file
    from core.media.models import MediaKind

    url = data["cover_url"]
    with tempfile.TemporaryDirectory(prefix="loa-import-") as work:
        path = Path(work) / "cover"
        try:
            fetch_to_file(ctx.settings, url, path, size_limit(ctx.settings, MediaKind.IMAGE))
        except FetchFailed as exc:
            raise ValidationFailed({"cover_image_url": f"not fetched: {exc}"}) from None
        try:
            kind = inspect.sniff(path)
        except inspect.MediaRefused as exc:
            raise ValidationFailed({"cover_image_url": exc.message}) from None
        if kind != MediaKind.IMAGE:
            raise ValidationFailed({"cover_image_url": f"not an image (a {kind})"})
        name = urlsplit(url).path.rsplit("/", 1)[-1] or "cover"
        asset = upload(
            ctx,
            actor,
            data["unit_code"],
            path,
            name,
            alt=data["cover_alt"] or data["cover_caption"],
            caption=data["cover_caption"],
        )
    return asset.id


def _load(
    ctx: Context, actor: Actor, batch: list[tuple[int, dict[str, Any]]], report: ImportReport
) -> None:
    batch = _fetch_covers(ctx, actor, batch, report)
    with ctx.transaction() as session:
        slugs = [d["slug"] for _, d in batch]
        existing = set(session.scalars(select(Article.slug).where(Article.slug.in_(slugs))))
        codes = {d["unit_code"] for _, d in batch}
        units = units_by_code(session, codes)
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
            try:
                with session.begin_nested():
                    _store(session, actor, unit, data, categories, by_name)
            except SQLAlchemyError as exc:
                # Validation should have caught it; the savepoint keeps the batch's good lines.
                log.warning("import line %d refused by the database: %s", number, type(exc))
                report.errors.append((number, f"refused by the database ({type(exc).__name__})"))
                categories.clear()
                categories.update({c.slug: c for c in session.scalars(select(Category))})
                by_name.clear()
                by_name.update({fold(c.name): c for c in categories.values()})
                continue
            existing.add(data["slug"])
            created += 1
        report.created += created
        if created:
            audit.record(
                session, actor=actor.name, action="article.import", data={"created": created}
            )


def _category(
    session: Session, ref: str, categories: dict[str, Category], by_name: dict[str, Category]
) -> Category:
    """The category named (by slug or name) ``ref``, created on first use with a free slug."""
    found = categories.get(ref) or by_name.get(fold(ref))
    if found is not None:
        return found
    base = slugify(ref, max_length=CATEGORY_SLUG_LIMIT - 4)
    slug, n = base, 1
    while slug in categories:
        n += 1
        slug = f"{base}-{n}"
    category = Category(slug=slug, name=ref)
    session.add(category)
    session.flush()
    categories[slug] = by_name[fold(ref)] = category
    return category


def _store(
    session: Session,
    actor: Actor,
    unit: Unit,
    data: dict[str, Any],
    categories: dict[str, Category],
    by_name: dict[str, Category],
) -> None:
    """One post, its first revision: everything a line writes, under the caller's savepoint."""
    category = (
        _category(session, data["category_ref"], categories, by_name)
        if data["category_ref"]
        else None
    )
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
        search_text=fold(f"{data['title']} {data['summary']} {plain_text(data['body_html'])}"),
    )
    if data["published_at"]:
        article.created_at = article.updated_at = data["published_at"]
    session.add(article)
    session.flush()
    if data["cover_asset_id"] is not None:
        session.add(
            MediaUse(asset_id=data["cover_asset_id"], article_id=article.id, role=MediaRole.COVER)
        )
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
    session.flush()  # inside the savepoint: a refusal surfaces here, for this line
