"""The pull side: RSS, Atom and JSON Feed per unit (and per category or kind), and a sitemap.

Many portal vendors have no write API (see CONTRACT.md); they can still pull.
Handlers are thin: ask core for published, in-window items, hand them to
:mod:`plugins.portal.feed_formats`. Core's query is synchronous (database), so
it runs in the thread pool rather than blocking the event loop.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from core import Item
from plugins.portal import feed_formats as fmt

FEED_LIMIT = 50
#: The sitemap protocol allows 50,000 URLs per file; we list the newest ones.
SITEMAP_LIMIT = 10_000
_UNIT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_CACHE = "public, max-age=300"

Builder = Callable[[fmt.FeedInfo, Sequence[Item]], bytes]

_FORMATS: dict[str, tuple[Builder, str]] = {
    "rss.xml": (fmt.rss, "application/rss+xml; charset=utf-8"),
    "atom.xml": (fmt.atom, "application/atom+xml; charset=utf-8"),
    "feed.json": (fmt.json_feed, "application/feed+json; charset=utf-8"),
}


def _respond(request: Request, body: bytes, media_type: str) -> Response:
    """With a strong ETag, so importers polling every few minutes mostly get a 304."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"etag": etag, "cache-control": _CACHE}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _unit_name(ctx: Any, unit_code: str, items: Sequence[Item]) -> str:
    """The unit's official name from core; items carry it too, the code is the last resort."""
    if hasattr(ctx, "unit_name"):
        try:
            return str(ctx.unit_name(unit_code))
        except LookupError:
            pass
    for item in items:
        if item.unit_code == unit_code and item.unit_name:
            return item.unit_name
    return unit_code


def _unit_feed(kind: str) -> Callable[[Request], Awaitable[Response]]:
    """The handler of one format; one route per format, so other ``/feeds/…`` paths stay free."""
    build, media_type = _FORMATS[kind]

    async def handler(request: Request) -> Response:
        unit_code: str = request.path_params["unit_code"]
        if not _UNIT_CODE.match(unit_code):
            return PlainTextResponse("Not Found", status_code=404)
        ctx: Any = request.app.state.loa
        try:
            items = await run_in_threadpool(ctx.published_items, unit_code, True, FEED_LIMIT)
        except LookupError:
            return PlainTextResponse("Không có đơn vị này (unknown unit)", status_code=404)
        base = ctx.settings.base_url.rstrip("/")
        info = fmt.FeedInfo(
            base_url=base,
            unit_code=unit_code,
            unit_name=await run_in_threadpool(_unit_name, ctx, unit_code, items),
            self_url=f"{base}/feeds/{unit_code}/{kind}",
        )
        return _respond(request, build(info, items), media_type)

    return handler


#: How a kind is named in a feed's title; a kind not listed is shown as its key.
KIND_LABELS = {
    "article": "Tin tức",
    "notice": "Thông báo",
    "banner": "Băng-rôn, biểu ngữ",
    "section": "Chuyên đề",
    "document": "Văn bản",
}
_KEY = re.compile(r"^[a-z0-9-]{1,120}$")


def _narrow_feed(kind: str, by: str) -> Callable[[Request], Awaitable[Response]]:
    """One format of a unit's feed narrowed to a category (``by="categories"``) or a kind."""
    build, media_type = _FORMATS[kind]

    async def handler(request: Request) -> Response:
        unit_code: str = request.path_params["unit_code"]
        key: str = request.path_params["key"]
        if not _UNIT_CODE.match(unit_code) or not _KEY.match(key):
            return PlainTextResponse("Not Found", status_code=404)
        ctx: Any = request.app.state.loa
        narrow = {"category": key} if by == "categories" else {"kinds": (key,)}
        try:
            items = await run_in_threadpool(
                lambda: ctx.published_items(unit_code, True, FEED_LIMIT, **narrow)
            )
            label = (
                await run_in_threadpool(ctx.category_name, key)
                if by == "categories"
                else KIND_LABELS.get(key, key)
            )
        except LookupError:
            return PlainTextResponse(
                "Không có đơn vị, chuyên mục hoặc loại tin này (unknown unit, category or kind)",
                status_code=404,
            )
        base = ctx.settings.base_url.rstrip("/")
        unit_name = await run_in_threadpool(_unit_name, ctx, unit_code, items)
        info = fmt.FeedInfo(
            base_url=base,
            unit_code=unit_code,
            unit_name=f"{unit_name} — {label}",
            self_url=f"{base}/feeds/{unit_code}/{by}/{key}/{kind}",
        )
        return _respond(request, build(info, items), media_type)

    return handler


async def sitemap(request: Request) -> Response:
    ctx: Any = request.app.state.loa
    items = await run_in_threadpool(ctx.published_items, None, True, SITEMAP_LIMIT)
    body = fmt.sitemap(ctx.settings.base_url.rstrip("/"), items)
    return _respond(request, body, "application/xml; charset=utf-8")


def feed_routes() -> list[BaseRoute]:
    return [
        *(
            Route(f"/feeds/{{unit_code}}/{kind}", _unit_feed(kind), methods=["GET", "HEAD"])
            for kind in _FORMATS
        ),
        # Narrower feeds: /feeds/VN/categories/thong-bao/rss.xml, /feeds/14932/kinds/notice/…
        *(
            Route(
                f"/feeds/{{unit_code}}/{by}/{{key}}/{kind}",
                _narrow_feed(kind, by),
                methods=["GET", "HEAD"],
            )
            for by in ("categories", "kinds")
            for kind in _FORMATS
        ),
        Route("/sitemap.xml", sitemap, methods=["GET", "HEAD"]),
    ]
