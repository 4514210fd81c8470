"""The moderators' desk through its pages: the queue shows held comments with what moderation
matched highlighted, its channel, the author's pseudonym, local times and age; approve, hide,
delete, reply and block go through core's actions (another unit's moderator refused and
audited, a form without its CSRF token refused); the unit's terms and allowlist are listed,
added (the effect explained) and removed by the unit's admin only."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from starlette.testclient import TestClient

from core.context import Context
from core.interactions.models import AuthorBlock, CommentState, Reply
from core.screening.models import UnitTerm
from tests.admin.moderation_support import UNSURE, fb_sandbox, fb_target, record, reload
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows, csrf_of, sign_in

__all__ = ["fb_sandbox", "fb_target"]


def _moderator(web: TestClient, make_account: MakeAccount, clock: Clock, **kw: Any) -> str:
    sign_in(web, make_account(kw.pop("name", "kiem-duyet"), role="approver", **kw), clock)
    page = web.get("/admin/moderation")
    assert page.status_code == 200, page.text
    return page.text


def _post(web: TestClient, path: str, csrf: str, **data: str) -> Any:
    return web.post(path, data={"csrf_token": csrf, **data})


def test_the_queue_shows_held_comments_marked_with_channel_author_time_and_age(
    ctx: Context,
    web: TestClient,
    make_account: MakeAccount,
    clock: Clock,
    portal_target: Any,
    fb_target: Any,
) -> None:
    late = record(ctx, fb_target.id, UNSURE, waited=dt.timedelta(minutes=95))
    record(ctx, portal_target.id, "Cảm ơn xã đã thông báo", author="calm")  # allowed: not held
    page = _moderator(web, make_account, clock)
    card = page.split(f'id="comment-{late.id}"', 1)[1].split("</article>", 1)[0]
    assert '<mark title="đồ ngu, ngu như bò">Đồ ngu như bò</mark>, ai viết bài này?' in card
    assert "Facebook UBND xã Cẩm Thủy" in card and "Trần Thị Bình" in card
    assert f"<code>{late.author_pseudonym[:10]}</code>" in card
    received = late.received_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert received.strftime("%d/%m/%Y %H:%M") in card
    assert '<strong class="age">1 giờ 35 phút</strong>' in card and "quá hạn" in card
    assert f'id="delete-{late.id}"' in card and f'id="reply-{late.id}"' in card  # Facebook can
    assert '<strong id="held-count">1</strong>' in page


def test_hide_needs_the_csrf_token_and_goes_through_the_action(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    held = record(ctx, portal_target.id, UNSURE)
    page = _moderator(web, make_account, clock)
    forged = web.post(f"/admin/moderation/comments/{held.id}/hide", data={"csrf_token": "x"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert reload(ctx, held.id).state == CommentState.HELD
    assert audit_rows(ctx, "auth.csrf_refused")
    done = _post(web, f"/admin/moderation/comments/{held.id}/hide", csrf_of(page))
    assert done.status_code == 303 and done.headers["location"] == "/admin/moderation?done=hide"
    assert reload(ctx, held.id).state == CommentState.HIDDEN
    [entry] = audit_rows(ctx, "comment.hide")
    assert entry.actor == "kiem-duyet" and int(entry.subject_id) == held.id
    after = web.get(done.headers["location"]).text
    assert "Đã ẩn bình luận" in after and 'id="queue-empty"' in after
    again = _post(web, f"/admin/moderation/comments/{held.id}/hide", csrf_of(page))
    assert again.status_code == 400  # already hidden: said, not a stack trace


def test_another_units_moderator_is_refused_and_audited(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    held = record(ctx, portal_target.id, UNSURE)
    page = _moderator(web, make_account, clock, name="ha-noi", unit="01")
    assert UNSURE not in page and 'id="queue-empty"' in page
    csrf = csrf_of(web.get("/admin/moderation/terms").text)  # the empty queue has no form
    for verb in ("approve", "hide", "delete", "block"):
        refused = _post(web, f"/admin/moderation/comments/{held.id}/{verb}", csrf, hours="24")
        assert refused.status_code == 403, (verb, refused.text)
    assert reload(ctx, held.id).state == CommentState.HELD
    assert len(audit_rows(ctx, "auth.forbidden")) == 4


def test_approve_delete_block_for_a_time_and_reply(
    ctx: Context,
    web: TestClient,
    make_account: MakeAccount,
    clock: Clock,
    portal_target: Any,
    fb_target: Any,
) -> None:
    on_portal = record(ctx, portal_target.id, UNSURE)
    to_delete = record(ctx, fb_target.id, UNSURE, author="a", remote_id="fb-1")
    to_block = record(ctx, fb_target.id, UNSURE, author="b", remote_id="fb-2")
    to_reply = record(ctx, fb_target.id, "Đồ ngu, mấy giờ mở cửa?", author="c", remote_id="fb-3")
    page = _moderator(web, make_account, clock)
    csrf = csrf_of(page)
    assert f'id="delete-{on_portal.id}"' not in page  # the portal cannot delete
    refused = _post(web, f"/admin/moderation/comments/{on_portal.id}/delete", csrf)
    assert refused.status_code == 400 and "cannot delete" in refused.text
    assert _post(web, f"/admin/moderation/comments/{on_portal.id}/approve", csrf).is_redirect
    assert reload(ctx, on_portal.id).state == CommentState.APPROVED

    assert _post(web, f"/admin/moderation/comments/{to_delete.id}/delete", csrf).is_redirect
    assert (reload(ctx, to_delete.id).state, reload(ctx, to_delete.id).reason) == (
        CommentState.HIDDEN,
        "deleted",
    )

    bad = _post(web, f"/admin/moderation/comments/{to_block.id}/block", csrf, hours="abc")
    assert bad.status_code == 400
    before = dt.datetime.now(dt.UTC)
    path = f"/admin/moderation/comments/{to_block.id}/block"
    assert _post(web, path, csrf, hours="168", reason="xúc phạm").is_redirect
    with ctx.sessions() as session:
        [block] = session.scalars(select(AuthorBlock).order_by(AuthorBlock.id)).all()
    until = block.until.replace(tzinfo=dt.UTC) if block.until.tzinfo is None else block.until
    assert dt.timedelta(days=7) <= until - before < dt.timedelta(days=7, minutes=1)
    assert block.reason == "xúc phạm" and reload(ctx, to_block.id).state == CommentState.HIDDEN

    rude = _post(web, f"/admin/moderation/comments/{to_reply.id}/reply", csrf, text="Đồ ngu")
    assert rude.status_code == 400 and "moderation refuses" in rude.text
    path = f"/admin/moderation/comments/{to_reply.id}/reply"
    assert _post(web, path, csrf, text="Bộ phận một cửa mở lúc 7 giờ 30.").is_redirect
    with ctx.sessions() as session:
        [reply] = session.scalars(select(Reply).order_by(Reply.id)).all()
    assert reply.comment_id == to_reply.id and reply.created_by == "kiem-duyet"
    assert audit_rows(ctx, "comment.reply")


def test_the_units_admin_adds_and_removes_terms_with_the_effect_explained(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    sign_in(web, make_account("quan-tri", role="admin"), clock)
    page = web.get("/admin/moderation/terms").text
    assert "Xã Cẩm Thủy" in page and 'id="add-term"' in page
    data = {"unit": "14932", "kind": "term", "term": "phụ trách", "category": "insult"}
    added = _post(web, "/admin/moderation/terms", csrf_of(page), severity="2", **data)
    assert added.status_code == 303, added.text
    shown = html.unescape(web.get(added.headers["location"]).text)
    assert "Đã thêm mục" in shown and 'id="explained"' in shown
    assert "<mark>phụ trách</mark>" in shown  # the entry now matches itself
    with ctx.sessions() as session:
        [term] = session.scalars(select(UnitTerm).order_by(UnitTerm.id)).all()
    assert f'id="term-{term.id}"' in shown
    explained = _post(
        web, "/admin/moderation/terms/explain", csrf_of(shown), unit="14932", text="Ai phụ trách?"
    )
    assert 'id="decision-inbound">Chờ duyệt' in explained.text  # insult, severity 2: held
    removed = _post(web, f"/admin/moderation/terms/{term.id}/remove", csrf_of(shown), unit="14932")
    assert removed.status_code == 303
    with ctx.sessions() as session:
        assert session.scalars(select(UnitTerm).order_by(UnitTerm.id)).all() == []
    assert audit_rows(ctx, "lexicon.add") and audit_rows(ctx, "lexicon.remove")


def test_a_moderator_sees_the_terms_but_may_not_change_them(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    sign_in(web, make_account("kiem-duyet", role="approver"), clock)
    page = web.get("/admin/moderation/terms").text
    assert 'id="add-term"' not in page and "Chỉ quản trị đơn vị" in page
    data = {"unit": "14932", "kind": "allow", "term": "Cẩm Thủy"}
    refused = _post(web, "/admin/moderation/terms", csrf_of(page), **data)
    assert refused.status_code == 403
    assert audit_rows(ctx, "auth.forbidden")
    with ctx.sessions() as session:
        assert session.scalars(select(UnitTerm).order_by(UnitTerm.id)).all() == []
    explained = _post(
        web, "/admin/moderation/terms/explain", csrf_of(page), unit="14932", text=UNSURE
    )
    assert explained.status_code == 200 and "<mark>Đồ ngu</mark>" in explained.text


def test_an_item_held_by_moderation_is_listed_marked_and_cleared(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    from core.actions import content
    from core.auth.permissions import SYSTEM
    from core.content.models import Article

    data = {"title": "Góp ý", "unit_code": "14932", "body_html": f"<p>{UNSURE}</p>"}
    item = content.create(ctx, SYSTEM, data)
    assert item.moderation == "review"
    page = _moderator(web, make_account, clock)
    card = page.split(f'id="item-{item.id}"', 1)[1].split("</article>", 1)[0]
    assert "<mark>" in card and f'href="/admin/items/{item.uid}/review"' in card
    cleared = _post(web, f"/admin/moderation/items/{item.id}/clear", csrf_of(page))
    assert cleared.status_code == 303, cleared.text
    with ctx.sessions() as session:
        row = session.get(Article, item.id)
        assert row is not None and row.moderation_cleared_by == "kiem-duyet"
    assert f'id="item-{item.id}"' not in web.get("/admin/moderation").text
    assert audit_rows(ctx, "article.moderation_cleared")
