"""The workflow through the management API: policy, submit, steps, diffs, restore, expiring."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.testclient import TestClient

from core.actions import targets
from core.auth.permissions import SYSTEM
from core.db import utcnow
from tests.conftest import API_TOKEN
from tests.support.declared import DEFAULT_RULES

RESULT = """__typename
  ... on ArticleResult { article { id status revision pendingRevision topic justification
      steps { id key role unitCode state open note } } }
  ... on ValidationError { fields { field message } }
  ... on ForbiddenError { message code }
  ... on TransitionError { message }"""


def run(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    body = client.post(
        "/",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ).json()
    assert "errors" not in body, body
    return body["data"]


def create(client: TestClient, **fields: Any) -> dict[str, Any]:
    query = "mutation($i: ArticleInput!) { createArticle(input: $i) { " + RESULT + " } }"
    data = {"title": "Tuyên truyền Đề án 06", "unitCode": "14932", **fields}
    return run(client, query, i=data)["createArticle"]["article"]


def test_policy_submit_steps_and_gatekeepers(management: TestClient, ctx, tree) -> None:
    policy = {
        r["appliesTo"]: r["steps"]
        for r in run(management, "{ approvalPolicy { appliesTo steps } }")["approvalPolicy"]
    }
    assert policy["plugin:vneid"][0]["role"] == "police"
    assert [s["key"] for s in policy["scope:national"]] == ["province_police", "national_approval"]
    vneid = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "VNeID (thử)",
            "plugin": "testchannel",
            "unit_code": "14932",
            "settings": {"allowed_topics": ["project06", "law"]},
            "gates": DEFAULT_RULES["plugin:vneid"],
        },
    )
    article = create(management, topic="other", targetIds=[str(vneid.id)])
    submit = (
        "mutation($id: ID!, $j: String) { submitArticle(id: $id, justification: $j) { "
        + RESULT
        + " } }"
    )
    refused = run(management, submit, id=article["id"])["submitArticle"]
    assert refused["__typename"] == "ValidationError"
    assert refused["fields"][0]["field"] == "justification"
    ok = run(management, submit, id=article["id"], j="Chủ đề phòng chống lừa đảo")["submitArticle"]
    assert ok["__typename"] == "ArticleResult" and ok["article"]["status"] == "SUBMITTED"
    steps = {s["key"]: s for s in ok["article"]["steps"]}
    assert steps["police_appraisal"]["role"] == "police" and steps["police_appraisal"]["open"]
    decide = (
        "mutation($s: ID!, $d: StepDecision!, $c: String!) "
        "{ decideStep(stepId: $s, decision: $d, comment: $c) { " + RESULT + " } }"
    )
    # An admin is the unit's approver, but not the police.
    police = run(management, decide, s=steps["police_appraisal"]["id"], d="APPROVE", c="")
    assert police["decideStep"]["__typename"] == "ForbiddenError"
    scope = run(management, decide, s=steps["commune_approval"]["id"], d="APPROVE", c="")
    after = {s["key"]: s["state"] for s in scope["decideStep"]["article"]["steps"]}
    assert after == {"commune_approval": "approved", "police_appraisal": "pending"}


def test_a_channel_admin_changes_the_policy(management: TestClient, ctx, tree) -> None:
    query = (
        "mutation($a: String!, $s: JSON!) "
        "{ setApprovalRule(appliesTo: $a, steps: $s) { appliesTo steps } }"
    )
    steps = [{"key": "leader", "label": "Lãnh đạo", "role": "agency_leader", "at": "target_unit"}]
    stored = run(management, query, a="plugin:testchannel", s=steps)["setApprovalRule"]
    assert stored["steps"][0]["covers"] == ["content", "audience"]
    policy = run(management, "{ approvalPolicy { appliesTo steps } }")["approvalPolicy"]
    assert {"appliesTo": "plugin:testchannel", "steps": stored["steps"]} in policy
    bad = management.post(
        "/",
        json={
            "query": query,
            "variables": {"a": "plugin:x", "s": [{"key": "k", "role": "pope", "at": "item_unit"}]},
        },
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_revisions_diff_and_restore(management: TestClient, ctx, tree) -> None:
    article = create(management, bodyHtml="<p>Họp lúc 8 giờ</p>")
    update = (
        "mutation($id: ID!, $i: ArticleInput!) { updateArticle(id: $id, input: $i) { "
        + RESULT
        + " } }"
    )
    run(
        management,
        update,
        id=article["id"],
        i={"title": "Tuyên truyền Đề án 06 (sửa)", "bodyHtml": "<p>Họp lúc 9 giờ</p>"},
    )
    read = """query($id: ID!) { article(id: $id) { revision revisions { number }
        diff(fromRevision: 1, toRevision: 2) { field before after words { op text } } } }"""
    seen = run(management, read, id=article["id"])["article"]
    assert seen["revision"] == 2 and [r["number"] for r in seen["revisions"]] == [1, 2]
    changes = {c["field"]: c for c in seen["diff"]}
    assert set(changes) == {"title", "body_html"}
    assert {"op": "insert", "text": "9"} in changes["body_html"]["words"]
    restore = (
        "mutation($id: ID!, $n: Int!) { restoreRevision(id: $id, number: $n) { " + RESULT + " } }"
    )
    restored = run(management, restore, id=article["id"], n=1)["restoreRevision"]["article"]
    assert restored["revision"] == 3
    title = run(
        management, "query($id: ID!) { article(id: $id) { title bodyHtml } }", id=article["id"]
    )
    assert title["article"] == {
        "title": "Tuyên truyền Đề án 06",
        "bodyHtml": "<p>Họp lúc 8 giờ</p>",
    }


def test_expiring_lists_live_items_about_to_end(management: TestClient, ctx, tree) -> None:
    soon = (utcnow() + dt.timedelta(hours=5)).isoformat()
    later = (utcnow() + dt.timedelta(days=30)).isoformat()
    banner = create(
        management, title="Banner chiến dịch", kind="banner", audience={"visibleUntil": soon}
    )
    other = create(management, title="Bài thường", audience={"visibleUntil": later})
    approve = "mutation($id: ID!) { approveArticle(id: $id) { __typename } }"
    for item in (banner, other):
        assert (
            run(management, approve, id=item["id"])["approveArticle"]["__typename"]
            == "ArticleResult"
        )
    listed = run(management, "{ expiring(hours: 24) { title kind } }")["expiring"]
    assert listed == [{"title": "Banner chiến dịch", "kind": "banner"}]
