"""Retracting a live item from one channel: that channel takes it down, the others keep it,
and an edit no longer sends it back there."""

from __future__ import annotations

from typing import Any

import pytest
from loa_testchannel import RECEIVED

from core.actions import content, targets
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.context import Context
from core.errors import Forbidden, ValidationFailed
from tests.support.pipeline import new_article, sandbox_get, wait_for


def test_one_channel_takes_it_down_and_the_others_keep_it(
    ctx: Context, portal_target: Any, sandbox: Any, worker: Any
) -> None:
    RECEIVED.clear()
    other = targets.create_target(
        ctx,
        SYSTEM,
        {"name": "Kênh thử", "plugin": "testchannel", "unit_code": "14932", "gates": []},
    )
    targets.update_target(ctx, SYSTEM, portal_target.id, {"gates": []})
    article = new_article(ctx)
    content.update(ctx, SYSTEM, article.id, {"target_ids": [portal_target.id, other.id]})
    content.approve(ctx, SYSTEM, article.id)
    wait_for(lambda: len(sandbox_get(sandbox, "/sites/14932/articles")["articles"]) == 1)
    wait_for(lambda: len(RECEIVED) == 1, what="the test channel's post")

    stranger = Actor(name="khac", grants=(Grant(Role.APPROVER, "/999/"),))
    with pytest.raises(Forbidden):
        content.retract_from(ctx, stranger, article.id, other.id)
    content.retract_from(ctx, SYSTEM, article.id, other.id, "Kênh thử không còn dùng")
    wait_for(lambda: RECEIVED == {}, what="the test channel's retraction")
    assert len(sandbox_get(sandbox, "/sites/14932/articles")["articles"]) == 1  # portal keeps it

    with pytest.raises(ValidationFailed) as last:
        content.retract_from(ctx, SYSTEM, article.id, portal_target.id)
    assert "last channel" in last.value.fields["target_id"]
    with pytest.raises(ValidationFailed):
        content.retract_from(ctx, SYSTEM, article.id, other.id)  # no longer one of its channels

    content.update(ctx, SYSTEM, article.id, {"title": "Lịch tiêm chủng (sửa)"})
    content.approve(ctx, SYSTEM, article.id)
    wait_for(
        lambda: sandbox_get(sandbox, "/sites/14932/articles")["articles"][0]["title"].endswith(
            "(sửa)"
        ),
        what="the edit on the portal",
    )
    assert RECEIVED == {}  # the edit did not go back to the channel it was retracted from
