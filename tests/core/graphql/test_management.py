"""The management API: bearer token, typed mutation payloads, deliveries, write-only secrets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
from starlette.testclient import TestClient

from core.context import Context
from tests.conftest import API_TOKEN, TEST_TOTP_SECRET

Gql = Callable[..., Any]
SECRET = "whsec_c2VjcmV0LXdlYmhvb2sta2V5LWZvci10ZXN0cw=="

PAYLOAD = """
  __typename
  ... on ArticleResult { article { id slug title status revision bodyHtml cover { url caption }
      unit { code } category { slug } audience { ageMin visibleUntil }
      deliveries { id target { id name plugin } action state attempt remoteId remoteUrl
                   errorKind errorMessage } } }
  ... on ValidationError { message fields { field message } }
  ... on NotFoundError { message }
  ... on ForbiddenError { message }
  ... on TransitionError { message }
"""
CREATE = "mutation($input: ArticleInput!) { createArticle(input: $input) {" + PAYLOAD + "} }"
APPROVE = "mutation($id: ID!) { approveArticle(id: $id) {" + PAYLOAD + "} }"
TARGET_FIELDS = "id name plugin settings hasSecrets enabled health unit { code }"
CREATE_TARGET = (
    "mutation($input: ChannelTargetInput!, $totpCode: String) {"
    " createChannelTarget(input: $input, totpCode: $totpCode) {"
    " __typename ... on ChannelTargetResult { target { " + TARGET_FIELDS + " } }"
    " ... on ValidationError { fields { field message } } } }"
)


def code() -> str:
    """A TOTP code of the test admin for step-up (each test starts with no step used)."""
    return pyotp.TOTP(TEST_TOTP_SECRET).now()


def test_token_required(management: TestClient, gql: Gql, tree: dict[str, Any]) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic eDp5"}):
        response = management.post("/", json={"query": "{ categories { slug } }"}, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert "wrong" not in response.text and API_TOKEN not in response.text
    ok = gql(management, "{ categories { slug } }", token=API_TOKEN)
    assert ok == {"data": {"categories": []}}


def test_create_reports_validation_errors(
    management: TestClient, gql: Gql, tree: dict[str, Any]
) -> None:
    body = gql(management, CREATE, token=API_TOKEN, input={"unitCode": "14932"})
    result = body["data"]["createArticle"]
    assert result["__typename"] == "ValidationError"
    assert {"field": "title", "message": "is required"} in result["fields"]
    body = gql(
        management,
        CREATE,
        token=API_TOKEN,
        input={"title": "Ảnh", "unitCode": "14932", "coverUrl": "https://img.example/a.jpg"},
    )
    result = body["data"]["createArticle"]
    assert result["__typename"] == "ValidationError"
    assert result["fields"] == [{"field": "coverCaption", "message": "an image needs a caption"}]
    body = gql(
        management,
        CREATE,
        token=API_TOKEN,
        input={"title": "x", "unitCode": "14932", "audience": {"visibleFrom": "2030-01-01T00:00"}},
    )
    assert body["data"]["createArticle"]["fields"][0]["field"] == "audience.visibleFrom"
    body = gql(management, CREATE, token=API_TOKEN, input={"title": "x", "unitCode": "nope"})
    assert body["data"]["createArticle"]["fields"][0]["field"] == "unitCode"


def test_create_sanitises_then_approve_lists_deliveries(
    management: TestClient, gql: Gql, ctx: Context, tree: dict[str, Any]
) -> None:
    target = gql(
        management,
        CREATE_TARGET,
        token=API_TOKEN,
        input={
            "name": "Cổng xã Cẩm Thủy",
            "plugin": "portal",
            "unitCode": "14932",
            "settings": {"webhook_url": "http://portal.example/hook"},
            "secrets": {"webhook_secret": SECRET},
            "gates": [],  # this portal has no editorial-board step of its own
        },
        totpCode=code(),
    )["data"]["createChannelTarget"]["target"]
    body = gql(
        management,
        CREATE,
        token=API_TOKEN,
        input={
            "title": "Thông báo lịch tiêm",
            "unitCode": "14932",
            "bodyHtml": '<p onclick="x()">Lịch <b>tiêm</b></p><script>steal()</script>'
            '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>',
            "coverUrl": "https://img.example/a.jpg",
            "coverCaption": "Trạm y tế",
            "audience": {"ageMin": 18, "visibleUntil": "2099-01-01T00:00:00+07:00"},
        },
    )
    created = body["data"]["createArticle"]
    assert created["__typename"] == "ArticleResult", body
    article = created["article"]
    assert article["status"] == "DRAFT" and article["revision"] == 1
    html = article["bodyHtml"]
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    assert "onerror" not in html and "<b>tiêm</b>" in html
    assert article["audience"] == {"ageMin": 18, "visibleUntil": "2098-12-31T17:00:00+00:00"}

    approved = gql(management, APPROVE, token=API_TOKEN, id=article["id"])["data"]
    result = approved["approveArticle"]
    assert result["__typename"] == "ArticleResult", approved
    assert result["article"]["status"] == "PUBLISHED"
    [delivery] = result["article"]["deliveries"]
    assert delivery["target"] == {
        "id": target["id"],
        "name": "Cổng xã Cẩm Thủy",
        "plugin": "portal",
    }
    assert delivery["action"] == "publish" and delivery["state"] == "pending"

    again = gql(management, APPROVE, token=API_TOKEN, id=article["id"])["data"]["approveArticle"]
    assert again["__typename"] == "TransitionError"
    missing = gql(management, APPROVE, token=API_TOKEN, id="nope")["data"]["approveArticle"]
    assert missing["__typename"] == "NotFoundError"

    read = gql(
        management,
        "query($id: ID!) { article(id: $id) { status deliveries { state } } }",
        token=API_TOKEN,
        id=article["id"],
    )
    assert read == {
        "data": {"article": {"status": "PUBLISHED", "deliveries": [{"state": "pending"}]}}
    }

    retract = (
        'mutation($id: ID!) { retractArticle(id: $id, reason: "sai") {'
        " ... on ArticleResult { article { status deliveries { action } } } } }"
    )
    retracted = gql(management, retract, token=API_TOKEN, id=article["id"])["data"]
    assert retracted["retractArticle"]["article"]["status"] == "RETRACTED"


def test_update_and_list(management: TestClient, gql: Gql, tree: dict[str, Any]) -> None:
    ids = []
    for title in ("Một", "Hai", "Ba"):
        data = gql(management, CREATE, token=API_TOKEN, input={"title": title, "unitCode": "38"})
        ids.append(data["data"]["createArticle"]["article"]["id"])
    update = (
        "mutation($id: ID!, $input: ArticleInput!) { updateArticle(id: $id, input: $input) {"
        + PAYLOAD
        + "} }"
    )
    body = gql(management, update, token=API_TOKEN, id=ids[0], input={"summary": "Tóm tắt"})
    assert body["data"]["updateArticle"]["article"]["revision"] == 2
    assert body["data"]["updateArticle"]["article"]["title"] == "Một"
    listing = """query($after: String) {
      articles(status: DRAFT, unit: "38", first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }"""
    page = gql(management, listing, token=API_TOKEN)["data"]["articles"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    assert [e["node"]["title"] for e in page["edges"]] == ["Ba", "Hai"]
    rest = gql(management, listing, token=API_TOKEN, after=page["pageInfo"]["endCursor"])
    assert [e["node"]["title"] for e in rest["data"]["articles"]["edges"]] == ["Một"]


def test_channel_targets_never_return_secrets(
    management: TestClient, gql: Gql, tree: dict[str, Any]
) -> None:
    bad = gql(
        management,
        CREATE_TARGET,
        token=API_TOKEN,
        input={"name": "x", "plugin": "portal", "unitCode": "38", "settings": {}, "secrets": []},
    )
    assert bad["data"]["createChannelTarget"]["__typename"] == "ValidationError"
    created = management.post(
        "/",
        json={
            "query": CREATE_TARGET,
            "variables": {
                "input": {
                    "name": "Cổng tỉnh",
                    "plugin": "portal",
                    "unitCode": "38",
                    "settings": {"webhook_url": "http://portal.example/hook"},
                    "secrets": {"webhook_secret": SECRET},
                },
                "totpCode": code(),
            },
        },
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    assert SECRET not in created.text
    target = created.json()["data"]["createChannelTarget"]["target"]
    assert target["hasSecrets"] is True and target["unit"] == {"code": "38"}
    update = (
        "mutation($id: ID!, $input: ChannelTargetUpdateInput!) {"
        " updateChannelTarget(id: $id, input: $input) { __typename"
        " ... on ChannelTargetResult { target { " + TARGET_FIELDS + " } } } }"
    )
    response = management.post(
        "/",
        json={"query": update, "variables": {"id": target["id"], "input": {"enabled": False}}},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    assert SECRET not in response.text
    assert response.json()["data"]["updateChannelTarget"]["target"]["enabled"] is False
    listed = management.post(
        "/",
        json={"query": "{ channelTargets { " + TARGET_FIELDS + " healthDetail } }"},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    assert SECRET not in listed.text and "whsec_" not in listed.text
    [row] = listed.json()["data"]["channelTargets"]
    assert row["settings"] == {"webhook_url": "http://portal.example/hook"}
    assert row["hasSecrets"] is True and row["enabled"] is False
    fields = gql(
        management, '{ __type(name: "ChannelTarget") { fields { name } } }', token=API_TOKEN
    )["data"]["__type"]["fields"]
    assert not [f for f in fields if "secret" in f["name"].lower() and f["name"] != "hasSecrets"]
