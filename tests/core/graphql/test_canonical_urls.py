"""Canonical URLs: every item's `url` resolves, in the API, the feeds and the sitemap.

A unit (or an ancestor) with a portal URL template sends readers to its portal; without
one, Loa's own `/articles/<slug>` serves a minimal accessible page, and a 302 when a
template exists (old links keep working).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from starlette.testclient import TestClient

from core.actions.unit_portals import set_portal
from core.app import create_app
from core.auth.permissions import SYSTEM
from core.context import Context
from core.settings import Settings
from tests.conftest import API_TOKEN, TEST_TOTP_SECRET

XA = "https://xa-camthuy.thanhhoa.gov.vn/tin-tuc/{slug}"
TINH = "https://thanhhoa.gov.vn/bai-viet/{slug}.html"
SET_PORTAL = """mutation($unit: String!, $t: String!, $code: String) {
  setUnitPortal(unit: $unit, urlTemplate: $t, totpCode: $code) {
    __typename
    ... on UnitPortalResult { unit { code portalUrlTemplate } }
    ... on ValidationError { fields { field message } }
    ... on ForbiddenError { code }
  }
}"""


@pytest.fixture
def site(settings: Settings, ctx: Context, tree: dict[str, Any]) -> Iterator[TestClient]:
    app = create_app(settings, ctx=ctx, embedded_worker=False)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def urls(client: TestClient) -> dict[str, str]:
    body = client.post("/graphql", json={"query": "{ articles { edges { node { slug url } } } }"})
    return {e["node"]["slug"]: e["node"]["url"] for e in body.json()["data"]["articles"]["edges"]}


def test_a_channel_admin_sets_the_template_with_a_fresh_code(
    site: TestClient, gql: Any, management: TestClient
) -> None:
    refused = gql(management, SET_PORTAL, token=API_TOKEN, unit="14932", t=XA)
    assert refused["data"]["setUnitPortal"] == {
        "__typename": "ForbiddenError",
        "code": "STEP_UP_REQUIRED",
    }
    for bad in ("https://xa.gov.vn/tin-tuc", "javascript:{slug}", "https://x/{slug}/{id}"):
        body = gql(management, SET_PORTAL, token=API_TOKEN, unit="14932", t=bad)
        assert body["data"]["setUnitPortal"]["__typename"] == "ValidationError", bad
    code = pyotp.TOTP(TEST_TOTP_SECRET).now()
    done = gql(management, SET_PORTAL, token=API_TOKEN, unit="14932", t=XA, code=code)
    assert done["data"]["setUnitPortal"]["unit"] == {"code": "14932", "portalUrlTemplate": XA}


def test_url_follows_the_nearest_template_in_api_feeds_and_sitemap(
    site: TestClient, ctx: Context, make_article: Any
) -> None:
    make_article("Họp dân Cẩm Thủy", unit="14932")
    make_article("Tin Hạc Thành", unit="15112")
    make_article("Tin Ba Đình", unit="00004")
    set_portal(ctx, SYSTEM, "14932", XA)
    set_portal(ctx, SYSTEM, "38", TINH)  # the province's portal carries its other communes
    found = urls(site)
    assert found == {
        "hop-dan-cam-thuy": "https://xa-camthuy.thanhhoa.gov.vn/tin-tuc/hop-dan-cam-thuy",
        "tin-hac-thanh": "https://thanhhoa.gov.vn/bai-viet/tin-hac-thanh.html",
        "tin-ba-dinh": "http://loa.test/articles/tin-ba-dinh",
    }
    rss = ET.fromstring(site.get("/feeds/38/rss.xml").content)
    links = {link.text or "" for link in rss.iter("link")}
    assert {found["hop-dan-cam-thuy"], found["tin-hac-thanh"]} <= links
    sitemap = site.get("/sitemap.xml").text
    for url in found.values():
        assert f"<loc>{url}</loc>" in sitemap
    # Loa's own URL of a portal item redirects there; the others' pages are served.
    moved = site.get("/articles/hop-dan-cam-thuy")
    assert moved.status_code == 302 and moved.headers["location"] == found["hop-dan-cam-thuy"]
    assert site.get("/articles/tin-ba-dinh").status_code == 200
    # Removing the commune's template falls back to the province's.
    set_portal(ctx, SYSTEM, "14932", "")
    assert (
        urls(site)["hop-dan-cam-thuy"] == "https://thanhhoa.gov.vn/bai-viet/hop-dan-cam-thuy.html"
    )


def test_loa_serves_a_minimal_accessible_page_when_there_is_no_portal(
    site: TestClient, make_article: Any
) -> None:
    make_article(
        "Lịch tiếp dân <tháng 7>",
        summary="Tóm tắt & lịch",
        body_html="<p>Nội dung <strong>chính</strong></p><script>alert(1)</script>",
        author_name="Nguyễn Văn A",
    )
    page = site.get("/articles/lich-tiep-dan-thang-7")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert '<html lang="vi">' in text
    assert "<h1>Lịch tiếp dân &lt;tháng 7&gt;</h1>" in text
    assert "<p>Nội dung <strong>chính</strong></p>" in text
    assert "<script" not in text and " style=" not in text
    assert '<link rel="canonical" href="http://loa.test/articles/lich-tiep-dan-thang-7">' in text
    assert re.search(r"<time datetime=\"[^\"]+\+07:00\">", text)
    assert "Tác giả: Nguyễn Văn A" in text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # Not public (a draft) or unknown: a 404 page, in Vietnamese first.
    for slug in ("ban-nhap", "khong-co", "x" * 500):
        missing = site.get(f"/articles/{slug}")
        assert missing.status_code == 404, slug
        assert "Không tìm thấy tin bài" in missing.text


def test_feeds_per_category_and_per_kind(
    site: TestClient, make_article: Any, categories: dict[str, int]
) -> None:
    make_article("Thông báo cắt điện", unit="14932", kind="notice", category="thong-bao")
    make_article("Lễ hội", unit="14950", category="su-kien")
    make_article("Thông báo Hà Nội", unit="00004", kind="notice", category="thong-bao")

    def titles(path: str) -> list[str]:
        response = site.get(path)
        assert response.status_code == 200, (path, response.text)
        return sorted(item["title"] for item in response.json()["items"])

    assert titles("/feeds/VN/categories/thong-bao/feed.json") == [
        "Thông báo Hà Nội",
        "Thông báo cắt điện",
    ]
    assert titles("/feeds/38/categories/thong-bao/feed.json") == ["Thông báo cắt điện"]
    assert titles("/feeds/38/kinds/article/feed.json") == ["Lễ hội"]
    assert titles("/feeds/VN/kinds/notice/feed.json") == [
        "Thông báo Hà Nội",
        "Thông báo cắt điện",
    ]
    rss = ET.fromstring(site.get("/feeds/38/categories/thong-bao/rss.xml").content)
    assert rss.findtext("channel/title") == "Tin tức — Tỉnh Thanh Hóa — Thông báo"
    atom = site.get("/feeds/14932/kinds/notice/atom.xml")
    assert atom.status_code == 200 and "Thông báo cắt điện" in atom.text
    for missing in (
        "/feeds/38/categories/khong-co/rss.xml",
        "/feeds/38/kinds/tin-gia/rss.xml",
        "/feeds/99999/kinds/notice/rss.xml",
    ):
        assert site.get(missing).status_code == 404, missing
