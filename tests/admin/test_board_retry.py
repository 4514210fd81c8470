"""Retry now on the board: the button is offered to whoever may retry, the post needs its
CSRF token, and a delivered delivery is refused in plain words (the rules themselves:
tests/core/delivery/test_retry_now.py; in a browser: test_board_live_in_chromium.py)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import Context
from core.delivery import dispatcher
from core.delivery.models import Delivery, DeliveryState
from tests.core.auth.conftest import Clock, MakeAccount, admin_client, csrf_of, sign_in
from tests.support.pipeline import new_article, sandbox_post


def state(ctx: Context, delivery_id: int) -> str:
    with ctx.sessions() as session:
        return str(session.scalar(select(Delivery.state).where(Delivery.id == delivery_id)))


def test_the_board_offers_retry_now_to_its_editor_with_csrf(
    ctx: Context,
    web: TestClient,
    make_account: MakeAccount,
    clock: Clock,
    portal_target: Any,
    sandbox: Any,
) -> None:
    sandbox_post(sandbox, "/__fake/faults", {"status": 422, "count": 1})
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        [d] = session.scalars(
            select(Delivery).where(Delivery.article_id == article.id).order_by(Delivery.id)
        )
    asyncio.run(dispatcher.run(ctx, d.id, 1))
    action = f"/admin/items/{article.uid}/deliveries/{d.id}/retry"

    with admin_client(ctx) as other:  # an approver decides; sending again is not theirs
        sign_in(other, make_account("lanh-dao", role="approver"), clock)
        board = other.get(f"/admin/items/{article.uid}")
        assert "d-failed" in board.text and action not in board.text
        refused = other.post(action, data={"csrf_token": csrf_of(board.text)})
        assert refused.status_code == 403 and state(ctx, d.id) == DeliveryState.FAILED

    sign_in(web, make_account("bien-tap"), clock)
    board = web.get(f"/admin/items/{article.uid}")
    assert re.search(rf'action="{action}"', board.text)
    assert web.post(action, data={"csrf_token": "nope"}).status_code == 403
    huge = f"/admin/items/{article.uid}/deliveries/{'9' * 20}/retry"
    assert web.post(huge, data={"csrf_token": csrf_of(board.text)}).status_code == 404
    assert state(ctx, d.id) == DeliveryState.FAILED
    sent = web.post(action, data={"csrf_token": csrf_of(board.text)})
    assert sent.status_code == 303 and sent.headers["location"] == f"/admin/items/{article.uid}"
    assert state(ctx, d.id) == DeliveryState.RETRYING
    asyncio.run(dispatcher.run(ctx, d.id, 2))
    again = web.post(action, data={"csrf_token": csrf_of(board.text)})
    assert again.status_code == 400 and "Lượt này đã lên kênh" in again.text
    assert state(ctx, d.id) == DeliveryState.DELIVERED
