"""Retry now: a failed or waiting delivery is made due at once, exactly once, by whoever may."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.actions.deliveries import retry_now
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.db import utcnow
from core.delivery import dispatcher
from core.delivery import queue as delivery_queue
from core.delivery.models import Delivery, DeliveryState
from core.errors import Forbidden, InvalidTransition
from core.units.lookups import unit_path
from tests.core.auth.conftest import audit_rows
from tests.support.pipeline import new_article, sandbox_get, sandbox_post


def the_delivery(ctx) -> Delivery:
    with ctx.sessions() as session:
        [d] = session.scalars(select(Delivery).order_by(Delivery.id))
        return d


def actor(ctx, target, role: Role, name: str = "bien-tap") -> Actor:
    with ctx.sessions() as session:
        return Actor(name=name, grants=(Grant(role, unit_path(session, target.unit_id)),))


def approved(ctx) -> Delivery:
    actions.approve(ctx, SYSTEM, new_article(ctx).id)
    return the_delivery(ctx)


def scheduled(ctx) -> list[str]:
    return delivery_queue.rq_queue(ctx).scheduled_job_registry.get_job_ids()


def test_a_failed_delivery_goes_out_once_the_channel_is_mended(ctx, portal_target, sandbox):
    sandbox_post(sandbox, "/__fake/faults", {"status": 422, "count": 1})
    d = approved(ctx)
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.FAILED
    editor = actor(ctx, portal_target, Role.EDITOR)

    again, target = retry_now(ctx, editor, d.id)
    assert target.id == portal_target.id

    assert again.state == DeliveryState.RETRYING and again.due_at <= utcnow()
    job = delivery_queue.delivery_job_id(d.id, 2)
    assert job in delivery_queue.rq_queue(ctx).job_ids
    [entry] = audit_rows(ctx, "delivery.retry_now")
    assert entry.actor == "bien-tap" and entry.data["from"] == "failed"
    assert asyncio.run(dispatcher.run(ctx, d.id, 2)) is dispatcher.Outcome.DELIVERED
    assert len(sandbox_get(sandbox, "/sites/14932/articles")["articles"]) == 1
    with pytest.raises(InvalidTransition, match="delivered"):  # never sent twice
        retry_now(ctx, editor, d.id)


def test_retry_while_its_attempt_is_scheduled_moves_that_job_and_adds_none(
    ctx, portal_target, sandbox
):
    sandbox_post(sandbox, "/__fake/faults", {"status": 429, "retry_after": 600, "count": 1})
    d = approved(ctx)
    q = delivery_queue.rq_queue(ctx)
    q.empty()  # the first attempt is run by hand below
    assert asyncio.run(dispatcher.run(ctx, d.id, 1)) is dispatcher.Outcome.RETRY
    job = delivery_queue.delivery_job_id(d.id, 2)
    assert scheduled(ctx) == [job] and q.job_ids == []
    assert the_delivery(ctx).due_at > utcnow() + dt.timedelta(minutes=9)

    retry_now(ctx, actor(ctx, portal_target, Role.EDITOR), d.id)
    retry_now(ctx, actor(ctx, portal_target, Role.EDITOR), d.id)  # a second click

    assert scheduled(ctx) == [] and q.job_ids == [job]  # the same job, now, and only it
    assert the_delivery(ctx).attempt == 1 and the_delivery(ctx).due_at <= utcnow()
    assert asyncio.run(dispatcher.run(ctx, d.id, 2)) is dispatcher.Outcome.DELIVERED


def test_a_queued_or_delivered_delivery_is_not_retried(ctx, portal_target, sandbox):
    d = approved(ctx)
    q = delivery_queue.rq_queue(ctx)
    assert q.job_ids == [delivery_queue.delivery_job_id(d.id, 1)]
    editor = actor(ctx, portal_target, Role.EDITOR)
    with pytest.raises(InvalidTransition, match="already due"):
        retry_now(ctx, editor, d.id)
    assert q.job_ids == [delivery_queue.delivery_job_id(d.id, 1)]  # no second job
    assert the_delivery(ctx).attempt == 0 and audit_rows(ctx, "delivery.retry_now") == []


def test_who_may_retry_the_items_editor_or_the_channels_admin(ctx, portal_target, sandbox):
    sandbox_post(sandbox, "/__fake/faults", {"status": 422, "count": 2})
    d = approved(ctx)
    asyncio.run(dispatcher.run(ctx, d.id, 1))
    approver = actor(ctx, portal_target, Role.APPROVER, "lanh-dao")  # decides, does not send
    elsewhere = Actor(name="xa-khac", grants=(Grant(Role.EDITOR, "/999999/"),))
    for nobody in (approver, elsewhere):
        with pytest.raises(Forbidden):
            retry_now(ctx, nobody, d.id)
    assert the_delivery(ctx).state == DeliveryState.FAILED
    retry_now(ctx, actor(ctx, portal_target, Role.CHANNEL_ADMIN, "quan-tri-kenh"), d.id)
    assert the_delivery(ctx).state == DeliveryState.RETRYING
