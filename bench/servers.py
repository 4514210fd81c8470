"""ASGI factories the benchmarks serve with ``uvicorn --factory`` in subprocesses.

Configuration comes through the environment, as for ``loa serve``: ``LOA_*`` for
Loa itself, ``BENCH_SANDBOX_*`` for the portal sandbox.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

#: The floor's fixed answer: about the size of a small GraphQL response.
FLOOR_BODY = {
    "data": {"articles": {"edges": [{"node": {"title": "Thông báo", "slug": "thong-bao-1"}}]}}
}


async def _floor(request: Request) -> Response:
    return JSONResponse(FLOOR_BODY)


async def _healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def floor_app() -> Starlette:
    """The fastest answer this machine can give over HTTP: no parsing, no database."""
    return Starlette(
        routes=[
            Route("/graphql", _floor, methods=["GET", "POST"]),
            Route("/healthz", _healthz),
        ]
    )


def loa_app() -> Starlette:
    """What ``loa serve`` runs: ``create_app(load_settings())``.

    ``BENCH_POOL_SIZE`` (a benchmark-only knob) gives the engine a pool that large
    instead of ``make_engine``'s default (5 + 10 overflow), through the ``ctx``
    argument ``create_app`` offers; unset, the app is exactly ``loa serve``'s.
    """
    from core.app import create_app
    from core.context import build_context
    from core.db import make_engine
    from core.settings import load_settings

    settings = load_settings()
    pool = os.environ.get("BENCH_POOL_SIZE")
    if not pool:
        return create_app(settings)
    engine = make_engine(settings.database_url, pool_size=int(pool), max_overflow=0)
    return create_app(settings, ctx=build_context(settings, engine=engine))


def sandbox_app() -> Starlette:
    """The portal webhook sandbox, answering after ``BENCH_SANDBOX_LATENCY`` seconds."""
    from plugins.portal.sandbox import create_sandbox

    return create_sandbox(
        os.environ["BENCH_SANDBOX_SECRET"],
        latency=float(os.environ.get("BENCH_SANDBOX_LATENCY", "0")),
    )
