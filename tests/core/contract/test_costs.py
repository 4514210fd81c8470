"""Costs and allowances through the rationed test channel: the cost and what is left are
shown before approval, and a delivery that would exceed the allowance waits, with the reason,
until it resets, instead of failing."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from loa_testchannel.quota import POST_UNITS, POSTED, day_start
from sqlalchemy import select
from starlette.testclient import TestClient

from core.actions import content, targets
from core.auth.permissions import SYSTEM
from core.delivery import dispatcher
from core.delivery.models import Delivery, DeliveryState
from core.graphql import management_app
from tests.conftest import API_TOKEN
from tests.support.pipeline import COMMUNE, new_article

PLAN = """query($id: ID!) { article(id: $id) { channelPlan { plugin costNote
  cost { wouldWait resetsAt note lines { name amount left } } } } }"""


def _plan(ctx: Any, uid: str) -> dict[str, Any]:
    client = TestClient(management_app(ctx))
    body = client.post(
        "/",
        json={"query": PLAN, "variables": {"id": uid}},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ).json()
    return {p["plugin"]: p for p in body["data"]["article"]["channelPlan"]}


def _deliver(ctx: Any, article_id: int) -> Delivery:
    with ctx.sessions() as session:
        d = session.scalar(select(Delivery).where(Delivery.article_id == article_id))
    assert d is not None
    asyncio.run(dispatcher.run(ctx, d.id, d.attempt + 1))
    with ctx.sessions() as session:
        done = session.get(Delivery, d.id)
    assert done is not None
    return done


def test_a_delivery_over_the_allowance_waits_for_the_reset_with_the_reason(ctx, tree) -> None:
    POSTED.clear()
    target = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Kênh video",
            "plugin": "testquota",
            "unit_code": COMMUNE,
            "settings": {"daily_units": 2000},
        },
    )
    first = new_article(ctx)
    shown = _plan(ctx, first.uid)["testquota"]["cost"]
    assert shown["lines"] == [{"name": "quota_units", "amount": POST_UNITS, "left": 2000.0}]
    assert shown["wouldWait"] is False and shown["note"] == "videos.insert"
    content.approve(ctx, SYSTEM, first.id)
    delivered = _deliver(ctx, first.id)
    assert delivered.state == DeliveryState.DELIVERED
    assert delivered.cost == {"quota_units": POST_UNITS}  # the ledger core keeps

    second = content.create(
        ctx,
        SYSTEM,
        {"title": "Video thứ hai", "unit_code": COMMUNE, "summary": "", "body_html": ""},
    )
    shown = _plan(ctx, second.uid)["testquota"]["cost"]  # before approval: it would wait
    assert shown["lines"][0]["left"] == 2000 - POST_UNITS and shown["wouldWait"] is True
    content.approve(ctx, SYSTEM, second.id)
    waiting = _deliver(ctx, second.id)
    reset = day_start() + dt.timedelta(days=1)
    assert waiting.state == DeliveryState.WAITING and waiting.error_kind == "allowance"
    assert "quota_units" in waiting.error_message and "chờ hạn mức" in waiting.error_message
    assert waiting.due_at == reset and waiting.waits == 1
    assert len(POSTED) == 1  # nothing was sent

    # The allowance resets (here: the channel admin raises it); the next attempt goes out.
    targets.update_target(ctx, SYSTEM, target.id, {"settings": {"daily_units": 10_000}})
    sent = _deliver(ctx, second.id)
    assert sent.state == DeliveryState.DELIVERED and len(POSTED) == 2
    assert sent.attempt == 2 and sent.waits == 1  # the wait was not a failed attempt


def test_a_channel_that_is_not_rationed_shows_no_cost(ctx, tree) -> None:
    targets.create_target(
        ctx, SYSTEM, {"name": "Kênh thử", "plugin": "testchannel", "unit_code": COMMUNE}
    )
    plan = _plan(ctx, new_article(ctx).uid)["testchannel"]
    assert plan["cost"] is None and plan["costNote"] == ""
