"""Plugins get a typed PluginContext: published content, settings, safe HTTP, events.

Exercised through the test plugin (installed outside the package): its routes read
published content and emit an event with nothing but the context core hands it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import httpx
import pytest
from loa_testchannel.routes import EVENTS
from starlette.testclient import TestClient

from core import DestinationRefused, PluginContext
from core.actions import content as actions
from core.app import create_app
from core.auth.permissions import SYSTEM
from core.content.published import plugin_context


@pytest.fixture
def client(ctx, tree) -> Any:
    with TestClient(create_app(ctx.settings, ctx=ctx, embedded_worker=False)) as client:
        yield client


def test_a_plugin_route_reads_published_content_through_its_context(ctx, client) -> None:
    data = {"title": "Lịch tiêm chủng tháng 7", "unit_code": "14932", "summary": ""}
    draft = actions.create(ctx, SYSTEM, {**data, "title": "Bản nháp chưa duyệt"})
    live = actions.approve(ctx, SYSTEM, actions.create(ctx, SYSTEM, data).id)
    answer = client.get("/_testchannel/38")  # the province: its communes' items included
    assert answer.status_code == 200
    assert answer.json() == {"titles": [live.title]}
    assert draft.title not in answer.text
    assert client.get("/_testchannel/99999").status_code == 404


def test_a_plugin_emits_events_other_plugins_observe(client) -> None:
    EVENTS.clear()
    assert client.post("/_testchannel/ping").json() == {"ok": True}
    assert ("testchannel.pinged", {"by": "test"}) in EVENTS


def test_the_context_http_client_refuses_private_addresses(ctx) -> None:
    context: PluginContext = plugin_context(ctx)
    assert context.settings is ctx.settings

    async def fetch(allowed: PluginContext) -> int:
        async with allowed.http(timeout=1.0) as http:
            return (await http.get("http://127.0.0.1:9/")).status_code

    closed = PluginContext(
        dataclasses.replace(ctx.settings, outbound_allow_networks=()),
        content=ctx,
        emit=ctx.emit,
    )
    with pytest.raises(DestinationRefused, match="loopback"):
        asyncio.run(fetch(closed))
    with pytest.raises(httpx.ConnectError):  # allowed (LOOPBACK in tests): it tries, port 9 shut
        asyncio.run(fetch(context))
