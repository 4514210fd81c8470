"""The plugin as core meets it: hooks, and ``loa demo``'s two VNeID targets end to end (one
per mode) against the sandbox mounted the way the demo mounts it."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

import plugins.vneid as vneid
from core import Settings
from core.actions import targets
from core.auth.permissions import SYSTEM
from core.delivery import dispatcher
from core.delivery.assisted import actions as assisted
from plugins.vneid.channel import VneidChannel
from tests.plugins.vneid.conftest import run_open
from tests.support.hooks import plugin_manager
from tests.support.pipeline import COMMUNE


def test_hooks_declare_the_channel_its_gate_and_topics() -> None:
    pm = plugin_manager(vneid)
    [[channel]] = pm.hook.loa_channels()
    [[declared]] = pm.hook.loa_channel_declarations()
    assert channel.name == declared.name == "vneid" and declared.capabilities.requires_cover
    assert [g.role for g in declared.approval_gates] == ["police"]
    assert declared.accepted_topics == vneid.ACCEPTED_TOPICS
    [[(path, _)]] = pm.hook.loa_sandboxes(settings=Settings())
    assert path == "/sandbox/vneid"
    [specs_] = pm.hook.loa_demo_targets(settings=Settings(), unit_code=COMMUNE)
    assert [s["settings"]["mode"] for s in specs_] == ["assisted", "partner"]
    for spec in specs_:
        VneidChannel().validate_settings(spec["settings"], spec["secrets"])


def test_the_demo_targets_of_both_modes_carry_an_item(ctx, tree, serve, publish_item) -> None:
    [(mount, app)] = vneid.loa_sandboxes(settings=Settings())
    server = serve(Starlette(routes=[Mount(mount, app=app)]))
    for spec in vneid.loa_demo_targets(settings=Settings(base_url=server.url), unit_code=COMMUNE):
        targets.create_target(ctx, SYSTEM, {**spec, "unit_code": COMMUNE})
    article = publish_item()
    assert sorted(run_open(ctx)) == sorted(
        [dispatcher.Outcome.ASSISTED, dispatcher.Outcome.DELIVERED]
    )
    [task] = assisted.tasks_for(ctx, SYSTEM)
    assert task.target_name.endswith("(thủ công: công an đăng)")
    state = httpx.get(f"{server.url}{mount}/__fake/state").json()["announcements"]
    [held] = state.values()  # the demo sandbox reviews at once: it is live
    assert held["status"] == "published" and held["title"] == article.title
    assert article.title in httpx.get(f"{server.url}{mount}/").text
