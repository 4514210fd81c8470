"""A change committed by another process reaches this process's cached public answers."""

from __future__ import annotations

import time

from starlette.testclient import TestClient

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import build_context
from core.graphql import public_app

LIST = '{ articles(unit: "14932") { totalCount } }'


def test_publish_in_another_process_invalidates_the_cache(ctx, tree) -> None:
    client = TestClient(public_app(ctx))
    count = lambda: client.post("/", json={"query": LIST}).json()["data"]["articles"]["totalCount"]  # noqa: E731
    assert count() == 0
    # Another process: its own plugin manager, so no in-process observer of ours hears it.
    other = build_context(ctx.settings, engine=ctx.engine, redis=ctx.redis)
    article = actions.create(other, SYSTEM, {"title": "Thông báo", "unit_code": "14932"})
    actions.approve(other, SYSTEM, article.id)
    time.sleep(0.35)
    assert count() == 1
