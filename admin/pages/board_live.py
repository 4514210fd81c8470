"""The delivery board's live table: server-sent events while deliveries are under way.

``GET /admin/items/{uid}/stream`` answers ``text/event-stream`` (sse-starlette: the event
format, keep-alive comments, and the end of the generator when the client goes away). It
is refused like the board itself (same action, same audit). Each ``deliveries`` event
carries the table as the board renders it; ``end`` says nothing will change any more, and the
stream closes; the browser's reconnection (``Last-Event-ID: end``) then gets 204 No Content,
which per the SSE specification stops it (no aborted request, no script needed to close it).

The stream holds no database session between events: it waits on the item's pub/sub topic
(:mod:`core.delivery.live`, read every :data:`TICK` seconds without blocking) and reads the
rows again when told, or every :data:`RECHECK` seconds untold; the session behind the
request is checked again at each read, so signing out ends it. After :data:`MAX_LIFETIME`
it closes and the browser reconnects (``retry``), checked afresh.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import anyio
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from admin.page import Page, signed_in
from admin.pages.board import fragment, under_way
from admin.pages.refusals import call
from core.actions import desk
from core.auth.permissions import Actor
from core.delivery import live
from core.errors import LoaError

#: Seconds between two looks at the subscription (it never blocks the event loop).
TICK = 0.25
#: Seconds after which the rows are read again without being told (a lost message).
RECHECK = 5.0
#: Seconds a stream lives before the browser must reconnect (and be checked again).
MAX_LIFETIME = 300.0
#: Seconds between keep-alive comments (proxies drop idle connections).
PING = 15
#: Milliseconds the browser waits before reconnecting after the stream closes.
RETRY_MS = 3000
#: The id of the "end" event, which the browser sends back as Last-Event-ID on reconnecting.
END = "end"


async def _events(
    page: Page, actor: Actor, uid: str, article_id: int, rows: list[desk.DeliveryRow]
) -> AsyncIterator[ServerSentEvent]:
    watch = await run_in_threadpool(live.Watch, page.ctx, article_id)
    try:
        started = checked = time.monotonic()
        shown = ""
        while True:
            table = await fragment(page, actor, uid, rows)
            if table != shown:
                shown = table
                yield ServerSentEvent(data=table, event="deliveries", retry=RETRY_MS)
            if not under_way(rows):
                yield ServerSentEvent(data="finished", event="end", id=END)
                return
            while True:  # until told, or time to look anyway
                if time.monotonic() - started > MAX_LIFETIME:
                    return
                if watch.told() or time.monotonic() - checked >= RECHECK:
                    break
                await anyio.sleep(TICK)
            checked = time.monotonic()
            await page.load()
            still = await page.actor()
            if still is None:  # signed out meanwhile
                return
            try:
                rows = (await run_in_threadpool(desk.board_rows, page.ctx, still, uid))[1]
            except LoaError:  # no longer theirs to read
                return
            actor = still
    finally:
        watch.close()


async def stream(request: Request) -> Response:
    page, actor = await signed_in(request)
    uid = request.path_params["uid"]
    found = await call(page, desk.board_rows, page.ctx, actor, uid)
    article_id, rows = found
    if not under_way(rows) and request.headers.get("last-event-id") == END:
        # The browser reconnecting after "end": 204 stops it (the SSE specification). A first
        # connection still gets the table: its page may have been rendered before the end.
        return Response(status_code=204, headers={"cache-control": "no-store"})
    return EventSourceResponse(
        _events(page, actor, uid, article_id, rows),
        ping=PING,
        headers={"cache-control": "no-store"},
    )
