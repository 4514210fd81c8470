"""The test plugin's public routes (hook ``loa_routes``): the worked example of a plugin
that reads published content and emits events through its typed ``PluginContext``.

``GET /_testchannel/{unit_code}`` lists the titles of what is published there;
``POST /_testchannel/ping`` emits ``testchannel.pinged``, which the plugin's own
``loa_event`` observer records in :data:`EVENTS`.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from core import PluginContext

EVENTS: list[tuple[str, dict[str, Any]]] = []


def routes(context: PluginContext) -> list[BaseRoute]:
    async def published(request: Request) -> JSONResponse:
        code = request.path_params["unit_code"]
        try:
            items = await run_in_threadpool(context.content.published_items, code)
        except LookupError:
            return JSONResponse({"error": "unknown unit"}, status_code=404)
        return JSONResponse({"titles": [i.title for i in items]})

    async def ping(request: Request) -> JSONResponse:
        context.emit("testchannel.pinged", {"by": "test"})
        return JSONResponse({"ok": True})

    return [
        Route("/_testchannel/ping", ping, methods=["POST"]),
        Route("/_testchannel/{unit_code}", published),
    ]
