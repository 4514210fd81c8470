"""The delivery board's live stream (server-sent events): what a signed-in reader of the item
hears when its deliveries change, what anyone else gets, and when it ends. The app is driven as
a browser would hold the connection open (an ASGI call we can read from and hang up on)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from admin.pages import board_live
from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import Context
from core.delivery import dispatcher, live
from core.delivery.models import Delivery
from tests.core.auth.conftest import Clock, MakeAccount, sign_in
from tests.support.pipeline import new_article


class Stream:
    """One open ``GET``: its status, and its events as they come."""

    def __init__(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self.gone = anyio.Event()  # the browser hangs up
        self.ended = anyio.Event()  # the server closed the response
        self.returned = anyio.Event()  # the app's call is over (nothing of it left running)
        self._tx, self._rx = anyio.create_memory_object_stream[bytes](1000)
        self._buffer = ""
        self._asked = False

    async def receive(self) -> dict[str, Any]:
        if not self._asked:
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            if message.get("body"):
                await self._tx.send(message["body"])
            if not message.get("more_body"):
                self.ended.set()
                await self._tx.aclose()

    async def next_event(self, timeout: float = 10.0) -> tuple[str, str] | None:
        """The next (event, data), skipping keep-alive comments; None once the stream closed."""
        with anyio.fail_after(timeout):
            while True:
                if "\r\n\r\n" in self._buffer:
                    block, self._buffer = self._buffer.split("\r\n\r\n", 1)
                    name, data = "message", []
                    for line in block.split("\r\n"):
                        if line.startswith("event: "):
                            name = line[7:]
                        elif line.startswith("data: "):
                            data.append(line[6:])
                    if data:
                        return name, "\n".join(data)
                    continue
                try:
                    self._buffer += (await self._rx.receive()).decode()
                except anyio.EndOfStream:
                    return None

    async def until(self, name: str, containing: str = "") -> str:
        while (event := await self.next_event()) is not None:
            if event[0] == name and containing in event[1]:
                return event[1]
        raise AssertionError(f"the stream closed before a {name!r} event with {containing!r}")


@asynccontextmanager
async def opened(web: TestClient, path: str) -> AsyncIterator[Stream]:
    cookies = "; ".join(f"{k}={v}" for k, v in web.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"cookie", cookies.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    stream = Stream()

    async def call() -> None:
        try:
            await web.app(scope, stream.receive, stream.send)
        finally:
            stream.returned.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(call)
        try:
            yield stream
        finally:
            stream.gone.set()  # hang up, as a browser leaving the page


def approved_item(ctx: Context) -> tuple[str, int]:
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        [d] = session.scalars(
            select(Delivery).where(Delivery.article_id == article.id).order_by(Delivery.id)
        )
    return article.uid, d.id


def listeners(ctx: Context, article_uid: str) -> int:
    with ctx.sessions() as session:
        from core.content.models import Article

        article_id = session.scalar(select(Article.id).where(Article.uid == article_uid))
    [(_, count)] = ctx.redis.pubsub_numsub(live.topic(article_id))
    return int(count)


@pytest.fixture
def editor_web(web: TestClient, make_account: MakeAccount, clock: Clock) -> TestClient:
    sign_in(web, make_account("bien-tap"), clock)
    return web


def test_the_board_hears_each_state_change_and_the_stream_ends_when_done(
    ctx: Context, editor_web: TestClient, portal_target: Any, sandbox: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(board_live, "RECHECK", 60.0)  # only the pub/sub message can tell it
    uid, delivery_id = approved_item(ctx)

    async def main() -> None:
        async with opened(editor_web, f"/admin/items/{uid}/stream") as stream:
            first = await stream.until("deliveries")
            assert stream.status == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            assert 'class="delivery d-pending"' in first
            assert 'data-stream="/admin/items/' in first  # still under way
            started = time.monotonic()
            await anyio.to_thread.run_sync(lambda: asyncio.run(dispatcher.run(ctx, delivery_id, 1)))
            done = await stream.until("deliveries", "d-delivered")
            assert time.monotonic() - started < 10
            assert "data-stream" not in done  # nothing left under way
            assert await stream.next_event() == ("end", "finished")  # (id: end)
            assert await stream.next_event() is None  # the server closed it
            with anyio.fail_after(5):
                await stream.ended.wait()
                await stream.returned.wait()

    anyio.run(main)
    assert listeners(ctx, uid) == 0  # the subscription went with the stream
    # The browser reconnecting after "end" is told 204, which stops its EventSource (the SSE
    # specification); a first connection still gets the table (its page may be older).
    url = f"/admin/items/{uid}/stream"
    assert editor_web.get(url, headers={"last-event-id": "end"}).status_code == 204
    late = editor_web.get(url)
    assert late.status_code == 200 and "d-delivered" in late.text and "event: end" in late.text


def test_without_pub_sub_the_stream_still_follows_by_periodic_checks(
    ctx: Context, editor_web: TestClient, portal_target: Any, sandbox: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(board_live, "RECHECK", 0.3)

    def no_pubsub(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("no pub/sub here")

    monkeypatch.setattr(ctx.redis, "pubsub", no_pubsub)
    uid, delivery_id = approved_item(ctx)

    async def main() -> None:
        async with opened(editor_web, f"/admin/items/{uid}/stream") as stream:
            assert "d-pending" in await stream.until("deliveries")
            await anyio.to_thread.run_sync(lambda: asyncio.run(dispatcher.run(ctx, delivery_id, 1)))
            assert "d-delivered" in await stream.until("deliveries", "d-delivered")

    anyio.run(main)


def test_a_browser_that_leaves_ends_its_stream_and_subscription(
    ctx: Context, editor_web: TestClient, portal_target: Any, sandbox: Any
) -> None:
    uid, _ = approved_item(ctx)

    async def main() -> None:
        async with opened(editor_web, f"/admin/items/{uid}/stream") as stream:
            await stream.until("deliveries")
            assert listeners(ctx, uid) == 1
            stream.gone.set()
            with anyio.fail_after(5):
                await stream.returned.wait()

    anyio.run(main)
    assert listeners(ctx, uid) == 0


def test_the_stream_closes_after_its_lifetime_for_the_browser_to_reconnect(
    ctx: Context, editor_web: TestClient, portal_target: Any, sandbox: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(board_live, "MAX_LIFETIME", 0.5)
    uid, _ = approved_item(ctx)

    async def main() -> None:
        async with opened(editor_web, f"/admin/items/{uid}/stream") as stream:
            await stream.until("deliveries")
            assert await stream.next_event() is None  # closed, without "end": reconnect

    anyio.run(main)
    assert listeners(ctx, uid) == 0


def test_another_units_reader_and_a_stranger_get_no_stream(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    uid, _ = approved_item(ctx)
    assert web.get(f"/admin/items/{uid}/stream").status_code == 303  # not signed in
    sign_in(web, make_account("ha-noi", unit="00004"), clock)
    refused = web.get(f"/admin/items/{uid}/stream")
    assert refused.status_code == 403
    assert not refused.headers["content-type"].startswith("text/event-stream")
    assert listeners(ctx, uid) == 0
