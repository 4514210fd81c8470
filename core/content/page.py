"""``/articles/<slug>``: the URL Loa gives out when a unit has no portal of its own.

With a portal URL template on the unit (or an ancestor), the page is the portal's and
this answers a 302 there: old links, feeds read before the template was set and
shared posts still land right. Without one, Loa serves a minimal page itself:
Vietnamese, semantic and accessible, under the site's CSP (no script at all), so
the URL in the API, the feeds and the sitemap always resolves. Anything not public
(draft, expired, retracted, unknown) is a 404 page.
"""

from __future__ import annotations

import html
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.content.models import Agency, Article
from core.content.queries import get_published, portal_templates
from core.content.urls import canonical_url
from core.context import Context
from core.units.models import Unit

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_SLUG = 160
CACHE = "public, max-age=60"


def _document(title: str, main: str, canonical: str = "", description: str = "") -> str:
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
    ]
    if description:
        head.append(f'<meta name="description" content="{html.escape(description)}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{html.escape(canonical)}">')
    return (
        '<!doctype html>\n<html lang="vi">\n<head>\n'
        + "\n".join(head)
        + f"\n</head>\n<body>\n<main>\n{main}\n</main>\n</body>\n</html>\n"
    )


def render(article: Article, unit: Unit, agency: Agency | None, url: str) -> str:
    """The article's page: heading, dates, lead, body, and who answers for it."""
    parts = [f"<article>\n<h1>{html.escape(article.title)}</h1>"]
    meta = [html.escape(unit.name)]
    if article.published_at is not None:
        local = article.published_at.astimezone(LOCAL_TZ)
        stamp = local.strftime("%H:%M %d/%m/%Y")
        meta.append(f'<time datetime="{local.isoformat()}">{stamp}</time>')
    parts.append(f"<p>{' · '.join(meta)}</p>")
    if article.summary:
        parts.append(f"<p><strong>{html.escape(article.summary)}</strong></p>")
    parts.append(article.body_html)  # sanitised with nh3 when it was saved
    credits = [
        f"{label}: {html.escape(value)}"
        for label, value in (
            ("Tác giả", article.author_name),
            ("Nguồn", article.source),
            ("Cơ quan", agency.name if agency else ""),
        )
        if value
    ]
    if credits:
        parts.append("<footer><p>" + "<br>\n".join(credits) + "</p></footer>")
    parts.append("</article>")
    return _document(article.title, "\n".join(parts), canonical=url, description=article.summary)


NOT_FOUND = _document(
    "Không tìm thấy tin bài",
    "<h1>Không tìm thấy tin bài</h1>\n"
    "<p>Tin bài này không tồn tại, đã hết hạn hoặc đã được gỡ.</p>\n"
    '<p lang="en">This article does not exist, has expired or was withdrawn.</p>',
)


def _lookup(ctx: Context, slug: str) -> tuple[str, str] | None:
    """``("redirect", url)`` or ``("page", html)`` for a public article; None otherwise."""
    with ctx.sessions() as session:
        article = get_published(session, slug)
        if article is None:
            return None
        template = portal_templates(session, [article.unit_id]).get(article.unit_id, "")
        url = canonical_url(ctx.settings.base_url, article.slug, template)
        if template:
            return "redirect", url
        unit = session.get(Unit, article.unit_id)
        assert unit is not None
        agency = session.get(Agency, article.agency_id) if article.agency_id else None
        return "page", render(article, unit, agency, url)


async def article_page(request: Request) -> Response:
    slug: str = request.path_params["slug"]
    ctx: Any = request.app.state.loa
    found = await run_in_threadpool(_lookup, ctx, slug) if len(slug) <= MAX_SLUG else None
    if found is None:
        return HTMLResponse(NOT_FOUND, status_code=404, headers={"cache-control": CACHE})
    kind, value = found
    if kind == "redirect":
        return RedirectResponse(value, status_code=302, headers={"cache-control": CACHE})
    return HTMLResponse(value, headers={"cache-control": CACHE})


def article_routes() -> list[BaseRoute]:
    return [Route("/articles/{slug}", article_page, methods=["GET", "HEAD"])]
