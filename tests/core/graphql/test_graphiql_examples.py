"""GraphiQL opens with a commune home page's queries, and every one of them runs as written."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from core.context import Context
from core.graphql import ide
from core.graphql.examples import EXAMPLES
from tests.core.graphql.test_former_units import load as load_former_units

Gql = Callable[..., Any]


def test_every_example_runs_against_the_public_schema(
    public: TestClient,
    gql: Gql,
    ctx: Context,
    tree: dict[str, Any],
    make_article: Any,
    categories: dict[str, int],
) -> None:
    load_former_units(ctx, tree)
    make_article("Băng rôn Tết", kind="banner")
    make_article("Họp dân", category="thong-bao")
    make_article("Lịch cắt điện", kind="notice")
    make_article("Ví dụ", slug="vi-du")
    for example in EXAMPLES:
        body = gql(public, example.query, **example.variables)
        assert "errors" not in body, (example.query, body)
    home = gql(public, EXAMPLES[0].query, **EXAMPLES[0].variables)["data"]
    assert home["donVi"] == {"code": "14932", "name": "Xã Cẩm Thủy"}
    assert [e["node"]["title"] for e in home["bangRon"]["edges"]] == ["Băng rôn Tết"]
    assert [e["node"]["title"] for e in home["thongBao"]["edges"]] == ["Lịch cắt điện"]
    assert {e["node"]["title"] for e in home["tinMoi"]["edges"]} == {"Họp dân", "Ví dụ"}


def test_the_page_hands_graphiql_one_tab_per_example() -> None:
    page = ide.page("/graphql").body.decode()
    start = page.index('id="loa-graphiql">') + len('id="loa-graphiql">')
    config = json.loads(page[start : page.index("</script>", start)])
    assert [t["query"] for t in config["tabs"]] == [e.query for e in EXAMPLES]
    assert json.loads(config["tabs"][0]["variables"]) == {"unit": "14932"}
    assert "Trang chủ" in config["defaultQuery"]
