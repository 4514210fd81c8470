"""The moderators' desk: the queue of held comments from every channel, and the unit's terms.

The queue shows the items moderation holds (cleared here for their current text) and each held
comment with what moderation matched highlighted, its channel, the
author's pseudonym, when it was written and received (Asia/Ho_Chi_Minh) and how long it has
waited; a moderator approves, hides, deletes (where the channel can), replies (moderated and
audited by the action) or blocks the author for a chosen time. The terms page lists the unit's
terms and allowlist (its own and its ancestors'), adds and removes them, and explains what the
unit's lexicon makes of a text: the effect of an entry just added, or of a held comment.
Every change goes through a core action, which checks the permission and audits; forms carry
the CSRF token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin.messages import explain
from admin.page import Page, signed_in, signed_in_post, text
from admin.pages.refusals import audited, call
from core.actions import moderation_policy, screening
from core.auth.permissions import Actor
from core.errors import LoaError
from core.interactions import actions as moderation
from core.interactions import queue_view, replies

QUEUE = "/admin/moderation"
TERMS = "/admin/moderation/terms"
#: How long a moderator may block an author, in hours, and how each choice reads.
BLOCK_CHOICES = (
    (1, "1 giờ", "1 hour"),
    (24, "1 ngày", "1 day"),
    (168, "7 ngày", "7 days"),
    (720, "30 ngày", "30 days"),
    (8760, "1 năm", "1 year"),
)
#: What a moderator did, as the queue's confirmation says it.
DONE = {
    "approve": ("Đã cho hiện bình luận.", "The comment may stand."),
    "hide": ("Đã ẩn bình luận; kênh sẽ ẩn ở lần đọc tới.", "Hidden; the channel follows."),
    "delete": ("Đã xóa bình luận; kênh sẽ xóa ở lần đọc tới.", "Deleted; the channel follows."),
    "block": ("Đã chặn người viết.", "The author is blocked."),
    "reply": ("Đã nhận câu trả lời; Loa sẽ gửi lên kênh.", "The reply is queued."),
    "clear": ("Đã cho bài đi tiếp sang bước duyệt.", "The item goes on to approval."),
    "add": ("Đã thêm mục.", "Entry added."),
    "remove": ("Đã xóa mục.", "Entry removed."),
}
CATEGORIES = {
    "profanity": "Tục tĩu",
    "insult": "Xúc phạm",
    "sensitive": "Nhạy cảm",
}
DECISIONS = {"allow": "Cho qua", "review": "Chờ duyệt", "block": "Chặn"}


def age(delta: dt.timedelta) -> str:
    """How long a comment has waited, in Vietnamese: 5 phút, 2 giờ 10 phút, 3 ngày 4 giờ."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} ngày {hours} giờ"
    if hours:
        return f"{hours} giờ {minutes} phút"
    return f"{minutes} phút"


def _done(request: Request) -> str:
    said = DONE.get(request.query_params.get("done", ""))
    return f"{said[0]} / {said[1]}" if said else ""


async def queue(request: Request) -> Response:
    page, actor = await signed_in(request)
    held = await call(page, queue_view.held, page.ctx, actor)
    items = await call(page, screening.held_items, page.ctx, actor)
    return page.render(
        "ops/moderation.html",
        title="Kiểm duyệt bình luận",
        title_en="Moderation queue",
        held=held,
        items=items,
        age=age,
        blocks=BLOCK_CHOICES,
        minutes=page.ctx.settings.held_alert_minutes,
        notice=_done(request),
    )


#: The queue's actions on one comment: the core action and what it takes from the form.
COMMENT_ACTIONS: dict[str, Callable[[Any, Actor, int, FormData], Any]] = {
    "approve": lambda ctx, actor, cid, form: moderation.approve(ctx, actor, cid),
    "hide": lambda ctx, actor, cid, form: moderation.hide(ctx, actor, cid),
    "delete": lambda ctx, actor, cid, form: moderation.delete(ctx, actor, cid),
    "block": lambda ctx, actor, cid, form: moderation.block_author(
        ctx, actor, cid, _hours(text(form, "hours")), text(form, "reason")
    ),
    "reply": lambda ctx, actor, cid, form: replies.reply(ctx, actor, cid, text(form, "text")),
}


async def clear_item(request: Request) -> Response:
    """A moderator lets an item moderation held go on to approval (its current text only)."""
    page, actor, _ = await signed_in_post(request)
    try:
        _, refused = await audited(
            page, screening.clear_moderation, page.ctx, actor, request.path_params["aid"]
        )
    except LoaError as exc:
        return _refused(page, 400, explain(exc))
    return refused or page.redirect(f"{QUEUE}?done=clear")


def _hours(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        return 0.0  # the action refuses it with its own message


async def act(request: Request) -> Response:
    """One moderator's decision on one comment, through its core action."""
    page, actor, form = await signed_in_post(request)
    verb = request.path_params["verb"]
    call = COMMENT_ACTIONS.get(verb)
    if call is None:
        return _refused(page, 404, "Không có thao tác này. / No such action.")
    try:
        _, refused = await audited(page, call, page.ctx, actor, request.path_params["cid"], form)
    except LoaError as exc:
        return _refused(page, 400, explain(exc))
    return refused or page.redirect(f"{QUEUE}?done={verb}")


def _refused(page: Page, status: int, error: str) -> Response:
    return page.render(
        "ops/not_done.html",
        status,
        title="Chưa làm được",
        title_en="Not done",
        error=error,
        back=QUEUE,
    )


# --- the unit's terms and allowlist ----------------------------------------------------------


async def _terms_page(
    page: Page,
    actor: Actor,
    unit_code: str,
    sample: str,
    status: int = 200,
    added: int | None = None,
    **values: Any,
) -> Response:
    """The unit's entries; ``sample`` (or the entry ``added``) explained under its lexicon."""
    units = await call(page, queue_view.moderated_units, page.ctx, actor)
    chosen = next((u for u in units if u.code == unit_code), units[0] if units else None)
    if chosen is None:
        return _refused(page, 403, "Bạn không kiểm duyệt đơn vị nào. / You moderate no unit.")
    rows = await call(page, screening.list_terms, page.ctx, actor, chosen.code)
    if added is not None:  # the entry just added: what the unit's lexicon now does with it
        sample = next((t.term for t, _ in rows or [] if t.id == added), "")
    explained = None
    if sample:
        try:
            explained, refused = await audited(
                page, moderation_policy.explain_text, page.ctx, actor, chosen.code, sample
            )
        except LoaError as exc:
            values["error"] = explain(exc)
        if refused is not None:
            return refused
    return page.render(
        "ops/terms.html",
        status,
        title="Từ ngữ và danh sách cho phép",
        title_en="Terms and allowlist",
        units=units,
        unit=chosen,
        rows=rows,
        sample=sample,
        explained=explained,
        categories=CATEGORIES,
        decisions=DECISIONS,
        **values,
    )


async def terms(request: Request) -> Response:
    page, actor = await signed_in(request)
    unit_code = request.query_params.get("unit", "")[:16]
    added = request.query_params.get("added", "")
    return await _terms_page(
        page,
        actor,
        unit_code,
        "",
        added=int(added) if added.isdigit() else None,
        notice=_done(request),
    )


async def explain_sample(request: Request) -> Response:
    """What the unit's lexicon makes of a text (posted: a citizen's words stay out of URLs)."""
    page, actor, form = await signed_in_post(request)
    return await _terms_page(page, actor, text(form, "unit"), text(form, "text"))


async def add_term(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    unit_code = text(form, "unit")
    severity = text(form, "severity")
    data = {
        "kind": text(form, "kind"),
        "term": text(form, "term"),
        "category": text(form, "category"),
        "severity": int(severity) if severity.isdigit() else None,
        "flags": text(form, "flags"),
    }
    try:
        row, refused = await audited(page, screening.add_term, page.ctx, actor, unit_code, data)
    except LoaError as exc:
        return await _terms_page(page, actor, unit_code, "", 400, error=explain(exc))
    if refused is not None:
        return refused
    assert row is not None  # audited gives a result or a refusal
    return page.redirect(f"{TERMS}?{urlencode({'unit': unit_code, 'added': row.id})}&done=add")


async def remove_term(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    unit_code = text(form, "unit")
    try:
        _, refused = await audited(
            page, screening.remove_term, page.ctx, actor, request.path_params["term_id"]
        )
    except LoaError as exc:
        return await _terms_page(page, actor, unit_code, "", 400, error=explain(exc))
    return refused or page.redirect(f"{TERMS}?{urlencode({'unit': unit_code})}&done=remove")


def routes() -> list[BaseRoute]:
    """The moderators' pages, mounted by ``admin.app``."""
    return [
        Route("/moderation", queue),
        Route("/moderation/comments/{cid:int}/{verb:str}", act, methods=["POST"]),
        Route("/moderation/items/{aid:int}/clear", clear_item, methods=["POST"]),
        Route("/moderation/terms", terms),
        Route("/moderation/terms", add_term, methods=["POST"]),
        Route("/moderation/terms/explain", explain_sample, methods=["POST"]),
        Route("/moderation/terms/{term_id:int}/remove", remove_term, methods=["POST"]),
    ]
