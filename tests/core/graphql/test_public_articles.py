"""The public article list and lookup: pagination, filters, search and the visibility rules."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import Context

NOW = dt.datetime.now(dt.UTC)
MakeArticle = Callable[..., Any]
Gql = Callable[..., Any]

LIST = """
query($first: Int!, $after: String, $unit: String, $desc: Boolean!, $category: String,
      $search: String) {
  articles(first: $first, after: $after, unit: $unit, includeDescendants: $desc,
           category: $category, search: $search) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id slug title category { slug name } unit { code name level } } }
  }
}
"""


def titles(gql: Gql, client: TestClient, **args: Any) -> list[str]:
    variables = {"first": 20, "desc": True, **args}
    body = gql(client, LIST, **variables)
    assert "errors" not in body, body
    return [e["node"]["title"] for e in body["data"]["articles"]["edges"]]


def test_pagination_walks_every_item_once(
    gql: Gql, public: TestClient, make_article: MakeArticle
) -> None:
    for i in range(5):
        make_article(f"Tin {i}", approved_at=NOW - dt.timedelta(minutes=10 - i))
    first = gql(public, LIST, first=2, desc=True)["data"]["articles"]
    assert first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["title"] for e in first["edges"]] == ["Tin 4", "Tin 3"]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    seen = [e["node"]["title"] for e in first["edges"]]
    after = first["pageInfo"]["endCursor"]
    while after:
        page = gql(public, LIST, first=2, after=after, desc=True)["data"]["articles"]
        assert page["totalCount"] == 5
        seen += [e["node"]["title"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert seen == ["Tin 4", "Tin 3", "Tin 2", "Tin 1", "Tin 0"]


def test_first_is_bounded_and_cursor_checked(gql: Gql, public: TestClient) -> None:
    for first in (0, 101, -1):
        body = gql(public, LIST, first=first, desc=True)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert body["errors"][0]["extensions"]["fields"] == {"first": "must be between 1 and 100"}
    body = gql(public, LIST, first=5, after="not-a-cursor", desc=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_unit_with_and_without_descendants(
    gql: Gql, public: TestClient, make_article: MakeArticle
) -> None:
    make_article("Tỉnh", unit="38")
    make_article("Cẩm Thủy", unit="14932")
    make_article("Hạc Thành", unit="15112")
    make_article("Ba Đình", unit="00004")
    assert sorted(titles(gql, public, unit="38")) == ["Cẩm Thủy", "Hạc Thành", "Tỉnh"]
    assert titles(gql, public, unit="38", desc=False) == ["Tỉnh"]
    assert titles(gql, public, unit="14932") == ["Cẩm Thủy"]
    assert len(titles(gql, public, unit="VN")) == 4
    body = gql(public, LIST, first=5, unit="99999", desc=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_category_filter(
    gql: Gql, public: TestClient, make_article: MakeArticle, categories: dict[str, int]
) -> None:
    make_article("Lịch cắt điện", category="thong-bao")
    make_article("Lễ hội", category="Sự kiện")
    make_article("Không phân loại")
    assert titles(gql, public, category="thong-bao") == ["Lịch cắt điện"]
    assert titles(gql, public, category="su-kien") == ["Lễ hội"]
    assert titles(gql, public, category="khong-co") == []
    body = gql(public, LIST, first=5, category="su-kien", desc=True)
    node = body["data"]["articles"]["edges"][0]["node"]
    assert node["category"] == {"slug": "su-kien", "name": "Sự kiện"}
    assert node["unit"] == {"code": "14932", "name": "Xã Cẩm Thủy", "level": "commune"}


def test_search_ignores_diacritics(gql: Gql, public: TestClient, make_article: MakeArticle) -> None:
    make_article("Quyết định về phòng cháy")
    make_article("Thông báo tuyển dụng", summary="Theo quyết định số 12")
    make_article("Lịch tiếp dân")
    expected = ["Thông báo tuyển dụng", "Quyết định về phòng cháy"]
    assert titles(gql, public, search="quyet dinh") == expected
    assert titles(gql, public, search="Quyết định") == expected
    assert titles(gql, public, search="QUYẾT ĐỊNH") == expected
    assert titles(gql, public, search="tiep dan") == ["Lịch tiếp dân"]
    assert titles(gql, public, search="100%_") == []


def test_only_published_in_window(
    gql: Gql, public: TestClient, make_article: MakeArticle, ctx: Context
) -> None:
    make_article("Công khai")
    make_article("Bản nháp", publish=False)
    make_article(
        "Đã hết hạn",
        approved_at=NOW - dt.timedelta(days=2),
        audience={"visible_until": (NOW - dt.timedelta(days=1)).isoformat()},
    )
    make_article("Hẹn giờ", audience={"visible_from": (NOW + dt.timedelta(days=1)).isoformat()})
    later = make_article("Dời lịch")
    actions.update(
        ctx, SYSTEM, later.id, {"audience": {"visible_from": NOW + dt.timedelta(hours=1)}}
    )
    actions.approve(ctx, SYSTEM, later.id)  # an edit of a live item counts once approved
    retracted = make_article("Thu hồi")
    actions.retract(ctx, SYSTEM, retracted.id, "sai sót")
    body = gql(public, LIST, first=20, desc=True)["data"]["articles"]
    assert [e["node"]["title"] for e in body["edges"]] == ["Công khai"]
    assert body["totalCount"] == 1
    for slug in ("ban-nhap", "da-het-han", "hen-gio", "doi-lich", "thu-hoi"):
        one = gql(public, "query($s: String!) { article(slug: $s) { title } }", s=slug)
        assert one == {"data": {"article": None}}, slug
    assert titles(gql, public, search="het han") == []


def test_article_by_slug_has_every_field(
    gql: Gql, public: TestClient, make_article: MakeArticle, categories: dict[str, int]
) -> None:
    make_article(
        "Quyết định số 5",
        summary="Tóm tắt",
        body_html="<p>Nội dung</p><script>alert(1)</script>",
        cover_url="https://img.example/a.jpg",
        cover_caption="Ảnh minh họa",
        source="UBND xã",
        author_name="Nguyễn Văn A",
        category="thong-bao",
        audience={"visible_until": (NOW + dt.timedelta(days=3)).isoformat()},
    )
    query = """query { article(slug: "quyet-dinh-so-5") {
        id uid kind slug title summary bodyHtml cover { url caption } source author agency { name }
        category { slug name } unit { code name level } publishedAt publishedAtLocal updatedAt
        visibleUntil url interactionsAllowed } }"""
    body = gql(public, query)
    a = body["data"]["article"]
    assert a["title"] == "Quyết định số 5"
    assert a["bodyHtml"] == "<p>Nội dung</p>"
    assert a["cover"] == {"url": "https://img.example/a.jpg", "caption": "Ảnh minh họa"}
    assert a["agency"] is None
    assert a["url"] == "http://loa.test/articles/quyet-dinh-so-5"
    assert a["publishedAt"].endswith("+00:00")
    assert a["publishedAtLocal"].endswith("+07:00")
    published = dt.datetime.fromisoformat(a["publishedAt"])
    assert dt.datetime.fromisoformat(a["publishedAtLocal"]) == published
    assert a["visibleUntil"] is not None and a["interactionsAllowed"] is True
    assert len(a["uid"]) == 36 and a["kind"] == "article"
    assert base64.urlsafe_b64decode(a["id"]).decode() == f"Article:{a['uid']}"  # a global id


def test_units_and_categories(gql: Gql, public: TestClient, categories: dict[str, int]) -> None:
    body = gql(public, "{ units { code name level } categories { slug name } }")["data"]
    assert [u["code"] for u in body["units"]] == ["01", "38"]
    assert [c["slug"] for c in body["categories"]] == ["su-kien", "thong-bao"]
    children = gql(public, '{ units(parent: "38") { code level } }')["data"]["units"]
    assert [u["code"] for u in children] == ["14932", "14950", "15112"]
    missing = gql(public, '{ units(parent: "nope") { code } }')
    assert missing["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert list(missing["errors"][0]["extensions"]["fields"]) == ["parent"]
