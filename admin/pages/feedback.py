"""The citizens' feedback inbox (issue 17): the list with its filters, and one message to
assign, acknowledge, mark urgent, answer and close.

Pages parse, call :mod:`core.interactions.inbox` (reads) and
:mod:`core.interactions.handling` (actions, which check permission and audit) and render;
a refusal is audited by :func:`audited`, a validation error is shown next to its field.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from admin.messages import explain, field_errors
from admin.page import Page, signed_in, signed_in_post, text
from admin.pages.refusals import audited, call
from core.auth.permissions import Actor
from core.errors import InvalidTransition, ValidationFailed
from core.interactions import handling, inbox

ROOT = "/admin/feedback"
#: Handling statuses as the desk says them.
STATUSES = {
    "new": ("Mới, chờ tiếp nhận", "New"),
    "in_progress": ("Đang xử lý", "In progress"),
    "answered": ("Đã trả lời", "Answered"),
    "closed": ("Đã đóng", "Closed"),
}
CHANNELS = {
    "form": ("Biểu mẫu của Loa", "Loa's form"),
    "api": ("Cổng thông tin (API)", "Website, through the API"),
}
VIA = {
    "channel": ("Gửi lại qua kênh", "Sent back over the channel"),
    "email": ("Gửi thư điện tử", "E-mailed"),
    "page": ("Trên trang tra cứu", "On the status page"),
}
ACTIONS = {
    "received": "Nhận góp ý",
    "assigned": "Giao xử lý",
    "acknowledged": "Tiếp nhận",
    "urgent": "Đánh dấu khẩn",
    "not_urgent": "Bỏ đánh dấu khẩn",
    "answered": "Trả lời",
    "closed": "Đóng",
}
DONE = {
    "assign": "Đã giao xử lý. / Assigned.",
    "acknowledge": "Đã tiếp nhận. / Acknowledged.",
    "urgent": "Đã cập nhật mức khẩn và hạn tiếp nhận. / Urgency and deadline updated.",
    "answer": "Đã trả lời. / Answered.",
    "close": "Đã đóng. / Closed.",
}


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    return {
        "status": q.get("status", "")[:16],
        "unit": q.get("unit", "")[:16],
        "channel": q.get("channel", "")[:32],
        "overdue": q.get("overdue") == "1",
    }


async def listing(request: Request) -> Response:
    page, actor = await signed_in(request)
    filters = _filters(request)
    error, status = "", 200
    try:
        lines = await call(page, lambda: inbox.listing(page.ctx, actor, **filters))
    except ValidationFailed as exc:
        lines, error, status = [], explain(exc), 400
    units, _ = await audited(page, inbox.units, page.ctx, actor)
    return page.render(
        "ops/feedback_list.html",
        status,
        title="Góp ý của người dân",
        title_en="Citizens' feedback",
        lines=lines,
        filters=filters,
        units=units or [],
        channels=inbox.channels(page.ctx),
        statuses=STATUSES,
        channel_names=CHANNELS,
        error=error,
    )


async def _detail(
    page: Page,
    actor: Actor,
    feedback_id: int,
    *,
    error: str = "",
    errors: dict[str, tuple[str, str]] | None = None,
    given: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    found = await call(page, inbox.detail, page.ctx, actor, feedback_id)
    done = page.request.query_params.get("done", "")
    return page.render(
        "ops/feedback_detail.html",
        status,
        title=f"Góp ý {found.line.code}",
        title_en=f"Feedback {found.line.code}",
        item=found,
        statuses=STATUSES,
        channel_names=CHANNELS,
        via=VIA,
        actions=ACTIONS,
        error=error,
        errors=errors or {},
        given=given or {},
        notice=DONE.get(done, ""),
    )


async def detail(request: Request) -> Response:
    page, actor = await signed_in(request)
    return await _detail(page, actor, int(request.path_params["feedback_id"]))


async def act(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    feedback_id = int(request.path_params["feedback_id"])
    what = str(request.path_params["action"])
    calls = {
        "assign": lambda: handling.assign(
            page.ctx, actor, feedback_id, int(text(form, "assignee") or 0)
        ),
        "acknowledge": lambda: handling.acknowledge(page.ctx, actor, feedback_id),
        "urgent": lambda: handling.mark_urgent(
            page.ctx, actor, feedback_id, text(form, "urgent") == "1"
        ),
        "answer": lambda: handling.answer(page.ctx, actor, feedback_id, text(form, "answer")),
        "close": lambda: handling.close(page.ctx, actor, feedback_id, text(form, "note")),
    }
    if what not in calls or (what == "assign" and not text(form, "assignee").isdigit()):
        return await _detail(
            page, actor, feedback_id, error="Yêu cầu không hợp lệ. / Bad request.", status=400
        )
    given = {"answer": text(form, "answer"), "note": text(form, "note")}
    try:
        await call(page, calls[what])
    except ValidationFailed as exc:
        return await _detail(
            page, actor, feedback_id, errors=field_errors(exc.fields), given=given, status=400
        )
    except InvalidTransition as exc:
        return await _detail(page, actor, feedback_id, error=explain(exc), status=409)
    return page.redirect(f"{ROOT}/{feedback_id}?done={what}")


def routes() -> list[Route]:
    """The inbox's routes, relative to the admin's mount."""
    return [
        Route("/feedback", listing),
        Route("/feedback/{feedback_id:int}", detail),
        Route("/feedback/{feedback_id:int}/{action:str}", act, methods=["POST"]),
    ]
