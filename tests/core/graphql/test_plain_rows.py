"""The public list and detail read plain rows; every field must equal the ORM path's answer.

``node(id:)`` still builds its article from the ORM object (``public_article``), so it
is the slow path to compare with: for every article and every field the article type
has, the list (with and without the body), the detail and ``node`` answer the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.content.models import Agency
from core.context import Context

Gql = Callable[..., Any]
NOW = dt.datetime.now(dt.UTC)

FIELDS = """id uid kind slug title summary source author publishedAt publishedAtLocal updatedAt
    visibleUntil interactionsAllowed url cover { url caption srcset image { url } }
    category { id slug name } unit { id code name level } agency { name }"""
LIST = """query($b: Boolean!) {
    articles(first: 50) { edges { cursor node { %s bodyHtml @include(if: $b) } } } }"""
DETAIL = "query($slug: String!) { article(slug: $slug) { %s bodyHtml } }"
NODE = "query($id: ID!) { node(id: $id) { ... on Article { %s bodyHtml } } }"


@pytest.fixture
def agency_id(ctx: Context, tree: dict[str, Any]) -> int:
    with ctx.transaction() as session:
        agency = Agency(name="UBND xã Cẩm Thủy", unit_id=tree["14932"].id)
        session.add(agency)
        session.flush()
        return agency.id


@pytest.mark.usefixtures("categories")
def test_rows_answer_as_the_orm_objects_do(
    public: TestClient, gql: Gql, agency_id: int, make_article: Any
) -> None:
    make_article("Trống")  # no category, cover, agency or window: the defaults
    texts = {"summary": "Tóm tắt", "source": "UBND xã", "author_name": "Nguyễn Văn A"}
    cover = {"cover_url": "https://img.example/a.jpg", "cover_caption": "Ảnh minh họa"}
    make_article(
        "Quyết định số 5",
        unit="38",
        body_html="<p>Nội dung đầy đủ</p>",
        category="thong-bao",
        agency_id=agency_id,
        **texts,
        **cover,
        audience={
            "visible_until": (NOW + dt.timedelta(days=3)).isoformat(),
            "interactions_allowed": False,
        },
    )
    make_article("Sự kiện", category="su-kien", body_html="<p>Hai</p>")
    listed = gql(public, LIST % FIELDS, b=True)
    assert "errors" not in listed, listed
    edges = listed["data"]["articles"]["edges"]
    assert len(edges) == 3
    bodiless = gql(public, LIST % FIELDS, b=False)["data"]["articles"]["edges"]
    for edge, short in zip(edges, bodiless, strict=True):
        node = edge["node"]
        slow = gql(public, NODE % FIELDS, id=node["id"])["data"]["node"]
        assert node == slow
        assert gql(public, DETAIL % FIELDS, slug=node["slug"])["data"]["article"] == slow
        assert short["cursor"] == edge["cursor"]
        assert short["node"] == {k: v for k, v in node.items() if k != "bodyHtml"}
    full = next(e["node"] for e in edges if e["node"]["title"] == "Quyết định số 5")
    assert full["interactionsAllowed"] is False and full["visibleUntil"]
    assert full["agency"] == {"name": "UBND xã Cẩm Thủy"}
    assert full["cover"]["caption"] == "Ảnh minh họa"
