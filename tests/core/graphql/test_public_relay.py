"""The public API as a front-end developer pages it: Relay in both directions, nodes, filters."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

NOW = dt.datetime.now(dt.UTC)
MakeArticle = Callable[..., Any]
Gql = Callable[..., Any]

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String) {
  articles(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { title } }
  }
}
"""


def page(gql: Gql, client: TestClient, **args: Any) -> dict[str, Any]:
    body = gql(client, PAGE, **args)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["articles"]
    return result


def names(result: dict[str, Any]) -> list[str]:
    return [e["node"]["title"] for e in result["edges"]]


def seven(make_article: MakeArticle) -> None:
    for i in range(7):
        make_article(f"Tin {i}", approved_at=NOW - dt.timedelta(minutes=10 - i))


def test_last_and_before_walk_backwards_through_what_first_and_after_walked(
    gql: Gql, public: TestClient, make_article: MakeArticle
) -> None:
    seven(make_article)
    forward: list[str] = []
    cursors: list[dict[str, Any]] = []
    after = None
    while True:
        p = page(gql, public, first=3, after=after)
        forward += names(p)
        cursors.append(p["pageInfo"])
        assert p["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not p["pageInfo"]["hasNextPage"]:
            break
        after = p["pageInfo"]["endCursor"]
    assert forward == [f"Tin {i}" for i in range(6, -1, -1)]
    # From the oldest end: the last three, then the three before them, then the rest.
    tail = page(gql, public, last=3)
    assert names(tail) == ["Tin 2", "Tin 1", "Tin 0"]
    assert tail["pageInfo"]["hasPreviousPage"] is True
    assert tail["pageInfo"]["hasNextPage"] is False
    assert tail["pageInfo"]["startCursor"] == tail["edges"][0]["cursor"]
    back = page(gql, public, last=3, before=tail["pageInfo"]["startCursor"])
    assert names(back) == ["Tin 5", "Tin 4", "Tin 3"]
    assert back["pageInfo"]["hasNextPage"] is True and back["pageInfo"]["hasPreviousPage"]
    top = page(gql, public, last=3, before=back["pageInfo"]["startCursor"])
    assert names(top) == ["Tin 6"]
    assert top["pageInfo"]["hasPreviousPage"] is False
    # A cursor from the forward walk is good backwards too, and the old first/after one still is.
    middle = page(gql, public, last=2, before=cursors[1]["endCursor"])
    assert names(middle) == ["Tin 3", "Tin 2"]
    assert names(page(gql, public, first=2, after=cursors[0]["endCursor"])) == ["Tin 3", "Tin 2"]
    # first and last together: the first page, then its last items (Relay's algorithm).
    assert names(page(gql, public, first=4, last=2)) == ["Tin 4", "Tin 3"]


def test_default_page_and_bad_paging_arguments_are_typed(
    gql: Gql, public: TestClient, make_article: MakeArticle
) -> None:
    for i in range(22):
        make_article(f"Tin {i}", approved_at=NOW - dt.timedelta(minutes=30 - i))
    default = page(gql, public)
    assert len(default["edges"]) == 20 and default["pageInfo"]["hasNextPage"]
    for args, field in (
        ({"last": 0}, "last"),
        ({"last": 101}, "last"),
        ({"before": "x"}, "before"),
    ):
        body = gql(public, PAGE, **args)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
        assert field in body["errors"][0]["extensions"]["fields"]


def test_node_refetches_articles_units_and_categories_by_global_id(
    gql: Gql, public: TestClient, make_article: MakeArticle, categories: dict[str, int]
) -> None:
    make_article("Họp dân", category="thong-bao")
    make_article("Bản nháp", publish=False)
    listed = gql(
        public,
        "{ articles { edges { node { id uid title unit { id code } category { id slug } } } } }",
    )["data"]["articles"]["edges"]
    assert len(listed) == 1
    node = listed[0]["node"]
    query = """query($id: ID!) { node(id: $id) { __typename id
        ... on Article { title } ... on Unit { code name } ... on Category { slug } } }"""
    found = gql(public, query, id=node["id"])["data"]["node"]
    assert found == {"__typename": "Article", "id": node["id"], "title": "Họp dân"}
    # The UUID earlier versions gave as `id` still finds the article.
    assert gql(public, query, id=node["uid"])["data"]["node"]["id"] == node["id"]
    unit = gql(public, query, id=node["unit"]["id"])["data"]["node"]
    assert unit["__typename"] == "Unit" and unit["code"] == "14932"
    category = gql(public, query, id=node["category"]["id"])["data"]["node"]
    assert category == {"__typename": "Category", "id": node["category"]["id"], "slug": "thong-bao"}
    # Ids that name nothing public answer null, never an error.
    for stale in ("", "bm9wZQ==", "QXJ0aWNsZTpub3Bl", "not base64!", node["id"][:-4]):
        body = gql(public, query, id=stale)
        assert body == {"data": {"node": None}}, (stale, body)


FILTER = """query($kinds: [String!], $category: String, $unit: String, $from: DateTime,
                  $to: DateTime) {
  articles(kinds: $kinds, category: $category, unit: $unit, publishedFrom: $from,
           publishedTo: $to) { totalCount edges { node { title kind } } }
}"""


def filtered(gql: Gql, client: TestClient, **args: Any) -> list[str]:
    body = gql(client, FILTER, **args)
    assert "errors" not in body, body
    return sorted(e["node"]["title"] for e in body["data"]["articles"]["edges"])


def test_filters_by_kind_category_unit_subtree_and_dates(
    gql: Gql, public: TestClient, make_article: MakeArticle, categories: dict[str, int]
) -> None:
    days = [NOW - dt.timedelta(days=d) for d in (30, 10, 2)]
    make_article("Băng rôn", unit="14932", kind="banner", approved_at=days[2])
    make_article(
        "Thông báo", unit="15112", kind="notice", category="thong-bao", approved_at=days[1]
    )
    make_article("Tin Hà Nội", unit="00004", category="thong-bao", approved_at=days[0])
    assert filtered(gql, public, kinds=["banner"]) == ["Băng rôn"]
    assert filtered(gql, public, kinds=["banner", "notice"]) == ["Băng rôn", "Thông báo"]
    assert filtered(gql, public, category="thong-bao") == ["Thông báo", "Tin Hà Nội"]
    assert filtered(gql, public, category="thong-bao", unit="38") == ["Thông báo"]
    week_ago = (NOW - dt.timedelta(days=7)).isoformat()
    assert filtered(gql, public, **{"from": week_ago}) == ["Băng rôn"]
    assert filtered(gql, public, to=week_ago) == ["Thông báo", "Tin Hà Nội"]
    month = (NOW - dt.timedelta(days=20)).isoformat()
    assert filtered(gql, public, **{"from": month, "to": week_ago}) == ["Thông báo"]
    kinds = gql(public, "{ articles { edges { node { kind } } } }")["data"]["articles"]["edges"]
    assert sorted(e["node"]["kind"] for e in kinds) == ["article", "banner", "notice"]
    for args, field in (
        ({"kinds": ["tin-gia"]}, "kinds"),
        ({"from": "2026-01-01T00:00:00"}, "publishedFrom"),
    ):
        body = gql(public, FILTER, **args)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
        assert field in body["errors"][0]["extensions"]["fields"]


def test_cursors_and_instants_no_database_can_hold_are_bad_input(
    gql: Gql, public: TestClient
) -> None:
    huge_id = base64.urlsafe_b64encode(b"1700000000.000000|99999999999").decode()
    huge_time = base64.urlsafe_b64encode(b"1e300|5").decode()
    for args, field in (
        ({"after": huge_id}, "after"),
        ({"before": huge_time}, "before"),
    ):
        body = gql(public, PAGE, **args)
        assert body["errors"][0]["extensions"]["fields"] == {field: "not a cursor this API issued"}
    early = gql(public, FILTER, **{"from": "0001-01-01T00:00:00+07:00"})
    assert early["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", early
