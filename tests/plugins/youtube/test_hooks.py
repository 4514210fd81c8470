"""The plugin as core meets it: hooks, and the demo path (sandbox mounted, demo target)."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

import plugins.youtube as youtube
from core import (
    AGENCY_LEADER_GATE,
    BansAuthors,
    Connectable,
    Costed,
    HoldsComments,
    Interactions,
    Replies,
    Settings,
    Target,
)
from core.outbound import LOOPBACK
from plugins.youtube.channel import YouTubeChannel
from plugins.youtube.limits import CHUNK_QUANTUM
from tests.support.hooks import plugin_manager


def test_hooks_register_the_channel_its_gate_and_sandbox():
    pm = plugin_manager(youtube)
    (channels,) = pm.hook.loa_channels()
    [channel] = channels
    assert channel.name == "youtube"
    for part in (Connectable, Costed, Interactions, Replies, BansAuthors, HoldsComments):
        assert isinstance(channel, part)
    (declarations,) = pm.hook.loa_channel_declarations()
    assert [(d.name, d.approval_gates) for d in declarations] == [
        ("youtube", (AGENCY_LEADER_GATE,))
    ]
    (sandboxes,) = pm.hook.loa_sandboxes(settings=Settings())
    assert [p for p, _ in sandboxes] == ["/sandbox/youtube"]


def test_demo_target_uploads_to_the_mounted_sandbox(serve, make_item):
    (mount_path, app), *_ = youtube.loa_sandboxes(settings=Settings())
    server = serve(Starlette(routes=[Mount(mount_path, app=app)]))
    (spec,) = youtube.loa_demo_targets(settings=Settings(base_url=server.url), unit_code="10105")
    channel = YouTubeChannel()
    channel.validate_settings(spec["settings"], spec["secrets"])
    settings = {**spec["settings"], "chunk_bytes": CHUNK_QUANTUM}
    target = Target(1, spec["name"], settings, spec["secrets"], timeout=5, allow_networks=LOOPBACK)
    item = make_item()
    remote = asyncio.run(channel.publish(channel.render(item, target), target, key="demo"))
    state = httpx.get(f"{server.url}/sandbox/youtube/__fake/state").json()
    assert state["videos"][remote.remote_id]["snippet"]["channelId"] == "UCloa-demo-10105"
    assert asyncio.run(YouTubeChannel().reconcile(target, key="demo")) == remote
    assert item.title in httpx.get(f"{server.url}/sandbox/youtube/").text
