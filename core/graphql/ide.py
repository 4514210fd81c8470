"""GraphiQL, served whole by Loa: strawberry's page loads it from a CDN with inline script.

Strawberry's template pulls React and GraphiQL from a public CDN and starts them with
an inline ``<script>``: it never loads on an office network without internet, and its
policy would need inline script and that CDN's host. This page loads the pinned
copies in ``static/vendor`` (``SOURCES.md`` names each with its version, licence and
sha256) and Loa's own ``static/graphiql.js``, from Loa's origin at versioned URLs;
its settings travel as inert JSON, with the example tabs of :mod:`core.graphql.examples`.
Its policy is the house one plus ``data:`` fonts and images (GraphiQL's stylesheet
embeds its fonts and icons) and a per-response nonce for the ``<style>`` elements
GraphiQL's dialogs add at run time.

The public endpoint offers GraphiQL in development only. The management endpoint offers
it everywhere, production included, but only to a signed-in admin session (both factors):
in production its files are served to such a session alone, and cached privately.
"""

from __future__ import annotations

import html
import json
import secrets
from functools import cache
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.auth.actions import sessions
from core.auth.sessions import Session
from core.auth.web import session_id
from core.context import Context
from core.graphql.examples import EXAMPLES
from core.security_headers import content_security_policy
from core.settings import Settings
from core.static import Bundle

STATIC = Path(__file__).parent / "static"
PREFIX = "/static/graphiql"

SCRIPTS = ("vendor/react.production.min.js", "vendor/react-dom.production.min.js")
GRAPHIQL = ("vendor/graphiql.min.js", "graphiql.js")
STYLES = ("vendor/graphiql.min.css", "graphiql.css")


#: GraphiQL's files as served in production: to one signed-in browser, never a shared cache.
PRIVATE = "private, max-age=31536000, immutable"


def enabled(settings: Settings) -> bool:
    """GraphiQL for anyone (the public endpoint's): a developer's tool, not in production."""
    return not settings.is_prod


def signed_in_session(request: Request, ctx: Context) -> Session | None:
    """The admin session (both factors done) behind the request's cookie, if any.

    Synchronous (it reads the session store): call it from a worker thread.
    """
    sid = session_id(request, ctx.settings)
    session = sessions(ctx).load(sid) if sid else None
    return session if session is not None and session.complete else None


class SignedInOnly:
    """GraphiQL's files in production: a 404 unless a signed-in admin session asks."""

    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if await run_in_threadpool(signed_in_session, Request(scope), self.ctx) is None:
            await PlainTextResponse("Not Found", 404)(scope, receive, send)
            return

        async def private(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["cache-control"] = PRIVATE
            await send(message)

        await self.app(scope, receive, private)


@cache
def bundle() -> Bundle:
    """GraphiQL's files, digested once per process."""
    return Bundle.of(STATIC, PREFIX)


def routes(ctx: Context) -> list[BaseRoute]:
    """The route of GraphiQL's files: for anyone in development, for admin sessions otherwise."""
    mount = bundle().mount()
    if enabled(ctx.settings):
        return [mount]
    return [Mount(mount.path, app=SignedInOnly(mount.app, ctx))]


def _json_for_html(value: object) -> str:
    """JSON that cannot end the ``<script>`` element holding it."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(endpoint: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    """The GraphiQL page for ``endpoint`` (the path it POSTs queries to); ``headers`` go with
    every query (the management API's: the admin session's CSRF token)."""
    assets = bundle()
    nonce = secrets.token_urlsafe(18)
    config = {
        "url": endpoint,
        "headers": headers or {},
        "defaultQuery": EXAMPLES[0].query,
        "tabs": [example.tab() for example in EXAMPLES],
        "styleNonce": nonce,
    }
    links = "".join(
        f'<link rel="stylesheet" href="{html.escape(assets.url(name))}">\n' for name in STYLES
    )
    scripts = "".join(
        f'<script src="{html.escape(assets.url(name))}"></script>\n'
        for name in (*SCRIPTS, *GRAPHIQL)
    )
    body = (
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>GraphiQL · Loa</title>\n{links}</head>\n<body>\n"
        '<div id="graphiql">Đang tải GraphiQL… / Loading GraphiQL…</div>\n'
        f'<script type="application/json" id="loa-graphiql">{_json_for_html(config)}</script>\n'
        f"{scripts}</body>\n</html>\n"
    )
    policy = content_security_policy(
        style_src=f"'self' 'nonce-{nonce}'", font_src="'self' data:", img_src="'self' data:"
    )
    return HTMLResponse(
        body, headers={"content-security-policy": policy, "cache-control": "no-store"}
    )
