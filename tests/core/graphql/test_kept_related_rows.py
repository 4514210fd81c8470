"""The category, unit and agency rows a public page shows, kept per content generation.

A warm uncached request reads its articles and nothing else; a renamed category, unit or
agency is an event that moves the generation, so the next answer shows the new name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import update
from starlette.testclient import TestClient

from core.actions import structure
from core.auth.permissions import SYSTEM
from core.content.lookups import Lookups
from core.content.models import Agency, Category
from core.context import Context
from core.db import Base, make_engine, make_sessionmaker
from core.units.models import Unit
from tests.core.graphql.test_performance import counting

Gql = Callable[..., Any]

DETAIL = """query($slug: String!) {
  article(slug: $slug) { category { name } unit { name shortName } agency { name } } }"""
LIST = """{ articles(first: 20) { edges { node {
  slug url category { slug name } unit { code name } agency { name website } } } } }"""


def _agency(ctx: Context, tree: dict[str, Any], name: str, unit: str = "14932") -> int:
    with ctx.transaction() as session:
        agency = Agency(name=name, unit_id=tree[unit].id, website=f"https://{unit}.example")
        session.add(agency)
        session.flush()
        return agency.id


def test_a_warm_page_reads_only_its_articles_and_keeps_nothing_without_an_event(
    ctx: Context,
    tree: dict[str, Any],
    categories: dict[str, int],
    make_article: Any,
    public: TestClient,
    gql: Gql,
) -> None:
    article = make_article("Tin", category="thong-bao", agency_id=_agency(ctx, tree, "UBND"))
    with counting(ctx) as statements:
        gql(public, DETAIL, slug=article.slug)
    assert len(statements) == 4, statements  # the article, its category, unit and agency
    with counting(ctx) as statements:
        gql(public, DETAIL + " # again", slug=article.slug)  # a comment: past the cache
    assert len(statements) == 1, statements
    # Kept, not re-read: a change made behind Loa's back (no event) is not seen...
    with ctx.transaction() as session:
        session.execute(update(Category).values(name="Đổi ngầm"))
    answer = gql(public, DETAIL + " # third", slug=article.slug)["data"]["article"]
    assert answer["category"]["name"] == "Thông báo"
    ctx.emit("category.changed", {"id": categories["thong-bao"]})  # ...until an event says so
    answer = gql(public, DETAIL, slug=article.slug)["data"]["article"]
    assert answer["category"]["name"] == "Đổi ngầm"


def test_a_renamed_unit_is_seen_at_once(
    ctx: Context, tree: dict[str, Any], make_article: Any, public: TestClient, gql: Gql
) -> None:
    """``loa units sync`` commits the new names, then emits ``unit.synced``."""
    article = make_article("Tin xã", unit="14932")

    def unit() -> Any:
        return gql(public, DETAIL, slug=article.slug)["data"]["article"]["unit"]

    before = unit()
    with ctx.transaction() as session:
        session.execute(
            update(Unit)
            .where(Unit.id == tree["14932"].id)
            .values(name="Xã Cẩm Thủy Mới", short_name="Cẩm Thủy Mới")
        )
    ctx.emit("unit.synced", {"updated": 1})  # as core.cli's sync does
    after = unit()
    assert after == {"name": "Xã Cẩm Thủy Mới", "shortName": "Cẩm Thủy Mới"} != before


def test_a_renamed_agency_is_seen_at_once(
    ctx: Context, tree: dict[str, Any], make_article: Any, public: TestClient, gql: Gql
) -> None:
    agency_id = _agency(ctx, tree, "UBND xã Cẩm Thủy")
    article = make_article("Tin", agency_id=agency_id)

    def agency() -> Any:
        return gql(public, DETAIL, slug=article.slug)["data"]["article"]["agency"]

    assert agency() == {"name": "UBND xã Cẩm Thủy"}
    structure.rename_agency(ctx, SYSTEM, agency_id, "Ủy ban nhân dân xã Cẩm Thủy")
    assert agency() == {"name": "Ủy ban nhân dân xã Cẩm Thủy"}


def test_a_changed_portal_template_is_seen_at_once(
    ctx: Context, tree: dict[str, Any], make_article: Any, public: TestClient, gql: Gql
) -> None:
    """``Article.url`` comes from the unit's (or its province's) portal template, kept with
    the rows; setting one emits ``unit.portal``."""
    article = make_article("Tin xã", unit="14932")
    query = """query($slug: String!) { article(slug: $slug) { url } }"""

    def url(note: str = "") -> str:
        return gql(public, query + note, slug=article.slug)["data"]["article"]["url"]

    assert url().endswith(f"/articles/{article.slug}")
    with counting(ctx) as statements:
        assert url(" # warm").endswith(f"/articles/{article.slug}")
    assert len(statements) == 1, statements  # the article; the template is kept
    with ctx.transaction() as session:
        session.execute(
            update(Unit)
            .where(Unit.id == tree["38"].id)
            .values(portal_url_template="https://thanhhoa.gov.vn/tin/{slug}")
        )
    ctx.emit("unit.portal", {"unit": "38"})  # as core.actions.unit_portals.set_portal does
    assert url() == f"https://thanhhoa.gov.vn/tin/{article.slug}"


def test_a_kept_row_is_never_another_rows(
    ctx: Context,
    tree: dict[str, Any],
    categories: dict[str, int],
    make_article: Any,
    public: TestClient,
    gql: Gql,
) -> None:
    """Articles with different (and, across tables, equal) ids: the warm answer, read from
    kept rows, is the one nothing kept gives."""
    agencies = [_agency(ctx, tree, "UBND tỉnh", "38"), _agency(ctx, tree, "UBND xã")]
    for i, (slug, unit) in enumerate(
        [("thong-bao", "38"), ("su-kien", "14932"), ("su-kien", "15112"), (None, "14950")]
    ):
        make_article(f"Tin {i}", unit=unit, category=slug, agency_id=agencies[i % 2])
    cold = gql(public, LIST)
    gql(public, LIST + " # warm the kept rows")
    warm = gql(public, LIST + " # from the kept rows")
    public.app.lookups = Lookups()  # type: ignore[attr-defined]  # keeps nothing
    slow = gql(public, LIST + " # nothing kept")
    assert "errors" not in warm, warm
    assert warm["data"] == cold["data"] == slow["data"]
    nodes = [e["node"] for e in warm["data"]["articles"]["edges"]]
    assert {n["unit"]["code"] for n in nodes} == {"38", "14932", "15112", "14950"}
    assert {n["agency"]["name"] for n in nodes} == {"UBND tỉnh", "UBND xã"}


def test_kept_rows_are_not_shared_between_two_databases(
    ctx: Context, categories: dict[str, int], tmp_path: Path
) -> None:
    """One Lookups asked through sessions of two databases answers each with its own row."""
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    Base.metadata.create_all(other, tables=[Unit.__table__, Category.__table__])  # type: ignore[list-item]
    category_id = categories["thong-bao"]
    with make_sessionmaker(other).begin() as session:
        session.add(Category(id=category_id, slug="khac", name="Chuyên mục khác"))
    kept = Lookups(lambda: 0)  # one generation throughout

    def name(sessions: Any) -> str:
        with sessions() as session:
            return kept.rows(session, Category, {category_id})[category_id].name

    try:
        assert name(ctx.sessions) == "Thông báo"
        assert name(make_sessionmaker(other)) == "Chuyên mục khác"
        assert name(ctx.sessions) == "Thông báo"
    finally:
        other.dispose()


def test_fields_asked_through_fragments_are_kept_too(
    ctx: Context, categories: dict[str, int], make_article: Any, public: TestClient, gql: Gql
) -> None:
    make_article("Tin", category="su-kien")
    query = """{ articles(first: 5) { edges { node { ...Card } } } }
      fragment Card on Article { slug link: url ... on Article { category { name } } }"""
    cold = gql(public, query)
    with counting(ctx) as statements:
        warm = gql(public, query + " # warm")
    assert warm == cold and "errors" not in warm, warm
    node = warm["data"]["articles"]["edges"][0]["node"]
    assert node["category"] == {"name": "Sự kiện"} and node["link"].endswith(node["slug"])
    assert len(statements) == 1, statements  # the page; category and template kept
