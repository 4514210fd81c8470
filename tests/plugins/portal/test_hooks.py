"""The plugin as core meets it: through pluggy hooks, and the demo path end to end."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount

import plugins.portal as portal
from core import PluginContext, Settings, Target
from core.outbound import LOOPBACK
from plugins.portal.channel import PortalChannel
from tests.support.hooks import plugin_manager


def test_hooks_register_and_return_the_plugin_parts():
    pm = plugin_manager(portal)
    settings = Settings(base_url="https://loa.example.vn")
    (channels,) = pm.hook.loa_channels()
    assert [c.name for c in channels] == ["portal"]
    context = PluginContext(settings, content=None, emit=lambda *a: None)  # type: ignore[arg-type]
    (routes,) = pm.hook.loa_routes(settings=settings, context=context)
    assert all(isinstance(r, BaseRoute) for r in routes)
    formats = ("rss.xml", "atom.xml", "feed.json")
    assert {r.path for r in routes} == {
        *(f"/feeds/{{unit_code}}/{f}" for f in formats),
        *(
            f"/feeds/{{unit_code}}/{by}/{{key}}/{f}"
            for by in ("categories", "kinds")
            for f in formats
        ),
        "/sitemap.xml",
    }
    (sandboxes,) = pm.hook.loa_sandboxes(settings=settings)
    assert [path for path, _ in sandboxes] == ["/sandbox/portal"]
    (targets,) = pm.hook.loa_demo_targets(settings=settings, unit_code="10105")
    assert targets == [
        {
            "name": "Cổng thông tin 10105 (sandbox)",
            "plugin": "portal",
            "settings": {
                "webhook_url": "https://loa.example.vn/sandbox/portal/sites/10105/webhook"
            },
            "secrets": {"webhook_secret": portal.DEMO_SECRET},
        }
    ]
    PortalChannel().validate_settings(targets[0]["settings"], targets[0]["secrets"])


def test_demo_target_publishes_to_the_mounted_sandbox(serve, make_item):
    """What ``loa demo`` does: mount the sandbox in the app, point a target at it, publish."""
    (mount_path, sandbox_app), *_ = portal.loa_sandboxes(settings=Settings())
    server = serve(Starlette(routes=[Mount(mount_path, app=sandbox_app)]))
    settings = Settings(base_url=server.url)
    (spec,) = portal.loa_demo_targets(settings=settings, unit_code="10105")
    target = Target(
        1, spec["name"], spec["settings"], spec["secrets"], timeout=5, allow_networks=LOOPBACK
    )
    channel = PortalChannel()
    remote = asyncio.run(channel.publish(channel.render(make_item(), target), target, key="demo"))
    assert remote.remote_id == "10105-1"
    assert remote.url == f"{server.url}/sandbox/portal/sites/10105/articles/1"
    assert httpx.get(remote.url).json()["title"] == "Thông báo lịch tiêm chủng tháng 7"
    assert asyncio.run(channel.reconcile(target, key="demo")) == remote
    page = httpx.get(f"{server.url}/sandbox/portal/").text
    assert "Thông báo lịch tiêm chủng tháng 7" in page
    log = httpx.get(f"{server.url}/sandbox/portal/__fake/requests").json()["requests"]
    assert log[0]["path"] == "/sites/10105/webhook"
