"""Before approval the editor is told what each channel cannot enforce."""

from __future__ import annotations

from starlette.testclient import TestClient

from core.actions import targets
from core.auth.permissions import SYSTEM
from core.graphql import management_app
from tests.conftest import API_TOKEN
from tests.support.pipeline import new_article

QUERY = """query($id: ID!) { article(id: $id) {
  channelPlan { targetName plugin unenforceable problems } } }"""


def test_channel_plan_lists_what_each_channel_cannot_enforce(ctx, portal_target) -> None:
    targets.create_target(
        ctx,
        SYSTEM,
        {"name": "Kênh thử", "plugin": "testchannel", "unit_code": "14932", "settings": {}},
    )
    article = new_article(
        ctx,
        age_min=18,
        age_max=60,
        genders=["female"],
        interactions_allowed=False,
        visible_until="2099-01-01T00:00:00+07:00",
    )
    client = TestClient(management_app(ctx))
    body = client.post(
        "/",
        json={"query": QUERY, "variables": {"id": article.uid}},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ).json()
    plans = {p["plugin"]: p for p in body["data"]["article"]["channelPlan"]}
    # The portal enforces the window and interactions, not age or gender.
    assert plans["portal"]["unenforceable"] == ["age", "gender"]
    # The test channel enforces only the window.
    assert plans["testchannel"]["unenforceable"] == ["age", "gender", "interactions"]
    assert plans["portal"]["problems"] == []
