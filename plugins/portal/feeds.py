"""The pull side: RSS, Atom and JSON Feed per unit (and per category or kind), and a sitemap.

Many portal vendors have no write API (see CONTRACT.md); they can still pull.
Handlers are thin: ask core (the plugin's typed ``PluginContext``: its read view of
published content and its settings) for published, in-window items, hand them to
:mod:`plugins.portal.feed_formats`. Core's query is synchronous (database), so
it runs in the thread pool rather than blocking the event loop.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from core import Item, PluginContext, PublishedContent, conditional
from plugins.portal import feed_formats as fmt

FEED_LIMIT = 50
#: The sitemap protocol allows 50,000 URLs per file; we list the newest ones.
SITEMAP_LIMIT = 10_000
_UNIT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")

Builder = Callable[[fmt.FeedInfo, Sequence[Item]], bytes]

_FORMATS: dict[str, tuple[Builder, str]] = {
    "rss.xml": (fmt.rss, "application/rss+xml; charset=utf-8"),
    "atom.xml": (fmt.atom, "application/atom+xml; charset=utf-8"),
    "feed.json": (fmt.json_feed, "application/feed+json; charset=utf-8"),
}


def _unit_name(content: PublishedContent, unit_code: str, items: Sequence[Item]) -> str:
    """The unit's official name from core; items carry it too, the code is the last resort."""
    try:
        return content.unit_name(unit_code)
    except LookupError:
        pass
    for item in items:
        if item.unit_code == unit_code and item.unit_name:
            return item.unit_name
    return unit_code


def _unit_feed(context: PluginContext, kind: str) -> Callable[[Request], Awaitable[Response]]:
    """The handler of one format; one route per format, so other ``/feeds/…`` paths stay free."""
    build, media_type = _FORMATS[kind]

    async def handler(request: Request) -> Response:
        unit_code: str = request.path_params["unit_code"]
        if not _UNIT_CODE.match(unit_code):
            return PlainTextResponse("Not Found", status_code=404)
        content = context.content
        try:
            items = await run_in_threadpool(content.published_items, unit_code, True, FEED_LIMIT)
        except LookupError:
            return PlainTextResponse("Không có đơn vị này (unknown unit)", status_code=404)
        base = context.settings.base_url.rstrip("/")
        info = fmt.FeedInfo(
            base_url=base,
            unit_code=unit_code,
            unit_name=await run_in_threadpool(_unit_name, content, unit_code, items),
            self_url=f"{base}/feeds/{unit_code}/{kind}",
        )
        return conditional(request, build(info, items), media_type)

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


def _narrow_feed(
    context: PluginContext, kind: str, by: str
) -> Callable[[Request], Awaitable[Response]]:
    """One format of a unit's feed narrowed to a category (``by="categories"``) or a kind."""
    build, media_type = _FORMATS[kind]

    async def handler(request: Request) -> Response:
        unit_code: str = request.path_params["unit_code"]
        key: str = request.path_params["key"]
        if not _UNIT_CODE.match(unit_code) or not _KEY.match(key):
            return PlainTextResponse("Not Found", status_code=404)
        content = context.content
        narrow = {"category": key} if by == "categories" else {"kinds": (key,)}
        try:
            items = await run_in_threadpool(
                lambda: content.published_items(unit_code, True, FEED_LIMIT, **narrow)
            )
            label = (
                await run_in_threadpool(content.category_name, key)
                if by == "categories"
                else KIND_LABELS.get(key, key)
            )
        except LookupError:
            return PlainTextResponse(
                "Không có đơn vị, chuyên mục hoặc loại tin này (unknown unit, category or kind)",
                status_code=404,
            )
        base = context.settings.base_url.rstrip("/")
        unit_name = await run_in_threadpool(_unit_name, content, unit_code, items)
        info = fmt.FeedInfo(
            base_url=base,
            unit_code=unit_code,
            unit_name=f"{unit_name} — {label}",
            self_url=f"{base}/feeds/{unit_code}/{by}/{key}/{kind}",
        )
        return conditional(request, build(info, items), media_type)

    return handler


def _sitemap(context: PluginContext) -> Callable[[Request], Awaitable[Response]]:
    async def sitemap(request: Request) -> Response:
        content = context.content
        items = await run_in_threadpool(content.published_items, None, True, SITEMAP_LIMIT)
        body = fmt.sitemap(context.settings.base_url.rstrip("/"), items)
        return conditional(request, body, "application/xml; charset=utf-8")

    return sitemap


def feed_routes(context: PluginContext) -> list[BaseRoute]:
    return [
        *(
            Route(
                f"/feeds/{{unit_code}}/{kind}", _unit_feed(context, kind), methods=["GET", "HEAD"]
            )
            for kind in _FORMATS
        ),
        # Narrower feeds: /feeds/VN/categories/thong-bao/rss.xml, /feeds/14932/kinds/notice/…
        *(
            Route(
                f"/feeds/{{unit_code}}/{by}/{{key}}/{kind}",
                _narrow_feed(context, kind, by),
                methods=["GET", "HEAD"],
            )
            for by in ("categories", "kinds")
            for kind in _FORMATS
        ),
        Route("/sitemap.xml", _sitemap(context), methods=["GET", "HEAD"]),
    ]
