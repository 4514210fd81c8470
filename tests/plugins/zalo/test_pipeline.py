"""The Zalo channel in core's delivery pipeline, against the sandbox: what an office relies on.

Approve → the article is on the OA (with its cover); an edit updates it; the window closing
hides it; Zalo's errors become the right delivery outcomes; a lost answer becomes one article;
a broadcast beyond the OA's allowance waits with its reason.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.actions import media, targets
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.delivery import dispatcher
from core.delivery import queue as delivery_queue
from core.delivery.models import Delivery, DeliveryState
from core.media.models import MediaRole
from core.targets.models import ChannelTarget
from tests.core.delivery.conftest import worker  # noqa: F401
from tests.plugins.zalo.conftest import APP_ID, APP_SECRET, OA_SECRET
from tests.support.media import png
from tests.support.pipeline import COMMUNE, new_article, wait_for

CREATE = "/v2.0/article/create"


@pytest.fixture
def oa(ctx, tree, sandbox, fake) -> Any:
    def make(**settings: Any) -> Any:
        pair = fake("pair", {"oa_id": "oa-1"})
        return targets.create_target(
            ctx,
            SYSTEM,
            {
                "name": "Zalo OA xã Cẩm Thủy",
                "plugin": "zalo",
                "unit_code": COMMUNE,
                "settings": {
                    "app_id": APP_ID,
                    "oa_id": "oa-1",
                    "api_base": sandbox.url,
                    "oauth_base": sandbox.url,
                    "verify_delay": 0.0,
                    **settings,
                },
                "secrets": {
                    "app_secret": APP_SECRET,
                    "oa_secret_key": OA_SECRET,
                    "access_token": pair["access_token"],
                },
            },
        )

    return make


def _article(ctx, tmp_path: Path, **audience: Any) -> Any:
    article = new_article(ctx, **audience)
    asset = media.upload(
        ctx,
        SYSTEM,
        COMMUNE,
        png(tmp_path / "tram-y-te.png", 640, 360),
        "tram-y-te.png",
        alt="Trạm y tế xã",
        caption="Trạm y tế xã Cẩm Thủy",
    )
    media.attach(ctx, SYSTEM, article.id, asset.id, MediaRole.COVER)
    return article


def _deliveries(ctx) -> list[Delivery]:
    with ctx.sessions() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def _delivered(ctx, n: int = 1):
    def check() -> list[Delivery] | None:
        done = [d for d in _deliveries(ctx) if d.state == DeliveryState.DELIVERED]
        return done if len(done) >= n else None

    return check


def test_the_whole_life_of_an_article(ctx, oa, fake, worker, tmp_path) -> None:  # noqa: F811
    oa()
    ends = utcnow() + dt.timedelta(seconds=5)
    article = _article(ctx, tmp_path, visible_until=ends.isoformat())
    actions.approve(ctx, SYSTEM, article.id)
    [d] = wait_for(_delivered(ctx), what="publish")
    [stored] = fake("state")["articles"]
    assert d.remote_id == stored["id"]
    assert stored["status"] == "show" and stored["title"] == "Thông báo lịch tiêm chủng mở rộng"
    assert stored["body"]["cover"]["photo_url"].startswith("http")  # the library's cover
    actions.update(ctx, SYSTEM, article.id, {"title": "Lịch tiêm chủng (cập nhật)"})
    actions.approve(ctx, SYSTEM, article.id)
    wait_for(_delivered(ctx, 2), what="update")
    assert fake("state")["articles"][0]["title"] == "Lịch tiêm chủng (cập nhật)"
    wait_for(_delivered(ctx, 3), timeout=30, what="take-down at the window's end")
    [hidden] = fake("state")["articles"]
    assert hidden["status"] == "hide" and hidden["title"] == "Lịch tiêm chủng (cập nhật)"


def test_an_invalid_token_stops_and_asks_for_consent(ctx, oa, fake, tmp_path) -> None:
    target = oa()
    fake("faults", {"path": "/v2.0/article/getslice", "error": -216})
    article = _article(ctx, tmp_path)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = _deliveries(ctx)
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.ATTENTION
    [d] = _deliveries(ctx)
    assert d.state == DeliveryState.NEEDS_ATTENTION and d.error_kind == "auth"
    with ctx.sessions() as session:
        assert session.get(ChannelTarget, target.id).health == "needs_reauthorisation"
    assert delivery_queue.rq_queue(ctx).job_ids == [delivery_queue.delivery_job_id(d.id, 1)]


def test_zalos_rate_limit_delays_the_retry(ctx, oa, fake, tmp_path) -> None:
    oa()
    fake("faults", {"path": "/v2.0/article/getslice", "error": -32})
    article = _article(ctx, tmp_path)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = _deliveries(ctx)
    before = utcnow()
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.RETRY
    [d] = _deliveries(ctx)
    assert d.state == DeliveryState.RETRYING and d.error_kind == "rate_limited"
    assert d.due_at - before >= dt.timedelta(seconds=59)


def test_a_lost_answer_becomes_one_article(ctx, oa, fake, worker, tmp_path) -> None:  # noqa: F811
    oa()
    fake("faults", {"path": CREATE, "delay": 2.0})  # stored, answered after the 1 s timeout
    article = _article(ctx, tmp_path)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = wait_for(_delivered(ctx), timeout=30, what="reconciled delivery")
    assert len(fake("state")["articles"]) == 1
    assert d.remote_id == fake("state")["articles"][0]["id"]
    creates = [r for r in fake("requests")["requests"] if r["path"] == CREATE]
    assert len(creates) == 1


def test_a_broadcast_beyond_the_allowance_waits_with_its_reason(ctx, oa, fake, tmp_path) -> None:
    oa(broadcast=True, monthly_broadcasts=0)
    article = _article(ctx, tmp_path, scope_level="national")
    actions.update(ctx, SYSTEM, article.id, {"justification": "Thông báo chung toàn quốc"})
    actions.approve(ctx, SYSTEM, article.id)
    [d] = _deliveries(ctx)
    asyncio.run(dispatcher.run(ctx, d.id, 1))
    [d] = _deliveries(ctx)
    assert d.state == DeliveryState.WAITING
    assert "broadcasts" in d.error_message
    assert fake("state")["articles"] == []  # nothing was sent


def test_zalos_processing_shows_as_a_state_until_reconciled(ctx, oa, fake, tmp_path) -> None:
    oa(verify_attempts=1)
    fake("config", {"processing_verifies": 2})  # Zalo still processes after the first verify
    article = _article(ctx, tmp_path)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = _deliveries(ctx)
    asyncio.run(dispatcher.run(ctx, d.id, 1))
    [d] = _deliveries(ctx)
    assert d.state == DeliveryState.UNKNOWN and "still processing" in d.error_message
    asyncio.run(dispatcher.run(ctx, d.id, 2))  # reconcile: -214 again, nothing re-sent
    [d] = _deliveries(ctx)
    assert d.state == DeliveryState.UNKNOWN and "reconcile" in d.error_message
    asyncio.run(dispatcher.run(ctx, d.id, 3))  # processed: the article's id
    [d] = _deliveries(ctx)
    assert d.state == DeliveryState.DELIVERED and d.remote_id == fake("state")["articles"][0]["id"]
    assert len(fake("state")["articles"]) == 1
