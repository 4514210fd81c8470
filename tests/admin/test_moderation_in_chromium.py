"""Issue 17's done-when for the moderation queue, in Debian's Chromium: citizens comment on a
post Loa published to a Facebook Page (the Graph sandbox); moderation holds two insults, which
stay public there (Facebook cannot hold a comment); a moderator finds them in the queue with
the matched words highlighted, asks why one was held, hides it and deletes the other; the read
job pushes both decisions and the sandbox's page no longer shows them to the public. Requests
beyond loopback are aborted; no page reports a CSP violation or a console error. A screenshot
of every screen is written to the test's tmp dir."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.actions import content
from core.app import create_app
from core.auth.permissions import SYSTEM
from core.context import Context
from core.delivery.models import Delivery, DeliveryState
from core.interactions import reading
from core.interactions.models import Comment, CommentState
from tests.admin.moderation_support import UNSURE, fb_sandbox, fb_target
from tests.admin.test_desk_in_chromium import PHONE, Shots
from tests.core.auth.conftest import Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in
from tests.support.pipeline import new_article, wait_for

__all__ = ["fb_sandbox", "fb_target"]

SECOND = "Ngu như bò, viết thế mà cũng đăng"


def _run(coro: Any) -> Any:
    """``asyncio.run`` off this thread: Playwright's sync API keeps a loop running here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _published_on_facebook(ctx: Context) -> str:
    """An item of the commune approved and delivered to the Page (by the worker); its post."""
    article = new_article(ctx)
    content.approve(ctx, SYSTEM, article.id)

    def delivered() -> Delivery | None:
        with ctx.sessions() as session:
            [d] = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        return d if d.state == DeliveryState.DELIVERED else None

    return str(wait_for(delivered, timeout=20, what="the post on the Page").remote_id)


def _on_page(fb_sandbox: Any) -> dict[str, dict[str, Any]]:
    import httpx

    return dict(httpx.get(f"{fb_sandbox.url}/__fake/state", timeout=5).json()["comments"])


def test_a_moderator_hides_a_held_comment_and_it_leaves_the_public_page(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    fb_sandbox: Any,
    fb_target: Any,
    worker: Any,
    tmp_path: Path,
) -> None:
    import httpx
    from playwright.sync_api import expect

    post = _published_on_facebook(ctx)
    said = {}
    for text, author in ((UNSURE, "501"), (SECOND, "502"), ("Cảm ơn xã đã thông báo!", "503")):
        doc = {"post_id": post, "message": text, "from_id": author, "from_name": f"Dân {author}"}
        r = httpx.post(f"{fb_sandbox.url}/__fake/comments", json=doc, timeout=5)
        assert r.status_code == 200, r.text
        said[text] = r.json()["comment_id"]

    def recorded() -> list[Comment] | None:
        # the worker's sweeper reads the Page too (it holds a live item): whoever records first
        assert _run(reading.read_target(ctx, fb_target.id)).error == ""
        with ctx.sessions() as session:
            rows = list(session.scalars(select(Comment).order_by(Comment.id)))
        return rows if len(rows) == 3 else None

    rows = wait_for(recorded, timeout=20, what="the comments read from the Page")
    held = {c.remote_id: c.id for c in rows if c.state == CommentState.HELD}
    assert len(held) == 2
    first, second = held[said[UNSURE]], held[said[SECOND]]
    assert not any(c["is_hidden"] for c in _on_page(fb_sandbox).values())  # held, still public

    moderator = make_account("kiem-duyet", role="approver")
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    shots = Shots(tmp_path / "screens")
    public = Watched(browser)
    public.page.goto(fb_sandbox.url)
    expect(public.page.locator("li", has_text=UNSURE)).not_to_have_class("hidden")
    shots(public.page, "facebook-page-before")

    watched = Watched(browser)
    page = watched.page
    sign_in(page, server.url, moderator, clock)
    page.click("nav a[href='/admin/moderation']")
    expect(page.locator("#held-count")).to_have_text("2")
    card = page.locator(f"#comment-{first}")
    expect(card.locator("mark")).to_have_text("Đồ ngu như bò")
    expect(card).to_contain_text("Facebook UBND xã Cẩm Thủy")
    shots(page, "queue")

    card.locator(f"#explain-{first}").click()  # why was it held?
    expect(page.locator("#decision-inbound")).to_have_text("Chờ duyệt")
    expect(page.locator("#explained mark").first).to_be_visible()
    shots(page, "why-held")
    page.click("a[href='/admin/moderation']")

    card = page.locator(f"#comment-{first}")
    card.locator("summary", has_text="Chặn người viết").click()
    card.locator("summary", has_text="Trả lời").click()
    shots(page, "queue-block-and-reply-open")
    card.locator(f"#hide-{first}").click()
    expect(page.locator("p.note[role=status]")).to_contain_text("Đã ẩn bình luận")
    expect(page.locator(f"#comment-{first}")).to_have_count(0)
    shots(page, "queue-after-hide")
    page.set_viewport_size(PHONE)
    page.locator(f"#delete-{second}").click()
    expect(page.locator("#queue-empty")).to_be_visible()
    shots(page, "queue-empty-phone")

    # the read job the hide queued pushes both decisions to the Page
    def pushed() -> bool:
        now = _on_page(fb_sandbox)
        return now.get(said[UNSURE], {}).get("is_hidden") is True and said[SECOND] not in now

    wait_for(pushed, timeout=20, what="the hide and the delete on the Page")
    public.page.goto(fb_sandbox.url)
    expect(public.page.locator("li.hidden", has_text=UNSURE)).to_have_count(1)
    expect(public.page.locator("li", has_text=SECOND)).to_have_count(0)
    expect(public.page.locator("li:not(.hidden)", has_text="Cảm ơn xã")).to_have_count(1)
    shots(public.page, "facebook-page-after")
    with ctx.sessions() as session:
        states = {
            c.id: (c.state, c.reason) for c in session.scalars(select(Comment).order_by(Comment.id))
        }
    assert states[first] == (CommentState.HIDDEN, "moderator")
    assert states[second] == (CommentState.HIDDEN, "deleted")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.url}/admin/moderation/terms")
    expect(page.locator("#h-unit")).to_have_text("Xã Cẩm Thủy")
    shots(page, "terms")
    watched.assert_clean()
    public.assert_clean()
    watched.close()
    public.close()
    assert len(shots.taken) == 8
    print(f"screenshots: {shots.directory}")
