"""The public read path's shape (issue 19): what it reads, where it runs, what it keeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.content import lookups as lookups_module
from core.content import queries
from core.content.lookups import Lookups
from core.context import Context
from tests.core.graphql.test_performance import counting

Gql = Callable[..., Any]

LIST = """query($unit: String, $category: String, $desc: Boolean!) {
  articles(unit: $unit, category: $category, includeDescendants: $desc, first: 20) {
    edges { node { title slug publishedAt category { name } unit { name } } } } }"""
LIST_WITH_BODY = """{ articles(first: 20) { edges { node { slug bodyHtml } } } }"""
DETAIL = """query($slug: String!) {
  article(slug: $slug) { title slug summary bodyHtml category { name } unit { name } } }"""


def listing(statements: list[str]) -> list[str]:
    """The statements that read article rows (not the lookups, not related tables)."""
    return [s for s in statements if "FROM articles" in s and "articles.title" in s]


def test_the_list_reads_neither_body_nor_search_text(
    public: TestClient, gql: Gql, ctx: Context, categories: dict[str, int], make_article: Any
) -> None:
    for i in range(3):
        make_article(f"Tin {i}", category="thong-bao", body_html=f"<p>Nội dung {i} dài</p>")
    with counting(ctx) as statements:
        body = gql(public, LIST, unit="14932", category="thong-bao", desc=True)
    assert "errors" not in body, body
    edges = body["data"]["articles"]["edges"]
    assert [e["node"]["title"] for e in edges] == ["Tin 2", "Tin 1", "Tin 0"]
    assert all(e["node"]["category"]["name"] == "Thông báo" for e in edges)
    read = listing(statements)
    assert len(read) == 1, statements
    assert "body_html" not in read[0] and "search_text" not in read[0], read[0]
    # Nor the JSON columns it never shows (decoded row by row otherwise).
    for column in ("moderation_spans", "genders", "scope_units"):
        assert column not in read[0], read[0]


def test_a_list_asking_for_the_body_gets_it_and_still_no_search_text(
    public: TestClient, gql: Gql, ctx: Context, make_article: Any
) -> None:
    make_article("Có nội dung", body_html="<p>Nội dung đầy đủ</p>")
    with counting(ctx) as statements:
        body = gql(public, LIST_WITH_BODY)
    assert body["data"]["articles"]["edges"][0]["node"]["bodyHtml"] == "<p>Nội dung đầy đủ</p>"
    read = listing(statements)
    assert "body_html" in read[0] and "search_text" not in read[0], read


def test_the_detail_answers_in_one_session_without_search_text(
    public: TestClient, gql: Gql, ctx: Context, categories: dict[str, int], make_article: Any
) -> None:
    article = make_article("Chi tiết", category="su-kien", body_html="<p>Bài đầy đủ</p>")
    with counting(ctx) as statements:
        gql(public, DETAIL, slug=article.slug)
    # Cold: the article, its category, its unit; three statements, no per-field round trips.
    assert len(statements) == 3, statements
    with counting(ctx) as statements:  # a comment makes it miss the response cache
        body = gql(public, DETAIL + " # again", slug=article.slug)
    found = body["data"]["article"]
    assert found["bodyHtml"] == "<p>Bài đầy đủ</p>"
    assert found["category"]["name"] == "Sự kiện" and found["unit"]["name"]
    assert "search_text" not in listing(statements)[0]
    # Warm: the category and unit rows are kept for the content generation; the article only.
    assert len(statements) == 1, statements


def test_the_database_work_runs_off_the_event_loop(
    public: TestClient,
    gql: Gql,
    make_article: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Requests overlap only if SQL runs in a thread, not on the loop that serves them all."""
    make_article("Tin")
    on_loop: list[bool] = []
    for name in ("list_published", "get_published_row"):
        real = getattr(queries, name)

        def spy(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            try:
                asyncio.get_running_loop()
                on_loop.append(True)
            except RuntimeError:
                on_loop.append(False)
            return _real(*args, **kwargs)

        monkeypatch.setattr(queries, name, spy)
    slug = gql(public, LIST, desc=True)["data"]["articles"]["edges"][0]["node"]["slug"]
    assert gql(public, DETAIL, slug=slug)["data"]["article"]["title"] == "Tin"
    assert on_loop == [False, False]


def test_a_large_subtree_is_matched_by_path_with_the_same_answer(
    public: TestClient, gql: Gql, make_article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_article("Tỉnh", unit="38")
    make_article("Xã", unit="14932")
    make_article("Xã khác", unit="15112")

    def titles(**args: Any) -> list[str]:
        body = gql(public, LIST, **args)
        return sorted(e["node"]["title"] for e in body["data"]["articles"]["edges"])

    by_ids = titles(unit="38", desc=True)
    assert by_ids == ["Tỉnh", "Xã", "Xã khác"]
    assert titles(unit="38", desc=False) == ["Tỉnh"]
    monkeypatch.setattr(lookups_module, "MAX_SUBTREE_IDS", 1)
    public.app.lookups = Lookups(lambda: 0)  # type: ignore[attr-defined]  # a fresh cache
    assert titles(unit="38", desc=True) == by_ids
    assert titles(unit="14932", desc=True) == ["Xã"]


def test_lookups_are_kept_until_the_content_generation_moves(
    ctx: Context, categories: dict[str, int], tree: dict[str, Any]
) -> None:
    generation = [0]
    kept = Lookups(lambda: generation[0])
    with ctx.sessions() as session, counting(ctx) as statements:
        first = kept.subtree(session, "38")
        assert kept.category_id(session, "thong-bao") == categories["thong-bao"]
        asked = len(statements)
        assert kept.subtree(session, "38") == first
        assert kept.category_id(session, "thong-bao") == categories["thong-bao"]
        assert len(statements) == asked  # kept: no statement
        assert kept.category_id(session, "khong-co") is None
        assert kept.category_id(session, "khong-co") is None
        assert len(statements) == asked + 2  # an unknown slug is asked again (it may appear)
        generation[0] += 1
        assert kept.subtree(session, "38") == first
        assert len(statements) > asked + 2  # a new generation asks again
    assert first.unit_id == tree["38"].id
    assert first.ids is not None and tree["14932"].id in first.ids
    with pytest.raises(LookupError), ctx.sessions() as session:
        kept.subtree(session, "99999")


def test_uncached_lookups_always_ask(ctx: Context, tree: dict[str, Any]) -> None:
    fresh = Lookups()
    with ctx.sessions() as session, counting(ctx) as statements:
        fresh.subtree(session, "38")
        once = len(statements)
        fresh.subtree(session, "38")
        assert len(statements) == 2 * once


def test_a_feed_list_still_carries_the_body(ctx: Context, make_article: Any) -> None:
    """Feeds and the sitemap read full bodies: only the GraphQL list leaves them out."""
    make_article("Cho RSS", body_html="<p>Toàn văn</p>")
    with ctx.sessions() as session:
        page = queries.list_published(session, with_total=False)
        assert page.articles[0].body_html == "<p>Toàn văn</p>"


CATEGORY_OF = """query($slug: String!) { article(slug: $slug) { category { name } } }"""


def test_a_renamed_or_retired_category_is_seen_at_once(
    ctx: Context, categories: dict[str, int], make_article: Any, public: TestClient, gql: Gql
) -> None:
    """A category change is an event like an article's: the response cache and the kept
    category ids start over in every process, so nobody reads the old name for 2 s or the
    retired category's articles until an article happens to change."""
    from core.actions import structure
    from core.auth.permissions import SYSTEM

    article = make_article("Lịch tiếp dân", category="thong-bao")

    def name() -> Any:
        return gql(public, CATEGORY_OF, slug=article.slug)["data"]["article"]["category"]

    def listed() -> list[str]:
        answer = gql(public, LIST, unit="14932", category="thong-bao", desc=False)
        return [e["node"]["slug"] for e in answer["data"]["articles"]["edges"]]

    before = name()["name"]
    assert listed() == [article.slug]
    structure.rename_category(ctx, SYSTEM, categories["thong-bao"], "Thông báo mới")
    assert name()["name"] == "Thông báo mới" != before
    generation = ctx.content_generation()
    structure.set_category_active(ctx, SYSTEM, categories["thong-bao"], False)
    assert ctx.content_generation() > generation
