"""Templates of recurring items on the desk: the list, save the compose form as one, start a
new item from one, rename, delete. Permissions are the actions' (``core.actions.templates``):
a unit's editors and its admins.

- GET  /admin/templates                   the templates of the units where I write
- POST /admin/templates[?item=uid]        the compose form (its "save as a template" button)
- GET  /admin/templates/{id}/use          the compose form, prefilled (fields only)
- POST /admin/templates/{id}/rename       a new name
- POST /admin/templates/{id}/delete
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from admin.messages import explain, field_errors
from admin.page import Page, signed_in, signed_in_post, text
from admin.pages import compose
from admin.pages.refusals import audited, call
from core.actions import desk
from core.actions import templates as actions
from core.auth.permissions import Actor
from core.errors import LoaError, ValidationFailed

TITLES = {"title": "Mẫu bài", "title_en": "Templates"}


async def _list(
    page: Page, actor: Actor, *, notice: str = "", error: str = "", status: int = 200
) -> Response:
    rows = await run_in_threadpool(actions.templates_for, page.ctx, actor)
    item = page.request.query_params.get("item", "")[:36]
    return page.render(
        "desk/templates.html",
        status,
        templates=rows,
        item=item,
        notice=notice,
        error=error,
        **TITLES,
    )


async def index(request: Request) -> Response:
    page, actor = await signed_in(request)
    notices = {
        "saved": "Đã lưu mẫu. / Template saved.",
        "renamed": "Đã đổi tên mẫu. / Template renamed.",
        "deleted": "Đã xoá mẫu. / Template deleted.",
    }
    done = request.query_params.get("done", "")
    return await _list(page, actor, notice=notices.get(done, ""))


async def save(request: Request) -> Response:
    """The compose form, posted by its "save as a template" button: on a refusal the form
    comes back with what was typed and the error next to the template's name."""
    page, actor, form = await signed_in_post(request)
    data, _ = compose.parse(form)  # unreadable ages or dates are not kept in a template
    item = request.query_params.get("item", "")[:36]
    try:
        await call(
            page,
            actions.save_template,
            page.ctx,
            actor,
            data["unit_code"],
            text(form, "template_name"),
            data,
        )
    except ValidationFailed as exc:
        fields = {("template_name" if k == "name" else k): v for k, v in exc.fields.items()}
        view = None
        if item:
            view, shown = await audited(page, desk.item_view, page.ctx, actor, item)
            if shown is not None:
                return shown
        values = {
            **compose._values_posted(form, data),
            "template_name": text(form, "template_name"),
        }
        return await compose._form_page(
            page, actor, values, view=view, errors=field_errors(fields), status=400
        )
    back = f"&item={item}" if item else ""
    return page.redirect(f"/admin/templates?done=saved{back}")


async def use(request: Request) -> Response:
    """A new item from a template: the compose form with its fields, nothing else (no
    approval, revision or history comes with them)."""
    page, actor = await signed_in(request)
    found = await call(page, actions.template, page.ctx, actor, request.path_params["template_id"])
    data: dict[str, Any] = found.data
    values = compose.values_from(
        data,
        unit_code=found.unit_code,
        category=data.get("category") or "",
        target_ids=list(data.get("target_ids") or []),
    )
    notice = f"Bài mới từ mẫu «{found.name}». / A new item from the template «{found.name}»."
    return await compose._form_page(page, actor, values, notice=notice)


async def _change(
    request: Request, done: str, change: Any, args: Callable[[FormData], tuple[Any, ...]]
) -> Response:
    page, actor, form = await signed_in_post(request)
    template_id = request.path_params["template_id"]
    try:
        await call(page, change, page.ctx, actor, template_id, *args(form))
    except LoaError as exc:
        return await _list(page, actor, error=explain(exc), status=400)
    return page.redirect(f"/admin/templates?done={done}")


async def rename(request: Request) -> Response:
    return await _change(
        request, "renamed", actions.rename_template, lambda form: (text(form, "name"),)
    )


async def delete(request: Request) -> Response:
    return await _change(request, "deleted", actions.delete_template, lambda form: ())
