"""The composition root: settings in, a Starlette app out.

This is the one core module that may know about plugins' routes and
sandboxes; everything else reaches plugins only through hooks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import BaseRoute, Mount, Route

from core.content import published
from core.context import Context, build_context
from core.edge.body import BodyLimit
from core.edge.cors import PublicCors
from core.edge.hosts import TrustedHosts
from core.edge.nostore import NoStore
from core.migrate import SchemaNotMigrated, check_at_head
from core.security_headers import SecurityHeaders
from core.settings import Settings


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    ctx: Context = request.app.state.loa
    checks: dict[str, str] = {}

    def check_db() -> None:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def check_schema() -> None:  # a reachable but never-migrated database fails every query
        with ctx.engine.connect() as conn:
            check_at_head(conn)

    for name, probe in (
        ("database", check_db),
        ("schema", check_schema),
        ("redis", ctx.redis.ping),
    ):
        try:
            await run_in_threadpool(probe)
            checks[name] = "ok"
        except SchemaNotMigrated as exc:
            checks[name] = f"not migrated ({exc})"
        except Exception as exc:
            checks[name] = f"unavailable ({type(exc).__name__})"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", **checks}, 200 if ok else 503)


def create_app(
    settings: Settings,
    *,
    ctx: Context | None = None,
    embedded_worker: bool | None = None,
    sandboxes: bool = False,
) -> Starlette:
    """Build the web app. With no Redis configured, an in-process worker serves the queue."""
    from admin.app import admin_app
    from core.connections.routes import connect_routes
    from core.content.page import article_routes
    from core.delivery import live
    from core.govcontent.data_feeds import data_feed_routes
    from core.govcontent.feeds import gov_feed_routes
    from core.graphql import ide, management_app, public_app
    from core.interactions.routes import feedback_routes
    from core.notices import mail as notices
    from core.reports.routes import report_routes
    from core.web.feedback_pages import feedback_page_routes
    from core.web.media import edge_limits, media_routes
    from core.webhooks.routes import webhook_routes
    from core.wiring import wire

    wire()  # before the embedded worker or any sweep runs
    context = ctx or build_context(settings)
    notices.install(context)  # mail for what waits for a person (LOA_SMTP_HOST)
    live.install(context)  # the delivery board hears of new outbox rows
    run_worker = settings.embedded_redis if embedded_worker is None else embedded_worker

    routes: list[BaseRoute] = [
        # Routes, not mounts: clients POST to /graphql exactly, with no redirect to /graphql/.
        # First: the busiest path is matched before any other is tried.
        Route("/graphql", public_app(context), methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/api/graphql", management_app(context), methods=["GET", "POST"]),
        *ide.routes(context),  # GET /static/graphiql/{version}/… (GraphiQL's own files)
        # Relative, so the redirect never names a host (Starlette's slash redirect echoes Host).
        Route("/admin", lambda request: RedirectResponse("/admin/", 307)),
        Mount("/admin", app=admin_app(context)),
        *report_routes(),  # GET /api/reports/{kind}.csv
        *feedback_routes(),  # POST /api/feedback (citizens, through portals)
        *feedback_page_routes(),  # /gop-y/{unit} (the form), /gop-y/tra-cuu (status by code)
        *media_routes(),  # POST /api/media[/uploads…] (uploads), GET /media/{key} (files)
        *connect_routes(),  # /channels/connect/… (OAuth consent for a target's credentials)
        *webhook_routes(),  # /hooks/{plugin}/{target id} (platforms' webhooks)
        *gov_feed_routes(),  # GET /feeds/{unit}/schedule.ics, /feeds/{unit}/legal-documents.rss
        *data_feed_routes(),  # GET /feeds/{unit}/banners.json, directory.vcf|json, profile.json
        *article_routes(),  # GET /articles/{slug}: 302 to the unit's portal, or a minimal page
    ]
    plugin_context = published.plugin_context(context)
    for batch in context.pm.hook.loa_routes(settings=settings, context=plugin_context):
        routes.extend(batch)
    if sandboxes:
        for batch in context.pm.hook.loa_sandboxes(settings=settings):
            routes.extend(Mount(path, app=app) for path, app in batch)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        worker = None
        if run_worker:
            from core.delivery.worker import EmbeddedWorker

            worker = EmbeddedWorker(context, threads=settings.worker_concurrency)
            worker.start()
        try:
            yield {}
        finally:
            if worker is not None:
                await run_in_threadpool(worker.stop)
            if ctx is None:
                context.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.loa = context
    app.add_middleware(SecurityHeaders, hsts=settings.is_prod)
    # Public reads only (never /api/ nor /admin): preflights answered before routing.
    app.add_middleware(PublicCors, origins=settings.cors_origins)
    # The edge, outermost last: Host checked first, then private answers, then every body bounded.
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, limits=edge_limits(settings))
    app.add_middleware(NoStore)
    app.add_middleware(TrustedHosts, allowed_hosts=list(settings.allowed_hosts))
    return app
