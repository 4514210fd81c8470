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
from admin.pages.refusals import audited
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
    view, refused = await audited(page, desk.item_view, page.ctx, actor, uid)
    if refused is not None:
        return refused
    assert view is not None  # audited gives a result or a refusal
    shown, refused = await audited(page, channel_previews, page.ctx, actor, uid)
    if refused is not None:
        return refused
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
    if isinstance(actor, Response):
        return actor
    return await _previews_page(page, actor, request.path_params["uid"])


async def submit(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    if isinstance(actor, Response):
        return actor
    uid = request.path_params["uid"]
    view, refused = await audited(page, desk.item_view, page.ctx, actor, uid)
    if refused is not None:
        return refused
    assert view is not None  # audited gives a result or a refusal
    justification = text(form, "justification").strip() or None
    try:
        _, refused = await audited(page, workflow.submit, page.ctx, actor, view.id, justification)
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
    if refused is not None:
        return refused
    return page.redirect(f"/admin/items/{uid}")


async def _review_page(
    page: Page, actor: Actor, uid: str, *, error: str = "", status: int = 200
) -> Response:
    view, refused = await audited(page, desk.item_view, page.ctx, actor, uid)
    if refused is not None:
        return refused
    assert view is not None  # audited gives a result or a refusal
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
    if isinstance(actor, Response):
        return actor
    return await _review_page(page, actor, request.path_params["uid"])


async def decide(request: Request) -> Response:
    """One step: approve, request changes or reject, with a comment and, when the item
    reaches the whole nation, a fresh code from the authenticator."""
    page, actor, form = await signed_in_post(request)
    if isinstance(actor, Response):
        return actor
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
        _, refused = await audited(
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
    if refused is not None:
        return refused
    return page.redirect(f"/admin/items/{uid}")
