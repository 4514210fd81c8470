"""The plugin as core meets it: hooks, the declaration, and the demo path end to end."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

import plugins.facebook as facebook
from core import AGENCY_LEADER_GATE, Settings, Target
from core.outbound import LOOPBACK
from plugins.facebook.channel import FacebookChannel
from tests.support.hooks import plugin_manager


def test_hooks_declare_the_channel_behind_the_agency_leader():
    pm = plugin_manager(facebook)
    settings = Settings(base_url="https://loa.example.vn")
    (channels,) = pm.hook.loa_channels()
    assert [c.name for c in channels] == ["facebook"]
    (declarations,) = pm.hook.loa_channel_declarations()
    assert [(d.name, d.approval_gates) for d in declarations] == [
        ("facebook", (AGENCY_LEADER_GATE,))
    ]
    (sandboxes,) = pm.hook.loa_sandboxes(settings=settings)
    assert [path for path, _ in sandboxes] == ["/sandbox/facebook"]
    (targets,) = pm.hook.loa_demo_targets(settings=settings, unit_code="14932")
    [spec] = targets
    assert spec["plugin"] == "facebook"
    assert spec["settings"]["graph_url"] == "https://loa.example.vn/sandbox/facebook"
    FacebookChannel().validate_settings(spec["settings"], spec["secrets"])


def test_validate_settings_says_what_is_missing_without_quoting_secrets():
    channel = FacebookChannel()
    good = {"page_id": "123", "app_id": "456"}
    for settings, secrets, words in [
        ({}, {"app_secret": "s3cr3t"}, "page_id is required"),
        ({**good, "graph_url": "ftp://x"}, {"app_secret": "s3cr3t"}, "graph_url"),
        ({**good, "graph_version": "26"}, {"app_secret": "s3cr3t"}, "graph_version"),
        (good, {}, "app_secret"),
        ({**good, "region_keys": {"01": 5}}, {"app_secret": "s3cr3t"}, "region_keys"),
    ]:
        try:
            channel.validate_settings(settings, secrets)
        except ValueError as exc:
            assert words in str(exc) and "s3cr3t" not in str(exc)
        else:
            raise AssertionError(f"accepted {settings}")


def test_demo_target_publishes_to_the_mounted_sandbox(serve, make_item):
    (mount_path, sandbox_app), *_ = facebook.loa_sandboxes(settings=Settings())
    server = serve(Starlette(routes=[Mount(mount_path, app=sandbox_app)]))
    (spec,) = facebook.loa_demo_targets(settings=Settings(base_url=server.url), unit_code="14932")
    target = Target(
        1, spec["name"], spec["settings"], spec["secrets"], timeout=5, allow_networks=LOOPBACK
    )
    channel = FacebookChannel()
    remote = asyncio.run(channel.publish(channel.render(make_item(), target), target, key="demo"))
    found = asyncio.run(channel.reconcile(target, key="demo"))
    assert found is not None and found.remote_id == remote.remote_id
    page = httpx.get(f"{server.url}{mount_path}/").text
    assert "Thông báo lịch tiêm chủng tháng 7" in page and "<script" not in page
