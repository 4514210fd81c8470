"""Cost of a page: a constant number of SQL statements, and a response cache that stays correct."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from starlette.testclient import TestClient

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.content.lookups import Lookups
from core.content.models import Agency
from core.context import Context

Gql = Callable[..., Any]

PAGE = """query($first: Int!, $unit: String) { articles(first: $first, unit: $unit) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id title publishedAtLocal cover { url }
    category { slug name } unit { code name level } agency { name } } } } }"""


@contextmanager
def counting(ctx: Context) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(ctx.engine, "before_cursor_execute", record)


def test_a_page_costs_the_same_for_5_or_20(
    public: TestClient,
    gql: Gql,
    ctx: Context,
    tree: dict[str, Any],
    categories: dict[str, int],
    make_article: Any,
) -> None:
    with ctx.transaction() as session:
        agencies = [Agency(name=f"UBND {c}", unit_id=tree[c].id) for c in ("38", "14932")]
        session.add_all(agencies)
        session.flush()
        agency_ids = [a.id for a in agencies]
    units = ["38", "14932", "14950", "15112"]
    for i in range(25):
        make_article(
            f"Tin {i}",
            unit=units[i % 4],
            category=["thong-bao", "su-kien"][i % 2],
            agency_id=agency_ids[i % 2],
        )

    def costs(note: str) -> dict[tuple[int, str | None], int]:
        counts = {}
        for first in (5, 20):
            for unit in (None, "38"):
                with counting(ctx) as statements:  # a comment: past the response cache
                    body = gql(public, f"{PAGE} # {note}", first=first, unit=unit)
                assert "errors" not in body, body
                edges = body["data"]["articles"]["edges"]
                assert all(e["node"]["category"] and e["node"]["agency"] for e in edges)
                counts[first, unit] = len(statements)
        return counts

    public.app.lookups = Lookups()  # type: ignore[attr-defined]  # nothing kept
    cold = costs("cold")
    # One query per related table (category, unit, agency) and one for the covers, batched;
    # a unit adds its subtree's lookup.
    assert cold[5, None] == cold[20, None] <= 6, cold
    assert cold[5, "38"] == cold[20, "38"] <= cold[5, None] + 2, cold
    public.app.lookups = Lookups(lambda: 0)  # type: ignore[attr-defined]  # kept (one generation)
    for unit in (None, "38"):  # keeps unit 38's subtree and every related row a page shows
        gql(public, PAGE, first=20, unit=unit)
    warm = costs("warm")
    # A unit costs nothing more once its subtree is known (until content changes), nor do
    # the related rows: the page, its count and its covers.
    assert warm[5, None] == warm[20, None] == warm[5, "38"] == warm[20, "38"], warm
    assert warm[5, None] == cold[5, None] - 3, (warm, cold)


def test_response_cache_is_dropped_when_content_changes(
    public: TestClient, gql: Gql, ctx: Context, make_article: Any
) -> None:
    query = "{ articles { totalCount edges { node { title } } } }"
    assert gql(public, query)["data"]["articles"]["totalCount"] == 0
    with counting(ctx) as statements:
        assert gql(public, query)["data"]["articles"]["totalCount"] == 0
    assert statements == []  # served from the cache
    article = make_article("Mới")
    assert gql(public, query)["data"]["articles"]["totalCount"] == 1
    actions.update(ctx, SYSTEM, article.id, {"title": "Mới sửa"})
    actions.approve(ctx, SYSTEM, article.id)  # the edit of a live item goes out once approved
    assert gql(public, query)["data"]["articles"]["edges"][0]["node"]["title"] == "Mới sửa"
    actions.retract(ctx, SYSTEM, article.id, "")
    assert gql(public, query)["data"]["articles"]["totalCount"] == 0


def test_errors_are_not_cached(public: TestClient, gql: Gql, ctx: Context) -> None:
    query = '{ units(parent: "38") { code } }'
    assert gql(public, query)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    with counting(ctx) as statements:
        gql(public, query)
    assert statements


def test_more_concurrent_requests_than_pooled_connections(
    ctx: Context, make_article: Any, categories: dict[str, int]
) -> None:
    """A request must not hold a connection across an await: 3x the pool size, all answered."""
    import asyncio

    import httpx

    from core.graphql import public_app

    for i in range(3):
        make_article(f"Tin {i}", category="thong-bao")
    app = public_app(ctx)
    concurrent = 3 * (ctx.engine.pool.size() + 10)  # type: ignore[attr-defined]

    async def main() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            responses = await asyncio.gather(
                *(
                    client.post("/", json={"query": PAGE, "variables": {"first": 1 + i % 20}})
                    for i in range(concurrent)
                )
            )
        assert all("errors" not in r.json() for r in responses)
        return [r.status_code for r in responses]

    statuses = asyncio.run(asyncio.wait_for(main(), timeout=60))
    assert statuses == [200] * concurrent
