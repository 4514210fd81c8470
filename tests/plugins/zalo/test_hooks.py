"""The plugin as core meets it: through pluggy hooks, and the demo path end to end."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

import plugins.zalo as zalo
from core import AGENCY_LEADER_GATE, Settings, Target
from core.outbound import LOOPBACK
from plugins.zalo import channel as zalo_channel
from plugins.zalo.channel import ZaloChannel
from tests.support.hooks import plugin_manager


def test_hooks_register_the_channel_its_gate_sandbox_and_demo_targets():
    pm = plugin_manager(zalo)
    settings = Settings(base_url="https://loa.example.vn")
    (channels,) = pm.hook.loa_channels()
    assert [c.name for c in channels] == ["zalo"]
    (declarations,) = pm.hook.loa_channel_declarations()
    assert declarations[0].approval_gates == (AGENCY_LEADER_GATE,)
    (sandboxes,) = pm.hook.loa_sandboxes(settings=settings)
    assert [path for path, _ in sandboxes] == ["/sandbox/zalo"]
    (targets,) = pm.hook.loa_demo_targets(settings=settings, unit_code="14932")
    [demo] = targets
    assert demo["plugin"] == "zalo"
    assert demo["settings"]["api_base"] == "https://loa.example.vn/sandbox/zalo"
    ZaloChannel().validate_settings(demo["settings"], demo["secrets"])


def test_a_demo_target_publishes_to_the_mounted_sandbox(serve, make_item, monkeypatch):
    monkeypatch.setattr(zalo_channel, "in_quiet_hours", lambda now: False)
    pm = plugin_manager(zalo)
    (sandboxes,) = pm.hook.loa_sandboxes(settings=Settings())
    app = Starlette(routes=[Mount(path, app=sub) for path, sub in sandboxes])
    server = serve(app)
    noon = {"at": "2026-07-01T05:00:00+00:00"}
    httpx.post(f"{server.url}/sandbox/zalo/__fake/clock", json=noon)
    settings = Settings(base_url=server.url)
    (targets,) = pm.hook.loa_demo_targets(settings=settings, unit_code="14932")
    demo = targets[0]
    target = Target(
        1, demo["name"], demo["settings"], demo["secrets"], allow_networks=LOOPBACK, timeout=5.0
    )
    channel = ZaloChannel()
    rendered = channel.render(make_item(), target)
    remote = asyncio.run(channel.publish(rendered, target, key="demo-1"))
    page = httpx.get(f"{server.url}/sandbox/zalo/")
    assert page.status_code == 200 and "Thông báo lịch tiêm chủng" in page.text
    assert remote.remote_id in page.text
    assert "reviewing" in page.text  # the demo OA broadcasts: Zalo's review shows as a state
