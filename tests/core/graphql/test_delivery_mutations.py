"""The management API's delivery mutations: retry now, and retract from one channel target,
each the same action as the desk's button, with typed failures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from core.actions import content as actions
from core.actions import targets
from core.auth.permissions import SYSTEM
from core.context import Context
from core.delivery import dispatcher
from tests.conftest import API_TOKEN
from tests.core.auth.conftest import audit_rows
from tests.core.delivery import conftest as delivery_fixtures
from tests.core.reports.support import token_for
from tests.support.pipeline import COMMUNE, SECRET, new_article, sandbox_post

Gql = Callable[..., Any]
# The portal sandbox and its target, as the delivery tests have them.
portal_target, sandbox = delivery_fixtures.portal_target, delivery_fixtures.sandbox

RETRY = """mutation($id: ID!) { retryDeliveryNow(id: $id) { __typename
  ... on DeliveryResult { delivery { id state attempt errorKind target { id } } }
  ... on TransitionError { message } ... on ForbiddenError { message code }
  ... on NotFoundError { message } ... on ValidationError { fields { field message } } } }"""
RETRACT_FROM = """mutation($id: ID!, $target: ID!) {
  retractArticleFromTarget(id: $id, targetId: $target, reason: "sai kênh") { __typename
  ... on ArticleResult { article { status deliveries { target { id } action state } } }
  ... on ForbiddenError { message } ... on NotFoundError { message }
  ... on ValidationError { fields { field message } } } }"""


def test_retry_delivery_now_through_the_api(
    ctx: Context, management: TestClient, gql: Gql, portal_target: Any, sandbox: Any
) -> None:
    sandbox_post(sandbox, "/__fake/faults", {"status": 422, "count": 1})
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    read = gql(
        management,
        "query($id: ID!) { article(id: $id) { deliveries { id } } }",
        token=API_TOKEN,
        id=article.uid,
    )
    [delivery_id] = [int(d["id"]) for d in read["data"]["article"]["deliveries"]]
    assert asyncio.run(dispatcher.run(ctx, delivery_id, 1)) is dispatcher.Outcome.FAILED
    editor = token_for(ctx, "bien-tap", COMMUNE, "editor", ["read", "write"])
    elsewhere = token_for(ctx, "ha-noi", "00004", "editor", ["read", "write"])

    refused = gql(management, RETRY, token=elsewhere, id=str(delivery_id))["data"]
    assert refused["retryDeliveryNow"]["__typename"] == "ForbiddenError"
    retried = gql(management, RETRY, token=editor, id=str(delivery_id))["data"]
    assert retried["retryDeliveryNow"] == {
        "__typename": "DeliveryResult",
        "delivery": {
            "id": str(delivery_id),
            "state": "retrying",
            "attempt": 1,
            "errorKind": "permanent",
            "target": {"id": str(portal_target.id)},
        },
    }
    [entry] = audit_rows(ctx, "delivery.retry_now")
    assert entry.actor.startswith("bien-tap (token ")
    assert asyncio.run(dispatcher.run(ctx, delivery_id, 2)) is dispatcher.Outcome.DELIVERED
    again = gql(management, RETRY, token=editor, id=str(delivery_id))["data"]["retryDeliveryNow"]
    assert again["__typename"] == "TransitionError" and "delivered" in again["message"]
    missing = gql(management, RETRY, token=editor, id="999999")["data"]["retryDeliveryNow"]
    assert missing["__typename"] == "NotFoundError"
    huge = gql(management, RETRY, token=editor, id="9" * 20)["data"]["retryDeliveryNow"]
    assert huge["__typename"] == "ValidationError"
    bad = gql(management, RETRY, token=editor, id="abc")["data"]["retryDeliveryNow"]
    assert bad == {
        "__typename": "ValidationError",
        "fields": [{"field": "id", "message": "not an id this API issued"}],
    }


def test_retract_article_from_one_target_through_the_api(
    ctx: Context, management: TestClient, gql: Gql, portal_target: Any, sandbox: Any
) -> None:
    second = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Cổng thông tin xã (bản thứ hai)",
            "plugin": "portal",
            "unit_code": COMMUNE,
            "settings": {"webhook_url": f"{sandbox.url}/sites/second/webhook"},
            "secrets": {"webhook_secret": SECRET},
        },
    )
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    editor = token_for(ctx, "bien-tap", COMMUNE, "editor", ["read", "write", "publish"])
    variables = {"id": article.uid, "target": str(second.id)}

    refused = gql(management, RETRACT_FROM, token=editor, **variables)["data"]
    assert refused["retractArticleFromTarget"]["__typename"] == "ForbiddenError"
    done = gql(management, RETRACT_FROM, token=API_TOKEN, **variables)["data"]
    result = done["retractArticleFromTarget"]
    assert result["__typename"] == "ArticleResult", result
    assert result["article"]["status"] == "PUBLISHED"  # the first target keeps it
    states = {(d["target"]["id"], d["state"]) for d in result["article"]["deliveries"]}
    assert states == {(str(portal_target.id), "pending"), (str(second.id), "cancelled")}
    [entry] = audit_rows(ctx, "article.retract_target")
    assert entry.data["target"] == second.id and entry.data["reason"] == "sai kênh"

    last = {"id": article.uid, "target": str(portal_target.id)}
    alone = gql(management, RETRACT_FROM, token=API_TOKEN, **last)["data"]
    assert alone["retractArticleFromTarget"]["__typename"] == "ValidationError"
    bad = gql(management, RETRACT_FROM, token=API_TOKEN, id=article.uid, target="x")["data"]
    assert bad["retractArticleFromTarget"] == {
        "__typename": "ValidationError",
        "fields": [{"field": "targetId", "message": "not an id this API issued"}],
    }
