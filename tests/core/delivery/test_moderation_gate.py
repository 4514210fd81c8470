"""Every channel's rendered payload is judged in core before it is sent, whatever the plugin."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from loa_testchannel import RECEIVED
from sqlalchemy import select

from core.actions import content as actions
from core.actions import screening, targets
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.delivery import dispatcher
from core.delivery.models import Delivery, DeliveryState
from tests.support.pipeline import COMMUNE, new_article, sandbox_get


def make_testchannel_target(ctx: Any, append: str) -> Any:
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Kênh thử",
            "plugin": "testchannel",
            "unit_code": COMMUNE,
            "settings": {"append": append},
            "secrets": {},
        },
    )


def run_all(ctx: Any) -> dict[int, Delivery]:
    with ctx.sessions() as session:
        rows = list(session.scalars(select(Delivery).order_by(Delivery.id)))
    for d in rows:
        asyncio.run(dispatcher.run(ctx, d.id, d.attempt + 1))
    with ctx.sessions() as session:
        return {d.target_id: d for d in session.scalars(select(Delivery).order_by(Delivery.id))}


@pytest.mark.parametrize(
    ("append", "verdict", "term"),
    [
        (" — đ.m thằng l-o-n", "blocks", "'thằng lồn' (profanity)"),
        (" #bọn_phản_động", "holds", "'phản động' (sensitive)"),
    ],
)
def test_a_renderer_that_adds_a_flagged_word_is_refused_on_that_channel_only(
    ctx: Any, portal_target: Any, sandbox: Any, append: str, verdict: str, term: str
) -> None:
    RECEIVED.clear()
    flagged = make_testchannel_target(ctx, append)
    article = new_article(ctx)
    assert article.moderation == "allow"
    actions.approve(ctx, SYSTEM, article.id)
    done = run_all(ctx)
    assert done[portal_target.id].state == DeliveryState.DELIVERED
    [stored] = sandbox_get(sandbox, f"/sites/{COMMUNE}/articles")["articles"]
    assert stored["title"] == article.title
    refused = done[flagged.id]
    assert refused.state == DeliveryState.FAILED and refused.error_kind == "refused"
    assert f"moderation {verdict}" in refused.error_message and term in refused.error_message
    assert article.title not in refused.error_message  # terms and categories, never the text
    assert RECEIVED == {}  # the plugin's publish was never called
    assert refused.attempt == 1  # permanent: no retry


def test_a_clean_append_goes_out(ctx: Any, tree: Any) -> None:
    RECEIVED.clear()
    target = make_testchannel_target(ctx, " — UBND xã Cẩm Thủy")
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    assert run_all(ctx)[target.id].state == DeliveryState.DELIVERED
    assert len(RECEIVED) == 1


def test_a_hold_a_moderator_cleared_on_the_item_may_go_out(ctx: Any, tree: Any) -> None:
    RECEIVED.clear()
    target = make_testchannel_target(ctx, "")
    article = actions.create(
        ctx,
        SYSTEM,
        {"title": "Cảnh giác luận điệu phản động", "summary": "", "unit_code": COMMUNE},
    )
    approver = Actor(name="duyet", grants=(Grant(Role.APPROVER, tree[COMMUNE].path),))
    screening.clear_moderation(ctx, approver, article.id)
    actions.approve(ctx, SYSTEM, article.id)
    assert run_all(ctx)[target.id].state == DeliveryState.DELIVERED


def test_unit_terms_apply_to_payloads_at_once(ctx: Any, tree: Any) -> None:
    RECEIVED.clear()
    target = make_testchannel_target(ctx, " #tiengiaotiep")
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    admin = Actor(name="qtv", grants=(Grant(Role.ADMIN, tree["38"].path),))
    screening.add_term(
        ctx, admin, "38", {"term": "tiengiaotiep", "category": "profanity", "severity": 3}
    )
    refused = run_all(ctx)[target.id]
    assert refused.error_kind == "refused" and "tiengiaotiep" in refused.error_message


def test_a_term_added_between_two_deliveries_judges_the_second(ctx: Any, tree: Any) -> None:
    """A worker keeps the unit's lexicon between deliveries: adding a term must not wait."""
    RECEIVED.clear()
    first = make_testchannel_target(ctx, " #tiengiaotiep")
    second = make_testchannel_target(ctx, " #tiengiaotiep")
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        by_target = {
            d.target_id: d.id for d in session.scalars(select(Delivery).order_by(Delivery.id))
        }
    ran = asyncio.run(dispatcher.run(ctx, by_target[first.id], 1))
    assert ran is dispatcher.Outcome.DELIVERED  # the lexicon is now kept
    admin = Actor(name="qtv", grants=(Grant(Role.ADMIN, tree["38"].path),))
    screening.add_term(
        ctx, admin, "38", {"term": "tiengiaotiep", "category": "profanity", "severity": 3}
    )
    assert asyncio.run(dispatcher.run(ctx, by_target[second.id], 1)) is dispatcher.Outcome.FAILED
    with ctx.sessions() as session:
        refused = session.get(Delivery, by_target[second.id])
    assert refused.error_kind == "refused" and "tiengiaotiep" in refused.error_message
