"""A unit's inbound moderation policy through the management API: admins only, typed errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from core.context import Context
from core.interactions import feedback
from tests.conftest import API_TOKEN
from tests.core.graphql.test_moderation_api import as_admin

SET = (
    "mutation($unit: String!, $value: String!) {"
    " setInboundModerationPolicy(unitCode: $unit, intensifiers: $value) { __typename"
    " ... on InboundPolicyResult { policy { unitCode intensifiers updatedBy } }"
    " ... on ValidationError { fields { field message } } } }"
)


def test_an_admin_sets_the_policy_and_citizens_text_follows_it(
    management: TestClient, gql: Callable[..., Any], ctx: Context, tree: dict[str, Any]
) -> None:
    text = "Bài viết hay vl"
    assert feedback.submit(ctx, unit_code="14932", text=text, address="198.51.100.1").state == (
        "held"
    )
    refused = gql(management, SET, token=API_TOKEN, unit="38", value="allow")["data"]
    assert refused["setInboundModerationPolicy"]["__typename"] == "ForbiddenError"
    done = as_admin(ctx, SET, unit="38", value="allow")["setInboundModerationPolicy"]
    assert done["policy"] == {"unitCode": "38", "intensifiers": "allow", "updatedBy": "quantri"}
    assert feedback.submit(ctx, unit_code="14932", text=text, address="198.51.100.1").state == (
        "received"
    )
    bad = as_admin(ctx, SET, unit="38", value="mask")["setInboundModerationPolicy"]
    assert bad["fields"] == [{"field": "intensifiers", "message": "must be allow, review or block"}]
