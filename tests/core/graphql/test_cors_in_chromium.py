"""A commune site on another origin reads the public API in Chromium (issue 18, done-when).

The test serves a small front-end (an HTML page and its script) on a second port: a
different origin from Loa's. In Chromium, the page POSTs a query to Loa's ``/graphql``
(JSON, so the browser sends a CORS preflight first) and GETs a persisted query by hash,
then shows what it read. The same page loaded from an origin Loa does not list, or asking
with credentials, is refused by the browser: CORS, not just headers in a unit test.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from core.app import create_app
from core.context import Context
from core.settings import Settings

QUERY = "query ($unit: String!) { articles(unit: $unit) { edges { node { title url kind } } } }"

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin xã Cẩm Thủy</title></head>
<body><main><h1>Tin mới</h1><ul id="news"></ul><p id="status">đang tải…</p>
<p id="persisted"></p><p id="credentialed"></p></main>
<script src="/app.js"></script></body></html>
"""

SCRIPT = """
const api = new URLSearchParams(location.search).get("api");
const query = %(query)s;
const hash = %(hash)s;
const variables = { unit: "14932" };
const status = document.getElementById("status");

async function post(extra, init) {
  const response = await fetch(api, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query, variables, ...extra }),
    ...init,
  });
  return response.json();
}

(async () => {
  try {
    const body = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    for (const edge of body.data.articles.edges) {
      const li = document.createElement("li");
      li.textContent = `${edge.node.kind}: ${edge.node.title}`;
      document.getElementById("news").append(li);
    }
    status.textContent = "xong";
  } catch (error) {
    status.textContent = `lỗi: ${error}`;
    return;
  }
  try {
    const params = new URLSearchParams({
      variables: JSON.stringify(variables),
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }),
    });
    const response = await fetch(`${api}?${params}`);
    const body = await response.json();
    document.getElementById("persisted").textContent =
      `${response.headers.get("ETag") ? "etag" : "no etag"} ${body.data.articles.edges.length}`;
  } catch (error) {
    document.getElementById("persisted").textContent = `lỗi: ${error}`;
  }
  try {
    await post({}, { credentials: "include" });
    document.getElementById("credentialed").textContent = "đọc được";
  } catch (error) {
    document.getElementById("credentialed").textContent = "bị chặn";
  }
})();
"""


def front_end() -> Starlette:
    """The commune's site: a page and its script, served from another origin."""
    script = SCRIPT % {
        "query": json.dumps(QUERY),
        "hash": json.dumps(hashlib.sha256(QUERY.encode()).hexdigest()),
    }

    async def page(request: Any) -> HTMLResponse:
        return HTMLResponse(PAGE)

    async def app_js(request: Any) -> Response:
        return Response(script, media_type="text/javascript")

    return Starlette(routes=[Route("/", page), Route("/app.js", app_js)])


def test_a_page_on_another_origin_reads_the_public_api_in_chromium(
    settings: Settings,
    ctx: Context,
    tree: dict[str, Any],
    make_article: Any,
    serve: Any,
    browser: Any,
) -> None:
    from playwright.sync_api import expect

    make_article("Họp dân tháng 7")
    make_article("Lịch cắt điện", kind="notice")
    site = serve(front_end())
    allowed = site.url  # http://127.0.0.1:<port>; http://localhost:<port> is another origin
    settings = dataclasses.replace(settings, cors_origins=(allowed,))
    loa = serve(create_app(settings, ctx=dataclasses.replace(ctx, settings=settings)))
    api = f"{loa.url}/graphql"

    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{allowed}/?api={api}")
    expect(page.locator("#status")).to_have_text("xong", timeout=20_000)
    expect(page.locator("#news li")).to_have_text(
        ["notice: Lịch cắt điện", "article: Họp dân tháng 7"]
    )
    # The persisted query registered by the POST is read back over GET, with its ETag visible.
    expect(page.locator("#persisted")).to_have_text("etag 2", timeout=20_000)
    # Credentials are never allowed: the browser refuses a credentialed read.
    expect(page.locator("#credentialed")).to_have_text("bị chặn", timeout=20_000)
    assert any("CORS" in e or "Access-Control" in e for e in errors), errors
    page.close()

    # The same page from an origin Loa does not list cannot read the API at all.
    other = browser.new_page()
    other.goto(f"{allowed.replace('127.0.0.1', 'localhost')}/?api={api}")
    expect(other.locator("#status")).to_contain_text("lỗi", timeout=20_000)
    expect(other.locator("#news li")).to_have_count(0)
    other.close()


HOME_SCRIPT = """
const api = new URLSearchParams(location.search).get("api");
(async () => {
  const out = document.getElementById("home");
  try {
    const response = await fetch(api, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: %(query)s, variables: { unit: "14932" } }),
    });
    const { data } = await response.json();
    out.textContent = JSON.stringify({
      documents: data.legalDocuments.edges.map((e) => [e.node.number, e.node.file.url]),
      banners: data.banners.map((b) => b.placement.key),
      slots: data.schedule.days.reduce((n, d) => n + d.slots.length, 0),
      directory: data.directory.length,
      channels: data.unitProfile.officialChannels.length,
      responsible: data.portalFooter.contentResponsible.length,
    });
  } catch (error) {
    out.textContent = `lỗi: ${error}`;
  }
})();
"""


def test_a_commune_home_page_on_another_origin_reads_the_demo_communes_content(
    settings: Settings, ctx: Context, tree: dict[str, Any], serve: Any, browser: Any, monkeypatch
) -> None:
    """Issue 18's done-when: the demo commune's legal document, banners, week of schedules,
    directory, profile and official channels, read by a commune site in the browser."""
    from playwright.sync_api import expect

    from core.demo import seed
    from tests.core.govcontent.test_demo_gov import HOME

    monkeypatch.setattr("core.demo_media.video", lambda path: None)  # no clip needed here
    seed(ctx, photo_size=(480, 270))
    script = HOME_SCRIPT % {"query": json.dumps(HOME)}

    async def page(request: Any) -> HTMLResponse:
        return HTMLResponse(
            '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Xã Cẩm Thủy'
            '</title></head><body><main><pre id="home">đang tải…</pre></main>'
            '<script src="/home.js"></script></body></html>'
        )

    async def home_js(request: Any) -> Response:
        return Response(script, media_type="text/javascript")

    site = serve(Starlette(routes=[Route("/", page), Route("/home.js", home_js)]))
    settings = dataclasses.replace(settings, cors_origins=(site.url,))
    loa = serve(create_app(settings, ctx=dataclasses.replace(ctx, settings=settings)))

    tab = browser.new_page()
    tab.goto(f"{site.url}/?api={loa.url}/graphql")
    expect(tab.locator("#home")).to_contain_text("documents", timeout=20_000)
    home = json.loads(tab.locator("#home").text_content() or "")
    tab.close()
    [(number, pdf)] = home["documents"]
    assert (number and pdf.endswith(".pdf")) or "/media/" in pdf
    assert {"phan-hoi", "cot-phai"} <= set(home["banners"])  # S3.2's banner and the campaign's
    assert home["slots"] == 6  # a week: five working days and one citizen reception
    assert home["directory"] >= 5 and home["responsible"] >= 1 and home["channels"] >= 2
