"""Helpers for GraphQL tests: content made through the real actions, and HTTP clients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.content.models import Agency, Article, Category
from core.context import Context
from core.graphql import management_app, public_app

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def categories(ctx: Context, tree: dict[str, Any]) -> dict[str, int]:
    with ctx.transaction() as session:
        rows = [
            Category(slug="thong-bao", name="Thông báo"),
            Category(slug="su-kien", name="Sự kiện"),
        ]
        session.add_all(rows)
        session.flush()
        return {c.slug: c.id for c in rows}


MakeArticle = Callable[..., Article]


@pytest.fixture
def make_article(ctx: Context, tree: dict[str, Any]) -> MakeArticle:
    """``make_article(title, unit="14932", publish=True, approved_at=None, **fields)``."""

    def make(
        title: str,
        unit: str = "14932",
        *,
        publish: bool = True,
        approved_at: dt.datetime | None = None,
        **fields: Any,
    ) -> Article:
        data = {"title": title, "unit_code": unit, "summary": "", "body_html": "", **fields}
        article = actions.create(ctx, SYSTEM, data)
        if publish:
            article = actions.approve(ctx, SYSTEM, article.id, now=approved_at)
        return article

    return make


@pytest.fixture
def varied_articles(
    ctx: Context, tree: dict[str, Any], categories: dict[str, int], make_article: MakeArticle
) -> None:
    """Three articles between them using every public field, and one using none (defaults)."""
    with ctx.transaction() as session:
        agency = Agency(name="UBND xã Cẩm Thủy", unit_id=tree["14932"].id)
        session.add(agency)
        session.flush()
        agency_id = agency.id
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


@pytest.fixture
def public(ctx: Context) -> Iterator[TestClient]:
    with TestClient(public_app(ctx), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def management(ctx: Context) -> Iterator[TestClient]:
    with TestClient(management_app(ctx), raise_server_exceptions=False) as client:
        yield client


def _gql(client: TestClient, query: str, token: str | None = None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post("/", json={"query": query, "variables": variables}, headers=headers)
    return response.json()


@pytest.fixture
def gql() -> Callable[..., Any]:
    """``gql(client, query, token=None, **variables)``: POST, return the decoded JSON body."""
    return _gql
