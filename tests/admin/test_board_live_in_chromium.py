"""The live delivery board in Debian's Chromium: the editor's open board follows a delivery as
the portal sandbox refuses it (red, without a reload), then "retry now", once the sandbox is
mended, turns it green (again without a reload). No console error, no CSP violation, nothing
beyond loopback. Screenshots in the test's tmp dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.actions import content as actions
from core.actions import targets
from core.app import create_app
from core.auth.permissions import SYSTEM
from core.context import Context
from tests.admin.test_desk_in_chromium import Shots
from tests.core.auth.conftest import Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in
from tests.support.pipeline import new_article, sandbox_get, sandbox_post

#: Set on the page once loaded: still there later means the page was not reloaded.
MARK = "window.__boardLoaded = document.timeline.currentTime"


def test_the_board_turns_red_then_green_after_retry_without_reloading(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    portal_target: Any,
    sandbox: Any,
    worker: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    targets.update_target(ctx, SYSTEM, portal_target.id, {"gates": []})
    editor = make_account("bien-tap")
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    shots = Shots(tmp_path / "screens")
    watched = Watched(browser)
    page = watched.page
    sign_in(page, server.url, editor, clock)

    # The portal answers slowly, then refuses the item once (a 422: the delivery fails).
    sandbox_post(sandbox, "/__fake/latency", {"seconds": 0.5})
    sandbox_post(sandbox, "/__fake/faults", {"status": 422, "count": 1})
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    page.goto(f"{server.url}/admin/items/{article.uid}")
    expect(page.locator("#deliveries[data-stream]")).to_have_count(1)  # under way: live
    page.evaluate(MARK)
    shots(page, "board-under-way")

    failed = page.locator("#deliveries tr.d-failed")
    expect(failed).to_have_count(1, timeout=20_000)
    assert page.evaluate("window.__boardLoaded") is not None  # the same page: no reload
    expect(failed).to_contain_text("Kênh từ chối nội dung")
    retry = failed.locator("form.retry button")
    expect(retry).to_be_visible()
    shots(page, "board-failed")

    # The sandbox is mended (its one fault is spent); retry now.
    retry.click()
    expect(page.locator("#deliveries tr.d-failed")).to_have_count(0)
    page.evaluate(MARK)
    delivered = page.locator("#deliveries tr.d-delivered")
    expect(delivered).to_have_count(1, timeout=20_000)
    assert page.evaluate("window.__boardLoaded") is not None
    expect(page.locator("#deliveries form.retry")).to_have_count(0)
    shots(page, "board-delivered")
    assert len(sandbox_get(sandbox, "/sites/14932/articles")["articles"]) == 1  # exactly once
    watched.assert_clean()
    watched.close()
    assert len(shots.taken) == 3
