"""``/hooks/{plugin}/{target_id}``: a platform's webhook, routed to its plugin.

GET answers a subscription check (``hub.challenge``) as the plugin says; POST hands the
plugin the raw body (bounded by the edge's body limit) to verify and translate, then
processes each event once. Answers are terse: 404 for no such hook, 403 for a refused
signature, 200 with counts otherwise. Neither the body nor the query is ever logged.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from core.connections.targets import call_target
from core.context import Context
from core.contract.webhooks import InboundRequest, WebhookRefused, Webhooks
from core.delivery import queue
from core.edge.body import BodyTooLarge
from core.secrets import SecretError
from core.targets.models import ChannelTarget
from core.webhooks.intake import take

log = logging.getLogger("loa.webhooks")
_NOT_FOUND = PlainTextResponse("Not Found", status_code=404)


def _load(ctx: Context, plugin: str, target_id: int) -> ChannelTarget | None:
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target_id)
    return row if row is not None and row.enabled and row.plugin == plugin else None


async def hook(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    plugin = request.path_params["plugin"]
    row = await run_in_threadpool(_load, ctx, plugin, int(request.path_params["target_id"]))
    channel = ctx.channels.get(plugin)
    if row is None or not isinstance(channel, Webhooks):
        return _NOT_FOUND
    try:
        body = await request.body() if request.method == "POST" else b""
    except BodyTooLarge:
        return PlainTextResponse("Payload Too Large", status_code=413)
    inbound = InboundRequest(
        method=request.method,
        headers={k.lower(): v for k, v in request.headers.items()},
        query=dict(request.query_params),
        body=body,
    )
    try:
        target = call_target(ctx, row)
        if request.method == "GET":
            return PlainTextResponse(channel.verify_subscription(target, inbound))
        events = channel.receive(target, inbound)
    except WebhookRefused:
        log.info("a webhook for target %s was refused (signature or token)", row.id)
        return PlainTextResponse("Forbidden", status_code=403)
    except SecretError:
        return PlainTextResponse("Service Unavailable", status_code=503)
    except (ValueError, KeyError, TypeError) as exc:
        log.info("a webhook for target %s was malformed (%s)", row.id, type(exc).__name__)
        return PlainTextResponse("Bad Request", status_code=400)
    done = await run_in_threadpool(take, ctx, row, events)
    if done.comments:
        queue.enqueue_interactions(ctx, [row.id])  # hides what moderation blocked
    return JSONResponse({"received": done.received, "duplicates": done.duplicates})


def webhook_routes() -> list[Route]:
    return [Route("/hooks/{plugin}/{target_id:int}", hook, methods=["GET", "POST"])]
