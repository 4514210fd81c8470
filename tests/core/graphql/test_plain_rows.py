"""The public list and detail read plain rows; every field must equal the ORM path's answer.

``node(id:)`` still builds its article from the ORM object (``public_article``), so it
is the slow path to compare with: for every article and every field the article type
has, the list (with and without the body), the detail and ``node`` answer the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

Gql = Callable[..., Any]

FIELDS = """id uid kind slug title summary source author publishedAt publishedAtLocal updatedAt
    visibleUntil interactionsAllowed url cover { url caption srcset image { url } }
    category { id slug name } unit { id code name level } agency { name }"""
LIST = """query($b: Boolean!) {
    articles(first: 50) { edges { cursor node { %s bodyHtml @include(if: $b) } } } }"""
DETAIL = "query($slug: String!) { article(slug: $slug) { %s bodyHtml } }"
NODE = "query($id: ID!) { node(id: $id) { ... on Article { %s bodyHtml } } }"


@pytest.mark.usefixtures("varied_articles")
def test_rows_answer_as_the_orm_objects_do(public: TestClient, gql: Gql) -> None:
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
