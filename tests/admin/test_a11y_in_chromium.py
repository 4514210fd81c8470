"""WCAG 2.1 AA basics on every screen, in Debian's Chromium: axe-core (a test-only file under
``tests/support/axe/``) runs on each admin screen and on the public feedback pages, at desktop
and at phone size (390×844), and must find no violation of the wcag2a, wcag2aa, wcag21a and
wcag21aa rules. The same walk holds each screen to the 200 KB asset budget (its HTML, scripts,
styles, fonts and images, as Chromium received them) and checks that its first link skips to
the content. A second test completes the compose form with the keyboard alone.

How axe gets into the page: the pages' CSP allows scripts from ``'self'`` only (no inline
script), so ``add_script_tag(content=...)`` would be refused. Instead of turning the policy off
(``bypass_csp``), a Playwright route answers one made-up URL on the page's own origin with the
vendored file, and ``add_script_tag(url=...)`` loads it: the real policy stays on, and the walk
still fails on any CSP violation the pages report. Loa itself never serves that URL.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.actions import targets
from core.app import create_app
from core.auth.accounts import create_user
from core.auth.permissions import SYSTEM
from core.context import Context
from core.interactions import feedback
from core.web import form_guard
from tests.admin.test_desk_in_chromium import PHONE, Shots
from tests.core.auth.conftest import PASSWORD, Account, Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in

AXE_DIR = Path(__file__).parents[1] / "support" / "axe"
AXE_URL_PATH = "/__test-only__/axe.min.js"  # answered by the test's route, never by Loa
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Rules turned off, each with its reason. Keep it empty unless a rule cannot apply.
NOT_CHECKED: dict[str, str] = {}
DESKTOP = {"width": 1280, "height": 800}
BUDGET = 200_000  # bytes, as tests/admin/test_desk.py counts them
#: What a page's weight is made of (server-sent event streams and htmx fragments are not).
COUNTED = {"document", "script", "stylesheet", "font", "image"}


def _axe_source() -> bytes:
    readme = (AXE_DIR / "README.md").read_text(encoding="utf-8")
    pinned = re.search(
        r"\| `axe\.min\.js` \| axe-core \(npm\) \| ([0-9.]+) \| MPL-2\.0[^|]*"
        r"\| `([0-9a-f]{64})` \|",
        readme,
    )
    assert pinned, "axe.min.js is listed with version, licence and sha256"
    source = (AXE_DIR / "axe.min.js").read_bytes()
    assert hashlib.sha256(source).hexdigest() == pinned.group(2)
    return source


@dataclass
class Walk:
    """One signed-in (or anonymous) browser context whose screens are audited as it goes."""

    browser: Any
    url: str
    shots: Shots
    findings: list[str] = field(default_factory=list)
    weights: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.watched = Watched(self.browser)
        source = _axe_source()
        self.watched.context.route(
            f"{self.url}{AXE_URL_PATH}",
            lambda route: route.fulfill(body=source, content_type="text/javascript"),
        )
        self.page = self.watched.page
        self.page.set_viewport_size(DESKTOP)
        self.received: list[Any] = []
        self.page.on("request", self._request)
        self.page.on("response", self._response)

    def _request(self, request: Any) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.received = []  # a new page: its weight starts again

    def _response(self, response: Any) -> None:
        if response.request.resource_type in COUNTED and AXE_URL_PATH not in response.url:
            self.received.append(response)

    def sign_in(self, account: Account, clock: Clock) -> None:
        sign_in(self.page, self.url, account, clock)

    def goto(self, path: str, name: str) -> None:
        self.page.goto(f"{self.url}{path}")
        self.check(name)

    def check(self, name: str) -> None:
        """Audit the screen now shown: weight, skip link, then axe at desktop and phone size."""
        page = self.page
        page.wait_for_load_state("load")
        weight = 0
        for response in self.received:
            weight += len(response.body()) if response.status < 300 else 0
        self.weights[name] = weight
        skip = page.evaluate(
            "() => { const a = document.querySelector('body a[href]');"
            " return a && a.getAttribute('href') === '#main' && !!document.getElementById('main')"
            " ? a.textContent : null }"
        )
        if not skip or "Skip to content" not in skip:
            self.findings.append(f"{name}: its first link is not the skip link to #main")
        page.add_script_tag(url=f"{self.url}{AXE_URL_PATH}")
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            result = page.evaluate(
                "([tags, off]) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                " rules: off, resultTypes: ['violations']})",
                [TAGS, {rule: {"enabled": False} for rule in NOT_CHECKED}],
            )
            for v in result["violations"]:
                where = "; ".join(
                    f"{' '.join(n['target'])} → {n.get('failureSummary', '').splitlines()[-1:]}"
                    for n in v["nodes"][:4]
                )
                self.findings.append(f"{name} [{size}] {v['id']} ({v['impact']}): {where}")
            self.shots(page, f"{name}-{size}")
        page.set_viewport_size(DESKTOP)

    def close(self) -> None:
        self.watched.assert_clean()
        self.watched.close()


def test_every_screen_passes_axe_and_its_asset_budget_at_desktop_and_phone_size(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    portal_target: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setattr(form_guard, "MIN_SECONDS", 0)  # the public form's wait: tested elsewhere
    targets.update_target(ctx, SYSTEM, portal_target.id, {"gates": []})
    editor = make_account("bien-tap", role="editor")
    approver = make_account("lanh-dao", role="approver")
    admin = make_account("quan-tri", role="admin")
    channel_admin = make_account("quan-tri-kenh", role="channel_admin")
    message = feedback.submit(
        ctx, unit_code="14932", text="Đèn đường ở thôn 3 bị hỏng.", address="127.0.0.9"
    )
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    shots = Shots(tmp_path / "screens")
    walks: list[Walk] = []

    def walk() -> Walk:
        walks.append(Walk(browser, server.url, shots))
        return walks[-1]

    # --- signing in and enrolling -------------------------------------------------------------
    w = walk()
    w.goto("/admin/login", "login")
    w.page.fill("#username", editor.username)
    w.page.fill("#password", editor.password)
    w.page.click("button[type=submit]")
    w.check("login-code")
    token = secrets.token_urlsafe(32)
    create_user(ctx, username="moi-vao", unit_code="14932", role="editor", enrol_token=token)
    w = walk()
    w.goto(f"/admin/enrol/{token}", "enrol-password")
    w.page.fill("#password", PASSWORD)
    w.page.fill("#password2", PASSWORD)
    w.page.click("button[type=submit]")
    w.check("enrol-totp")

    # --- the editor's desk --------------------------------------------------------------------
    w = walk()
    w.sign_in(editor, clock)
    w.check("home-and-account")
    w.goto("/admin/compose", "compose-new")
    w.page.fill("#title", "Lịch tiêm chủng tháng 12")
    w.page.fill("#summary", "Trạm y tế xã thông báo lịch tiêm.")
    w.page.click("#body-editor")
    w.page.keyboard.type("Mời phụ huynh đưa trẻ đến trạm y tế.")
    w.page.check(f"input[name=target_ids][value='{portal_target.id}']")
    w.page.fill("#unit-search", "cam thuy")
    choice = w.page.locator("#unit-results input[value='14932']")
    expect(choice).to_be_visible()
    choice.check()
    w.page.click("#save")
    expect(w.page.locator("p.note[role=status]")).to_contain_text("Đã lưu bản nháp")
    w.check("compose-saved")
    edit = re.search(r"/admin/items/([0-9a-f-]{36})", w.page.url) or re.search(
        r"/admin/items/([0-9a-f-]{36})/edit", w.page.content()
    )
    assert edit, w.page.url
    uid = edit.group(1)
    w.goto(f"/admin/items/{uid}/edit", "compose-edit")
    w.goto(f"/admin/items/{uid}/previews", "previews")
    w.page.click("#submit")
    expect(w.page.locator("#item-status")).to_have_text("Đã gửi duyệt")
    w.check("board")
    w.goto("/admin/calendar", "calendar")
    w.goto("/admin/templates", "templates")
    w.goto("/admin/gov", "gov-index")
    w.goto("/admin/gov/legal_document", "gov-list")
    w.goto("/admin/gov/legal_document/new", "gov-form")
    w.goto("/admin/gov/schedule_slot/new", "gov-form-schedule")

    # --- the approver: review, moderation, feedback ---------------------------------------------
    w = walk()
    w.sign_in(approver, clock)
    w.goto(f"/admin/items/{uid}/review", "review")
    w.goto("/admin/moderation", "moderation-queue")
    w.goto("/admin/moderation/terms", "moderation-terms")
    w.goto("/admin/feedback", "feedback-inbox")
    w.goto(f"/admin/feedback/{message.id}", "feedback-message")

    # --- the operator's desk -------------------------------------------------------------------
    w = walk()
    w.sign_in(admin, clock)
    w.goto("/admin/ops/people", "people")
    w.goto(f"/admin/ops/people/{editor.username}", "person")
    w.goto("/admin/ops/people/new", "person-new")
    w.goto("/admin/ops/structure", "structure")
    w.goto("/admin/reports", "reports")
    w.goto("/admin/reports?kind=periodic", "reports-periodic")
    w.goto("/admin/reports/schedules", "report-schedules")
    w.goto("/admin/audit", "audit")
    w.goto("/admin/graphql", "graphql")
    w = walk()
    w.sign_in(channel_admin, clock)
    w.goto("/admin/channels", "channels")
    w.goto("/admin/channels/new", "channel-new")
    w.goto(f"/admin/channels/{portal_target.id}", "channel-target")

    # --- the public feedback pages, as a citizen ------------------------------------------------
    w = walk()
    w.goto("/gop-y/14932", "public-feedback-form")
    w.page.fill("#text", "Cống thoát nước ở chợ bị tắc.")
    w.page.click("button[type=submit]")
    expect(w.page.locator("#tracking-code")).to_be_visible()
    w.check("public-feedback-sent")
    w.goto("/gop-y/tra-cuu", "public-status-ask")
    w.page.fill("input[name=code]", message.tracking_code)
    w.page.click("button[type=submit]")
    expect(w.page.locator(".status")).to_be_visible()
    w.check("public-status")

    findings = [f for w in walks for f in w.findings]
    heavy = {n: kb for w in walks for n, kb in w.weights.items() if kb > BUDGET}
    seen = {n for w in walks for n in w.weights}
    for w in walks:
        w.close()
    print(f"screenshots: {shots.directory}")
    print({n: w.weights[n] for w in walks for n in w.weights})
    assert findings == [], "\n".join(findings)
    assert heavy == {}, heavy
    assert all(w.weights[n] > 0 for w in walks for n in w.weights)  # the HTML itself was counted
    assert len(seen) == 37


#: A control's name in these tests: its id, else its form name and value, else its markup.
KEY = """el => el.type === 'radio' ? `radio:${el.name}`
  : (el.id || (el.name ? `${el.name}=${el.value}` : el.outerHTML.slice(0, 80)))"""
#: What the focused element is, and whether its focus ring shows (outline drawn by :focus-visible).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {key: (__KEY__)(el), ring, inForm: !!el.closest('#compose')};
}""".replace("__KEY__", KEY)
#: Every control of the compose form a keyboard user must reach: shown, enabled, in tab order
#: (one per radio group; the toolbar is one stop, walked with the arrow keys).
CONTROLS = """() => {
  const seen = new Set();
  return [...document.querySelectorAll('#compose input, #compose select, #compose textarea,'
    + ' #compose button, #compose [contenteditable], #compose a[href]')]
    .filter(el => el.type !== 'hidden' && !el.disabled && (el.tabIndex >= 0 || el.isContentEditable)
      && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
    .filter(el => el.type !== 'radio' || (!seen.has(el.name) && seen.add(el.name)))
    .filter(el => !el.hasAttribute('contenteditable') || el.isContentEditable)
    .map(__KEY__);
}""".replace("__KEY__", KEY)


def _tab_until(page: Any, key: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now and now["key"] == key:
            return
    raise AssertionError(f"Tab never reached {key}")


def test_the_compose_form_is_completed_with_the_keyboard_alone(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    portal_target: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    editor = make_account("bien-tap", role="editor")
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    w = Walk(browser, server.url, Shots(tmp_path / "screens"))
    w.sign_in(editor, clock)
    page = w.page
    page.goto(f"{server.url}/admin/compose")
    expect(page.locator("#body-editor")).to_be_visible()

    # --- the first Tab lands on the skip link, which moves the focus to the content ----------
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.evaluate(FOCUSED)["ring"]
    expect(page.locator("a.skip")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    # --- Tab alone walks every control of the form, each with a visible focus ring ---------------
    expected = page.evaluate(CONTROLS)
    assert {"title", "summary", "body-editor", "cover", "unit-search", "save"} <= set(expected)
    reached: list[str] = []
    unringed: list[str] = []
    for _ in range(3 * len(expected) + 30):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if not now or not now["inForm"]:
            if reached:
                break  # past the form's last control
            continue
        name = now["key"]
        reached.append(name)
        if not now["ring"]:
            unringed.append(name)
    assert [k for k in expected if k not in reached] == []
    assert unringed == []
    assert reached.index("title") < reached.index("body-editor") < reached.index("save")

    # --- and the keyboard alone fills it in and saves the draft ----------------------------------
    page.goto(f"{server.url}/admin/compose")
    expect(page.locator("#body-editor")).to_be_visible()
    _tab_until(page, "title")
    page.keyboard.type("Lịch tiêm chủng tháng 12")
    _tab_until(page, "summary")
    page.keyboard.type("Trạm y tế xã thông báo lịch tiêm.")
    _tab_until(page, "body-editor")
    page.keyboard.type("Mời phụ huynh đưa trẻ đến trạm y tế.")
    _tab_until(page, f"target_ids={portal_target.id}")
    page.keyboard.press("Space")
    _tab_until(page, "unit-search")
    page.keyboard.type("cam thuy")
    expect(page.locator("#unit-results input[value='14932']")).to_be_visible()
    _tab_until(page, "scope_units=14932")
    page.keyboard.press("Space")
    _tab_until(page, "save")
    w.shots(page, "compose-by-keyboard")
    page.keyboard.press("Enter")
    expect(page.locator("p.note[role=status]")).to_contain_text("Đã lưu bản nháp")
    expect(page.locator("#title")).to_have_value("Lịch tiêm chủng tháng 12")
    expect(page.locator("#body-editor")).to_contain_text("Mời phụ huynh")
    expect(page.locator(f"input[name=target_ids][value='{portal_target.id}']")).to_be_checked()
    w.close()
