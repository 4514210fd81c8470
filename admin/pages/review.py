"""Previews side by side, submit; the reviewer's page: what changed, who decides, decide.

Previews come from ``core.delivery.previews`` (each channel's own rendering, sanitised,
with its fidelity report and refusals); submitting and deciding call
``core.actions.workflow``, which checks permission, the S0.4 justification and, for
national reach, the fresh second factor this page asks for.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from admin.labels import LABELS
from admin.messages import explain, field_errors
from admin.page import Page, signed_in, signed_in_post, text
from admin.pages.refusals import call
from core.actions import desk, workflow
from core.auth.actions import step_up
from core.auth.errors import SignInFailed
from core.auth.permissions import Actor
from core.delivery.previews import previews as channel_previews
from core.errors import LoaError, ValidationFailed

DECISIONS = {
    "approve": "Duyệt",
    "request_changes": "Yêu cầu sửa",
    "reject": "Từ chối",
}


async def _previews_page(
    page: Page, actor: Actor, uid: str, *, error: str = "", errors: Any = None, status: int = 200
) -> Response:
    view = await call(page, desk.item_view, page.ctx, actor, uid)
    shown = await call(page, channel_previews, page.ctx, actor, uid)
    return page.render(
        "desk/previews.html",
        status,
        title="Xem trước trên từng kênh",
        title_en="Previews on each channel",
        view=view,
        previews=shown,
        **LABELS,
        error=error,
        errors=errors or {},
    )


async def previews(request: Request) -> Response:
    page, actor = await signed_in(request)
    return await _previews_page(page, actor, request.path_params["uid"])


async def submit(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    uid = request.path_params["uid"]
    view = await call(page, desk.item_view, page.ctx, actor, uid)
    justification = text(form, "justification").strip() or None
    try:
        await call(page, workflow.submit, page.ctx, actor, view.id, justification)
    except ValidationFailed as exc:
        return await _previews_page(
            page,
            actor,
            uid,
            error="Chưa gửi duyệt được. / Not submitted.",
            errors=field_errors(exc.fields),
            status=400,
        )
    except LoaError as exc:
        return await _previews_page(page, actor, uid, error=explain(exc), status=400)
    return page.redirect(f"/admin/items/{uid}")


async def _review_page(
    page: Page, actor: Actor, uid: str, *, error: str = "", status: int = 200
) -> Response:
    view = await call(page, desk.item_view, page.ctx, actor, uid)
    return page.render(
        "desk/review.html",
        status,
        title="Duyệt bài",
        title_en="Review",
        view=view,
        **LABELS,
        decisions=DECISIONS,
        error=error,
    )


async def review(request: Request) -> Response:
    page, actor = await signed_in(request)
    return await _review_page(page, actor, request.path_params["uid"])


async def decide(request: Request) -> Response:
    """One step: approve, request changes or reject, with a comment and, when the item
    reaches the whole nation, a fresh code from the authenticator."""
    page, actor, form = await signed_in_post(request)
    uid, step_id = request.path_params["uid"], request.path_params["step_id"]
    code = text(form, "code").replace(" ", "")
    deciding = actor
    if code:
        try:
            deciding = await run_in_threadpool(step_up, page.ctx, actor, code, page.address)
        except SignInFailed as exc:
            return await _review_page(
                page, actor, uid, error=f"Mã xác thực không đúng. / {exc.message}", status=400
            )
    try:
        await call(
            page,
            workflow.decide,
            page.ctx,
            deciding,
            step_id,
            text(form, "decision"),
            text(form, "comment"),
        )
    except LoaError as exc:
        return await _review_page(page, actor, uid, error=explain(exc), status=400)
    return page.redirect(f"/admin/items/{uid}")
