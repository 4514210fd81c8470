"""The whole path: management API → approval → rq → portal sandbox → public GraphQL and feeds
→ edit → expiry → gone everywhere. Runs on both backends (CI runs it on PostgreSQL + Redis and
on SQLite + fakeredis)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from starlette.testclient import TestClient

from core.actions import targets
from core.app import create_app
from core.auth.permissions import SYSTEM
from core.db import utcnow
from tests.conftest import API_TOKEN
from tests.support.pipeline import sandbox_get, wait_for

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
RESULT = """__typename ... on ArticleResult { article { id slug status
  deliveries { action state remoteId } } } ... on ValidationError { fields { field message } }"""
CREATE = "mutation($input: ArticleInput!) { createArticle(input: $input) { " + RESULT + " } }"
APPROVE = "mutation($id: ID!) { approveArticle(id: $id) { " + RESULT + " } }"
UPDATE = "mutation($id: ID!, $input: ArticleInput!) { updateArticle(id: $id, input: $input) { " + (
    RESULT + " } }"
)
PUBLIC = "query($slug: String!) { article(slug: $slug) { title bodyHtml cover { caption } } }"
LIST = '{ articles(unit: "38") { totalCount edges { node { slug title } } } }'


def manage(client: TestClient, query: str, **variables: object) -> dict:
    response = client.post(
        "/api/graphql", json={"query": query, "variables": variables}, headers=AUTH
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def public(client: TestClient, query: str, **variables: object) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_editor_to_channel_to_graphql_and_back_down(settings, ctx, portal_target, sandbox):
    # This portal's editorial board delegated to the commune approver: no gate of its own, so
    # the admin's approval releases it (the gates themselves are tested in tests/core/workflow).
    targets.update_target(ctx, SYSTEM, portal_target.id, {"gates": []})
    ends = utcnow() + dt.timedelta(seconds=6)
    app = create_app(settings, ctx=ctx, embedded_worker=True)
    with TestClient(app) as client:
        created = manage(
            client,
            CREATE,
            input={
                "title": "Quyết định phê duyệt kế hoạch chuyển đổi số",
                "summary": "UBND xã ban hành kế hoạch.",
                "bodyHtml": "<p>Nội dung <script>alert(1)</script>kế hoạch</p>",
                "coverUrl": "https://example.org/cover.jpg",
                "coverCaption": "Trụ sở UBND xã Cẩm Thủy",
                "unitCode": "14932",
                "audience": {"visibleUntil": ends.isoformat()},
            },
        )["createArticle"]
        assert created["__typename"] == "ArticleResult", created
        uid, slug = created["article"]["id"], created["article"]["slug"]
        assert public(client, PUBLIC, slug=slug)["article"] is None  # a draft is not public

        approved = manage(client, APPROVE, id=uid)["approveArticle"]["article"]
        assert approved["status"] == "PUBLISHED"
        assert [d["action"] for d in approved["deliveries"]] == ["publish"]

        [stored] = wait_for(
            lambda: sandbox_get(sandbox, "/sites/14932/articles")["articles"], what="portal post"
        )
        assert stored["title"] == "Quyết định phê duyệt kế hoạch chuyển đổi số"
        assert "<script" not in stored["content_html"]
        webhooks = [
            r for r in sandbox_get(sandbox, "/__fake/requests")["requests"] if r["method"] == "POST"
        ]
        assert webhooks and all(r["signature_valid"] for r in webhooks)

        seen = public(client, PUBLIC, slug=slug)["article"]
        assert seen["cover"]["caption"] == "Trụ sở UBND xã Cẩm Thủy"
        listed = public(client, LIST)["articles"]
        assert [e["node"]["slug"] for e in listed["edges"]] == [slug]
        rss = ET.fromstring(client.get("/feeds/14932/rss.xml").content)
        assert [i.findtext("title") for i in rss.iter("item")] == [stored["title"]]
        assert rss.findtext("channel/title").endswith("Xã Cẩm Thủy")

        manage(client, UPDATE, id=uid, input={"title": "Quyết định phê duyệt kế hoạch (sửa đổi)"})
        # The public keeps the approved text until the edit is approved in turn.
        assert public(client, PUBLIC, slug=slug)["article"]["title"].startswith("Quyết định phê")
        assert "sửa đổi" not in public(client, PUBLIC, slug=slug)["article"]["title"]
        manage(client, APPROVE, id=uid)
        wait_for(
            lambda: (
                sandbox_get(sandbox, "/sites/14932/articles")["articles"][0]["title"]
                == "Quyết định phê duyệt kế hoạch (sửa đổi)"
            ),
            what="update on the portal",
        )

        wait_for(
            lambda: sandbox_get(sandbox, "/sites/14932/articles")["articles"] == [],
            timeout=30,
            what="take-down at expiry",
        )
        assert public(client, PUBLIC, slug=slug)["article"] is None
        assert public(client, LIST)["articles"]["totalCount"] == 0
        rss = ET.fromstring(client.get("/feeds/14932/rss.xml").content)
        assert list(rss.iter("item")) == []
        stats = sandbox_get(sandbox, "/__fake/stats")["sites"]["14932"]
        assert stats["article.published"] == 1 and stats["article.withdrawn"] == 1


def test_graphql_answers_on_its_exact_path_without_redirects(settings, ctx, tree):
    app = create_app(settings, ctx=ctx, embedded_worker=False)
    with TestClient(app, follow_redirects=False) as client:
        got = client.get("/graphql", params={"query": "{ categories { slug } }"})
        assert got.status_code == 200 and got.json() == {"data": {"categories": []}}
        posted = client.post("/graphql", json={"query": "{ categories { slug } }"})
        assert posted.status_code == 200
        assert client.get("/graphql", headers={"Accept": "text/html"}).status_code == 200
        assert (
            client.post("/api/graphql", json={"query": "{ categories { slug } }"}).status_code
            == 401
        )
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz").json()
        assert ready == {"status": "ok", "database": "ok", "schema": "ok", "redis": "ok"}
        headers = client.get("/healthz").headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
