"""The Facebook channel in Loa's delivery pipeline: publish, update, the window's take-down,
a revoked Page token marking the target with no retry storm."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.actions import targets
from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.delivery import dispatcher
from core.delivery.models import Delivery, DeliveryState
from core.delivery.worker import EmbeddedWorker
from core.targets.models import ChannelTarget
from plugins.facebook.sandbox_regions import REGIONS
from tests.plugins.facebook.support import APP_ID, APP_SECRET, PAGE_ID, PAGE_TOKEN
from tests.support.pipeline import COMMUNE, new_article, wait_for


@pytest.fixture
def fb_target(ctx: Any, tree: Any, sandbox: Any) -> Any:
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Facebook UBND xã Cẩm Thủy",
            "plugin": "facebook",
            "unit_code": COMMUNE,
            "settings": {"page_id": PAGE_ID, "app_id": APP_ID, "graph_url": sandbox.url},
            "secrets": {
                "app_secret": APP_SECRET,
                "page_token": PAGE_TOKEN,
                "verify_token": "v-tok",
            },
        },
    )


@pytest.fixture
def worker(ctx: Any) -> Iterator[EmbeddedWorker]:
    w = EmbeddedWorker(ctx, threads=2, poll=0.05)
    w.start()
    yield w
    w.stop()


def deliveries(ctx) -> list[Delivery]:
    with ctx.sessions() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def delivered(ctx, n: int):
    def check():
        done = [d for d in deliveries(ctx) if d.state == DeliveryState.DELIVERED]
        return done if len(done) >= n else None

    return check


def page_posts(sandbox) -> dict[str, Any]:
    return sandbox.dump()["posts"]


def test_publish_update_and_the_window_closing_takes_the_post_down(ctx, fb_target, sandbox, worker):
    ends = utcnow() + dt.timedelta(seconds=4)
    article = new_article(ctx, visible_until=ends.isoformat())
    actions.approve(ctx, SYSTEM, article.id)
    [d] = wait_for(delivered(ctx, 1), what="publish")
    assert d.remote_id.startswith(f"{PAGE_ID}_") and d.remote_id in page_posts(sandbox)
    actions.update(ctx, SYSTEM, article.id, {"title": "Thông báo lịch tiêm chủng (cập nhật)"})
    actions.approve(ctx, SYSTEM, article.id)
    wait_for(delivered(ctx, 2), what="update")
    assert page_posts(sandbox)[d.remote_id]["message"].startswith("Thông báo lịch tiêm chủng (cập")
    wait_for(delivered(ctx, 3), timeout=30, what="take-down at the window's end")
    assert page_posts(sandbox) == {}


def test_a_revoked_page_token_needs_reauthorisation_and_stops(ctx, fb_target, sandbox):
    sandbox.control("tokens/revoke", {"token": PAGE_TOKEN, "subcode": 460})
    first, second = new_article(ctx), new_article(ctx)
    actions.approve(ctx, SYSTEM, first.id)
    actions.approve(ctx, SYSTEM, second.id)
    one, two = deliveries(ctx)
    assert asyncio.run(dispatcher.run(ctx, one.id, 1)) is dispatcher.Outcome.ATTENTION
    calls = len(sandbox.requests())
    assert asyncio.run(dispatcher.run(ctx, two.id, 1)) is dispatcher.Outcome.ATTENTION
    assert len(sandbox.requests()) == calls  # the second never reached Facebook
    for d in deliveries(ctx):
        assert d.state == DeliveryState.NEEDS_ATTENTION and d.error_kind == "auth"
        assert PAGE_TOKEN not in d.error_message
    with ctx.sessions() as session:
        assert session.get(ChannelTarget, fb_target.id).health == "needs_reauthorisation"
        actions_seen = set(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert "target.health" in actions_seen


PROFANE = "Bài viết như c.ứ.t, đ.m thằng l-o-n viết bài"


def test_a_profane_comment_by_webhook_is_hidden_on_facebook(ctx, fb_target, sandbox, worker):
    from starlette.testclient import TestClient

    from core.app import create_app
    from core.interactions.models import Comment, CommentState

    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = wait_for(delivered(ctx, 1), what="publish")
    kind = sandbox.control("comments", {"post_id": d.remote_id, "message": "Cảm ơn xã"})
    rude = sandbox.control("comments", {"post_id": d.remote_id, "message": PROFANE})
    app = create_app(ctx.settings, ctx=ctx, embedded_worker=False)
    with TestClient(app, base_url="http://loa.test") as client:
        check = {"hub.mode": "subscribe", "hub.verify_token": "v-tok", "hub.challenge": "42"}
        assert client.get(f"/hooks/facebook/{fb_target.id}", params=check).text == "42"
        for made in (kind, rude):
            hook = made["webhook"]
            answer = client.post(
                f"/hooks/facebook/{fb_target.id}",
                content=hook["body"].encode(),
                headers={"x-hub-signature-256": hook["signature"]},
            )
            assert answer.status_code == 200, answer.text
        forged = client.post(
            f"/hooks/facebook/{fb_target.id}",
            content=rude["webhook"]["body"].encode(),
            headers={"x-hub-signature-256": "sha256=" + "0" * 64},
        )
        assert forged.status_code == 403
    with ctx.sessions() as session:
        stored = {c.remote_id: c for c in session.scalars(select(Comment).order_by(Comment.id))}
    assert stored[kind["comment_id"]].state == CommentState.VISIBLE
    assert stored[rude["comment_id"]].state == CommentState.HIDDEN
    wait_for(
        lambda: sandbox.dump()["comments"][rude["comment_id"]]["is_hidden"],
        what="the comment hidden through the Graph API",
    )
    assert sandbox.dump()["comments"][kind["comment_id"]]["is_hidden"] is False


def test_the_daily_token_check_runs_before_a_delivery_once_the_day_is_over(ctx, fb_target, sandbox):
    with ctx.transaction() as session:
        row = session.get(ChannelTarget, fb_target.id)
        row.credentials_expire_at = utcnow() - dt.timedelta(minutes=1)
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = deliveries(ctx)
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.DELIVERED
    assert sandbox.requests("/debug_token")  # checked first, then published
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, fb_target.id)
        assert row.settings["visitor_posts"] == "off"
        next_check = row.credentials_expire_at.replace(tzinfo=dt.UTC)
    assert next_check - utcnow().replace(tzinfo=dt.UTC) > dt.timedelta(hours=23)

    with ctx.transaction() as session:
        session.get(ChannelTarget, fb_target.id).credentials_expire_at = utcnow()
    sandbox.control("tokens/revoke", {"token": PAGE_TOKEN, "subcode": 460})
    later = new_article(ctx)
    actions.approve(ctx, SYSTEM, later.id)
    [_, d2] = deliveries(ctx)
    feed_posts = len(sandbox.requests("/feed"))
    assert asyncio.run(dispatcher.run(ctx, d2.id, 1)) is dispatcher.Outcome.ATTENTION
    assert len(sandbox.requests("/feed")) == feed_posts  # the check stopped it before posting
    with ctx.sessions() as session:
        assert session.get(ChannelTarget, fb_target.id).health == "needs_reauthorisation"


def test_a_page_rate_limit_is_honoured_with_facebooks_delay(ctx, fb_target, sandbox):
    sandbox.control("usage", {"page_id": PAGE_ID, "percent": 100, "regain_minutes": 7})
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [d] = deliveries(ctx)
    before = utcnow()
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.RETRY
    [d] = deliveries(ctx)
    assert d.state == DeliveryState.RETRYING and d.error_kind == "rate_limited"
    assert d.due_at - before >= dt.timedelta(minutes=6, seconds=55)
    assert "#80001" in d.error_message and page_posts(sandbox) == {}


def test_region_keys_are_looked_up_at_the_check_not_per_delivery(
    ctx, fb_target, sandbox, monkeypatch
):
    """A target without keys whose daily check is due: core's refresh resolves and stores them
    before the first delivery renders; the next deliveries search nothing."""
    # 63 searches in one delivery: the tests' 1 s timeout is too short for each on a busy machine.
    monkeypatch.setattr(ctx, "settings", dataclasses.replace(ctx.settings, http_timeout=10.0))
    with ctx.transaction() as session:
        row = session.get(ChannelTarget, fb_target.id)
        assert "region_keys" not in (row.settings or {})
        row.credentials_expire_at = utcnow() - dt.timedelta(minutes=1)
    first, second = new_article(ctx), new_article(ctx)
    actions.approve(ctx, SYSTEM, first.id)
    actions.approve(ctx, SYSTEM, second.id)
    one, two = deliveries(ctx)
    assert asyncio.run(dispatcher.run(ctx, one.id, 1)) is dispatcher.Outcome.DELIVERED
    assert len(sandbox.requests("/search")) == 63
    with ctx.sessions() as session:
        stored = session.get(ChannelTarget, fb_target.id).settings
    thanh_hoa = stored["region_keys"]["38"]  # the commune's (old) province, Thanh Hóa
    assert REGIONS[thanh_hoa] == "Thanh Hoa"
    assert asyncio.run(dispatcher.run(ctx, two.id, 1)) is dispatcher.Outcome.DELIVERED
    assert len(sandbox.requests("/search")) == 63  # once per target, not per delivery
    for d in deliveries(ctx):
        post = page_posts(sandbox)[d.remote_id]
        assert post["targeting"]["geo_locations"]["regions"] == [{"key": thanh_hoa}]
