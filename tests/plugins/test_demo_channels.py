"""``loa demo`` end to end: the demo app (its channel sandboxes mounted in it) is served on a
loopback port, the demo is seeded, and the embedded worker delivers the seeded articles to each
channel's demo targets: every delivery ``delivered``, each post shown on its sandbox's page, no
error logged and no credential in the log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import func, select

from core.app import create_app
from core.content.models import Article
from core.delivery import worker as workers
from core.delivery.models import FINAL_STATES, Delivery, DeliveryState
from core.demo import demo_settings, seed
from core.targets.models import ChannelTarget
from plugins.zalo import channel as zalo_channel
from plugins.zalo.client import in_quiet_hours, seconds_until_morning

#: The channels whose demo targets the demo must feed (each plugin's ``loa_demo_targets``).
CHANNELS = ("portal", "vneid", "facebook", "zalo", "youtube")
#: Where a delivery rests: finished, or handed to an operator (VNeID's assisted mode).
SETTLED = {*FINAL_STATES, DeliveryState.ASSISTED}
#: A plausible credential's shape: long enough that ids and names never match by chance.
SECRET_MIN = 8


class Late:
    """An ASGI app served before it is built: the demo's targets need the server's URL."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":  # the embedded worker is run by the test instead
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await self.app(scope, receive, send)


def _settled(ctx: Any, timeout: float) -> list[Delivery]:
    deadline = time.monotonic() + timeout
    while True:
        with ctx.sessions() as session:
            rows = list(session.scalars(select(Delivery).order_by(Delivery.id)))
        if rows and all(d.state in SETTLED for d in rows):
            return rows
        if time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def test_the_demo_delivers_to_every_channels_sandbox(ctx, tree, serve, caplog, monkeypatch) -> None:
    # Zalo holds broadcasts 22:00–06:00 Vietnam time (tests/plugins/zalo/test_broadcast.py): the
    # demo's path is checked as it runs in the day, whatever the hour of the test run — the
    # channel's check is told it is day, and the Zalo sandbox's clock is moved to the morning.
    monkeypatch.setattr(zalo_channel, "in_quiet_hours", lambda now: False)
    late = Late()
    server = serve(late)
    settings = demo_settings(dataclasses.replace(ctx.settings, base_url=server.url))
    demo = dataclasses.replace(ctx, settings=settings)
    late.app = create_app(settings, ctx=demo, embedded_worker=False, sandboxes=True)
    now = dt.datetime.now(dt.UTC)
    if in_quiet_hours(now):
        clock = f"{server.url}/sandbox/zalo/__fake/clock"
        advance = {"advance": seconds_until_morning(now) + 3600}
        httpx.post(clock, json=advance, timeout=10).raise_for_status()
    worker = workers.EmbeddedWorker(demo, threads=2, poll=0.1)
    with caplog.at_level(logging.INFO):
        assert seed(demo, photo_size=(320, 180)) == {"articles": 30, "notes": 0}
        worker.start()
        try:
            rows = _settled(demo, timeout=90)  # ~15 s here; room for a loaded machine
        finally:
            worker.stop()

    with demo.sessions() as session:
        found = {
            t.id: (t.plugin, t.name)
            for t in session.scalars(select(ChannelTarget).order_by(ChannelTarget.id))
        }
        secrets = [
            v
            for t in session.scalars(select(ChannelTarget).order_by(ChannelTarget.id))
            for v in _secrets(demo, t)
        ]
        titles = dict(session.execute(select(Article.id, Article.title).order_by(Article.id)).all())
        articles = session.scalar(select(func.count()).select_from(Article)) or 0
    assert sorted({plugin for plugin, _ in found.values()}) == sorted(CHANNELS)
    # one target a commune; VNeID has two, one in each mode (assisted, partner API)
    assert len(found) == (len(CHANNELS) + 1) * 3 and articles == 30
    stuck = [(found[d.target_id], d.state, d.error_message) for d in rows]
    assisted = {t for t, (plugin, name) in found.items() if plugin == "vneid" and "API" not in name}
    expected = {
        t: DeliveryState.ASSISTED if t in assisted else DeliveryState.DELIVERED for t in found
    }
    assert all(d.state == expected[d.target_id] for d in rows), [
        s for s, d in zip(stuck, rows, strict=True) if d.state != expected[d.target_id]
    ]
    per_target = Counter(d.target_id for d in rows)
    assert set(per_target) == set(found)  # every demo target got its deliveries
    per_plugin = Counter(found[d.target_id][0] for d in rows)
    assert per_plugin == {"portal": 30, "vneid": 60, "facebook": 30, "zalo": 30, "youtube": 3}

    # each post is on its sandbox's page (the human view of what the platform holds)
    for plugin in CHANNELS:
        page = httpx.get(f"{server.url}/sandbox/{plugin}/", timeout=10)
        assert page.status_code == 200
        for d in rows:
            if found[d.target_id][0] == plugin and d.target_id not in assisted:
                assert titles[d.article_id] in page.text, (plugin, titles[d.article_id])

    # nothing went wrong, and no credential of any demo target was ever logged
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert secrets and not [s for s in secrets if s in caplog.text]


def _secrets(ctx: Any, target: ChannelTarget) -> list[str]:
    opened = ctx.sealer.open(target.secrets_sealed) if target.secrets_sealed else {}
    return [str(v) for v in opened.values() if len(str(v)) >= SECRET_MIN]
