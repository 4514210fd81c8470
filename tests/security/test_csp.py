"""Every page Loa serves loads only Loa's own, pinned files, under a CSP with no inline script.

The attack: a Content-Security-Policy with ``'unsafe-inline'`` scripts and a CDN host lets an
injected ``<script>`` (or a compromised or hijacked CDN) run in an official's browser; pages
that load from a CDN also never work on an office network without internet. These tests walk
every HTML page (GraphiQL, each admin page, the portal sandbox), check the policy each one is
served with, and fetch every script and stylesheet it names; then a real Chromium, cut off from
every host but loopback, runs GraphiQL and the sign-in page and must see no CSP violation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

import admin
from core.app import create_app
from core.auth.accounts import create_user
from core.context import Context
from core.graphql import ide

PASSWORD = "Cẩm-Thủy-2026-an-toàn"
SCRIPT_TYPES = {"text/javascript", "application/javascript"}
#: Sources a directive may name: keywords, nonces, hashes, and data: for fonts and images only.
KEYWORDS = {"'self'", "'none'"}
NONCE_OR_HASH = re.compile(r"'(nonce-[A-Za-z0-9_+/=-]+|sha(256|384|512)-[A-Za-z0-9+/=]+)'")


class Parsed(HTMLParser):
    """What an HTML page loads or runs: external files, inline code, inline style, handlers."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.inline_scripts: list[str] = []
        self.inline_styles: list[str] = []
        self.style_attributes: list[str] = []
        self.handlers: list[str] = []
        self.other_urls: list[str] = []
        self._in: tuple[str, dict[str, str | None]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.handlers += [name for name in a if name.startswith("on")]
        if "style" in a:
            self.style_attributes.append(f"<{tag} style={a['style']!r}>")
        if tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"] or "")
            else:
                self._in = (tag, a)
        elif tag == "style":
            self._in = (tag, a)
        elif tag == "link":
            rel = (a.get("rel") or "").lower().split()
            into = self.stylesheets if "stylesheet" in rel else self.other_urls
            into.append(a.get("href") or "")
        for name in ("src", "href", "action", "data", "poster", "srcset"):
            if tag not in ("script", "link") and a.get(name):
                self.other_urls.append(a[name] or "")

    def handle_data(self, data: str) -> None:
        if self._in is None:
            return
        tag, attrs = self._in
        if tag == "style":
            self.inline_styles.append(data)
        elif (attrs.get("type") or "").lower() != "application/json" and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._in is not None and self._in[0] == tag:
            self._in = None


def policy_of(response: Any) -> dict[str, list[str]]:
    header = response.headers.get("content-security-policy")
    assert header, f"{response.url} has no Content-Security-Policy"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        if words := part.split():
            directives[words[0].lower()] = words[1:]
    return directives


def assert_strict_policy(response: Any) -> dict[str, list[str]]:
    """No inline script, no eval, no host but Loa's own, no plugins, no <base>, no framing."""
    policy = policy_of(response)
    script = policy.get("script-src", policy.get("default-src"))
    assert script == ["'self'"], (response.url, script)
    for directive, sources in policy.items():
        for source in sources:
            allowed = (
                source in KEYWORDS
                or NONCE_OR_HASH.fullmatch(source)
                or (source == "data:" and directive in ("font-src", "img-src"))
            )
            assert allowed, f"{response.url}: {directive} allows {source}"
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("style-src", policy["default-src"])
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in ("no-referrer", "same-origin")
    return policy


def assert_page_loads_only_loa(client: TestClient, response: Any) -> Parsed:
    """The page's policy is strict, it runs no inline code, and every file it names is Loa's."""
    assert response.status_code in (200, 400, 401, 403, 404, 429), response.status_code
    assert response.headers["content-type"].startswith("text/html")
    assert_strict_policy(response)
    page = Parsed(response.text)
    assert page.inline_scripts == [], page.inline_scripts
    assert page.inline_styles == [] and page.style_attributes == [] and page.handlers == []
    for url, kinds in [(u, SCRIPT_TYPES) for u in page.scripts] + [
        (u, {"text/css"}) for u in page.stylesheets
    ]:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is not served by Loa"
        asset = client.get(url if url.startswith("/") else _join(str(response.url), url))
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].split(";")[0] in kinds, (url, asset.headers)
        assert asset.headers["x-content-type-options"] == "nosniff"
        assert "immutable" in asset.headers["cache-control"], url
    for url in page.other_urls:
        parts = urlsplit(url)
        assert not parts.netloc and not parts.scheme, f"{url} leaves Loa"
    return page


def _join(page_url: str, relative: str) -> str:
    path = urlsplit(page_url).path
    return path[: path.rindex("/") + 1] + relative


@pytest.fixture
def app(ctx: Context) -> Any:
    return create_app(ctx.settings, ctx=ctx, embedded_worker=False, sandboxes=True)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_graphiql_is_loas_own_page_with_a_strict_policy(client: TestClient) -> None:
    response = client.get("/graphql", headers=HTML)
    assert response.status_code == 200
    page = assert_page_loads_only_loa(client, response)
    assert "unpkg" not in response.text and "Strawberry GraphiQL" not in response.text
    names = [urlsplit(u).path.rsplit("/", 1)[-1] for u in page.scripts]
    assert names == [
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "graphiql.js",
    ]
    assert all(u.startswith(f"/static/graphiql/{ide.bundle().version}/") for u in page.scripts)
    assert len(page.stylesheets) == 2
    # Each answer has its own style nonce (for the <style> GraphiQL's dialogs add).
    again = policy_of(client.get("/graphql", headers=HTML))["style-src"]
    assert again != policy_of(response)["style-src"]


def test_the_management_endpoint_serves_no_page(client: TestClient) -> None:
    response = client.get("/api/graphql", headers=HTML)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert_strict_policy(response)


def test_every_admin_page_loads_only_loa(ctx: Context, tree: dict[str, Any], client: Any) -> None:
    """Walk the whole admin, from the enrolment link to sign-in again, checking each page."""
    seen: dict[str, Any] = {}

    def visit(path: str, status: int = 200) -> Any:
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
        assert_page_loads_only_loa(client, response)
        seen[path] = response
        return response

    def csrf(response: Any) -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        assert match
        return match.group(1)

    visit("/admin/enrol/not-a-token", 404)  # refused.html
    token = secrets.token_urlsafe(32)
    create_user(ctx, username="csp-admin", unit_code="VN", role="admin", enrol_token=token)
    form = visit(f"/admin/enrol/{token}")  # set_password.html
    posted = client.post(
        f"/admin/enrol/{token}",
        data={"password": PASSWORD, "password2": PASSWORD, "csrf_token": csrf(form)},
    )
    assert posted.headers["location"] == "/admin/enrol"
    enrol = visit("/admin/enrol")  # enrol.html, with the QR code
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', enrol.text)
    assert key
    secret = key.group(1).replace(" ", "")
    posted = client.post(
        "/admin/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf(enrol)}
    )
    assert posted.headers["location"] == "/admin/enrol/codes"
    visit("/admin/enrol/codes")  # codes.html
    home = visit("/admin/")  # home.html
    client.post("/admin/logout", data={"csrf_token": csrf(home)})
    login = visit("/admin/login")  # login.html
    posted = client.post(
        "/admin/login",
        data={"username": "csp-admin", "password": PASSWORD, "csrf_token": csrf(login)},
    )
    assert posted.headers["location"] == "/admin/login/code"
    visit("/admin/login/code")  # code.html
    visit("/admin/login/recovery")  # recovery.html
    templates = {p.name for p in (Path(admin.__file__).parent / "templates").glob("*.html")}
    assert len(seen) == len(templates) - 1  # every template but base.html, which all extend


def test_the_portal_sandbox_page_loads_only_loa(client: TestClient) -> None:
    response = client.get("/sandbox/portal/")
    assert response.status_code == 200
    page = assert_page_loads_only_loa(client, response)
    assert page.stylesheets and page.inline_styles == []


def _get_routes(app: Any, prefix: str = "") -> Iterator[str]:
    for route in app.routes:
        methods = getattr(route, "methods", None) or set()
        if isinstance(route, Mount) and hasattr(route.app, "routes"):
            yield from _get_routes(route.app, prefix + route.path)
        elif isinstance(route, Route) and "GET" in methods and "{" not in route.path:
            yield prefix + route.path


def test_every_page_without_parameters_is_checked(app: Any, client: TestClient) -> None:
    """A page added later is checked too: every parameterless GET route, asked for HTML."""
    pages = []
    for path in _get_routes(app):
        response = client.get(path, headers=HTML)
        assert_strict_policy(response)
        if response.headers.get("content-type", "").startswith("text/html"):
            assert_page_loads_only_loa(client, response)
            pages.append(path)
    assert {"/graphql", "/admin/login", "/sandbox/portal/"} <= set(pages)


def test_every_response_carries_the_policy(client: TestClient) -> None:
    url = ide.bundle().url("vendor/graphiql.min.js")
    for response in (
        client.get("/healthz"),
        client.get("/graphql", params={"query": "{ categories { slug } }"}),
        client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"}),
        client.get("/no/such/page"),
        client.get(url),
        client.get("/sitemap.xml"),
    ):
        assert_strict_policy(response)
        assert response.headers["x-frame-options"] == "DENY"


def test_production_has_the_same_policy_and_no_graphiql(ctx: Context) -> None:
    prod = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, env="prod"))
    app = create_app(prod.settings, ctx=prod, embedded_worker=False)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        page = client.get("/graphql", headers=HTML)
        assert page.status_code == 404 and "graphiql" not in page.text.lower()
        assert client.get(ide.bundle().url("graphiql.js")).status_code == 404
        for response in (page, client.get("/admin/login")):
            assert_strict_policy(response)
            assert "max-age=31536000" in response.headers["strict-transport-security"]
        assert_page_loads_only_loa(client, client.get("/admin/login"))


def test_assets_are_versioned_and_cached_for_a_year(client: TestClient) -> None:
    url = ide.bundle().url("vendor/react.production.min.js")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-type"].split(";")[0] in SCRIPT_TYPES
    stale = url.replace(ide.bundle().version, "0" * len(ide.bundle().version))
    assert client.get(stale).status_code == 404
    assert client.get(url.rsplit("/", 2)[0] + "/../core/settings.py").status_code == 404


def test_vendored_files_are_the_pinned_ones() -> None:
    """Each file in ``vendor/`` is in SOURCES.md with its package, version, licence and sha256."""
    vendor = ide.STATIC / "vendor"
    rows = re.findall(
        r"^\| `([^`]+)` \| ([^|]+) \| ([0-9.]+) \| [^|]+ \| (MIT) \| `([0-9a-f]{64})` \|$",
        (vendor / "SOURCES.md").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    listed = {name: digest for name, _, _, _, digest in rows}
    present = {p.name for p in vendor.iterdir() if p.name != "SOURCES.md"}
    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name


# --- in a real browser ----------------------------------------------------------------------

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


class Watched:
    """A page whose requests beyond loopback are aborted, with every error it reports."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(service_workers="block")
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.context.add_init_script(WATCH_CSP)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("requestfailed", self._failed)

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if urlsplit(route.request.url).scheme in ("data", "blob") or host in LOOPBACK:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def _failed(self, request: Any) -> None:
        """A request that failed; one the browser cancelled because the page moved on (a form
        posted while a script still loads: ``net::ERR_ABORTED``) is no failure of Loa's."""
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"failed: {request.url} ({request.failure})")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def assert_clean(self) -> None:
        assert self.page.evaluate("window.__csp") == []
        assert self.blocked == []
        assert self.errors == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Callable[[], Watched]]:
    pages: list[Watched] = []

    def make() -> Watched:
        pages.append(Watched(browser))
        return pages[-1]

    yield make
    for w in pages:
        w.close()


def test_graphiql_runs_in_chromium_without_internet(
    tree: dict[str, Any], app: Any, serve: Any, watched: Callable[[], Watched]
) -> None:
    from playwright.sync_api import expect

    server = serve(app)
    w = watched()
    page = w.page
    page.goto(f"{server.url}/graphql", wait_until="load")
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    expect(editor).to_be_visible(timeout=20_000)
    expect(editor).to_contain_text("articles", timeout=20_000)  # the default query
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type("{ units { code name } }")
    page.keyboard.press("Escape")  # close the completion list, if open
    expect(editor).to_contain_text("{ units { code name } }")
    page.keyboard.press("Control+Enter")
    response = page.locator(".graphiql-response")
    expect(response).to_contain_text("Tỉnh Thanh Hóa", timeout=20_000)
    expect(response).to_contain_text('"code": "38"')
    # A dialog adds <style> elements at run time: they carry the page's nonce.
    page.get_by_role("button", name="Open settings dialog").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    w.assert_clean()


def test_an_injected_inline_script_does_not_run_on_the_admin_in_chromium(
    ctx: Context, app: Any, serve: Any, watched: Callable[[], Watched]
) -> None:
    """Markup that slips past escaping cannot run: the policy refuses inline script."""
    server = serve(app)
    w = watched()
    w.page.goto(f"{server.url}/admin/login", wait_until="load")
    w.page.locator("#username").wait_for()
    font = w.page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font  # admin.css applied: the page's own style is served, not inline
    w.assert_clean()
    w.page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__pwned = true";
          document.body.append(s);
          const d = document.createElement("div");
          d.innerHTML = '<img src="/nothing.png" onerror="window.__pwned = true">';
          document.body.append(d);
        }"""
    )
    deadline = time.monotonic() + 10  # the reports are queued tasks: wait for both
    while len(w.page.evaluate("window.__csp")) < 2 and time.monotonic() < deadline:
        w.page.wait_for_timeout(20)
    assert w.page.evaluate("window.__pwned") is None
    assert sorted(w.page.evaluate("window.__csp")) == [
        "script-src-attr inline",
        "script-src-elem inline",
    ]


def test_cached_answers_and_304s_carry_the_same_headers(client: TestClient) -> None:
    params = {"query": "{ categories { slug } }"}
    computed = client.get("/graphql", params=params)
    cached = client.get("/graphql", params=params)  # the response cache answers this one
    assert cached.content == computed.content and cached.headers["etag"]
    unchanged = client.get(
        "/graphql", params=params, headers={"if-none-match": cached.headers["etag"]}
    )
    assert unchanged.status_code == 304
    for response in (computed, cached, unchanged):
        assert_strict_policy(response)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
