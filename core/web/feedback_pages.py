"""Citizens' feedback on Loa's own pages: the form (``/gop-y/{unit}``) and the status page
(``/gop-y/tra-cuu``), for a unit without a portal of its own or a portal that links here.

No sign-in. Vietnamese, semantic and accessible, phone-first, no script at all under the
house CSP, one small stylesheet Loa serves itself. Posts carry the cookie-bound token of
:mod:`core.web.form_guard`; the actions count posts and look-ups per address
(:func:`core.interactions.feedback.submit`, :func:`core.interactions.followup.lookup`).
The tracking code is shown once, on the answer to the post, and never put in a URL (it
would land in logs and browser history): the status page takes it in a form.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from core.context import Context
from core.errors import ModerationBlocked, TooManyRequests, ValidationFailed
from core.interactions import feedback, followup
from core.interactions.tracking import shown
from core.interactions.workhours import LOCAL
from core.static import Bundle
from core.units.lookups import find_unit
from core.units.models import Unit
from core.web import form_guard

log = logging.getLogger("loa.feedback")
ROOT = "/gop-y"
STATUS_PAGE = f"{ROOT}/tra-cuu"
STATIC = Path(__file__).parent / "static"

#: What each handling status is called, for citizens.
STATUS_NAMES = {
    "new": ("Đã nhận, chờ tiếp nhận", "Received, waiting to be taken up"),
    "in_progress": ("Đang xử lý", "Being handled"),
    "answered": ("Đã trả lời", "Answered"),
    "closed": ("Đã kết thúc", "Closed"),
}
FIELD_NAMES = {"text": "Nội dung", "name": "Họ tên", "contact": "Liên hệ"}


@cache
def bundle() -> Bundle:
    return Bundle.of(STATIC, "/static/public")


def _local(value: Any) -> str:
    return value.astimezone(LOCAL).strftime("%H:%M %d/%m/%Y") if value else "—"


env = Environment(
    loader=PackageLoader("core.web", "templates"),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)
env.filters["local"] = _local


def _page(
    ctx: Context,
    request: Request,
    template: str,
    status: int = 200,
    *,
    purpose: str = "",
    **values: Any,
) -> Response:
    nonce, token = form_guard.issue(ctx, request, purpose) if purpose else ("", "")
    body = env.get_template(template).render(
        css=bundle().url("public.css"),
        token=token,
        field=form_guard.FIELD,
        honeypot=form_guard.HONEYPOT,
        statuses=STATUS_NAMES,
        status_page=STATUS_PAGE,
        **values,
    )
    response = HTMLResponse(body, status_code=status, headers={"cache-control": "no-store"})
    if nonce:
        form_guard.set_cookie(response, ctx, nonce, ROOT)
    return response


def _unit(ctx: Context, code: str) -> Unit | None:
    with ctx.sessions() as session:
        return find_unit(session, code[:16])


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refused(ctx: Context, request: Request, why: str, template: str, **values: Any) -> Response:
    log.info("a public feedback form was refused (%s)", why)
    return _page(
        ctx,
        request,
        template,
        400,
        error="Biểu mẫu đã hết hạn hoặc gửi quá nhanh; vui lòng kiểm tra và gửi lại. "
        "(The form expired or was sent too fast; please check it and send it again.)",
        **values,
    )


async def form(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    unit = await run_in_threadpool(_unit, ctx, str(request.path_params["unit"]))
    if unit is None:
        return _page(ctx, request, "public/missing.html", 404)
    values: dict[str, Any] = {"unit": unit, "purpose": f"feedback:{unit.code}"}
    if request.method == "GET":
        return _page(ctx, request, "public/form.html", **values, given={})
    posted = await request.form()
    given = {k: str(posted.get(k) or "") for k in ("text", "name", "contact")}
    values["given"] = given
    why = form_guard.check(
        ctx,
        request,
        f"feedback:{unit.code}",
        str(posted.get(form_guard.FIELD) or ""),
        str(posted.get(form_guard.HONEYPOT) or ""),
    )
    if why:
        return _refused(ctx, request, why, "public/form.html", **values)
    try:
        item = await run_in_threadpool(
            lambda: feedback.submit(
                ctx, unit_code=unit.code, address=_address(request), channel="form", **given
            )
        )
    except ValidationFailed as exc:
        errors = {k: FIELD_NAMES.get(k, k) + ": " + v for k, v in exc.fields.items()}
        return _page(ctx, request, "public/form.html", 400, errors=errors, **values)
    except ModerationBlocked as exc:
        return _page(ctx, request, "public/form.html", 422, error=exc.message, **values)
    except TooManyRequests as exc:
        return _page(ctx, request, "public/form.html", 429, error=exc.message, **values)
    return _page(
        ctx,
        request,
        "public/sent.html",
        201,
        unit=unit,
        code=shown(item.tracking_code),
        purpose="status",
    )


async def status(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    if request.method == "GET":
        return _page(ctx, request, "public/status.html", purpose="status")
    posted = await request.form()
    code = str(posted.get("code") or "")[:40]
    why = form_guard.check(
        ctx, request, "status", str(posted.get(form_guard.FIELD) or ""), once=False, min_seconds=0
    )
    if why:
        return _refused(ctx, request, why, "public/status.html", purpose="status", code=code)
    try:
        found = await run_in_threadpool(followup.lookup, ctx, code, _address(request))
    except TooManyRequests as exc:
        return _page(ctx, request, "public/status.html", 429, error=exc.message, purpose="status")
    if found is None:
        return _page(
            ctx,
            request,
            "public/status.html",
            404,
            purpose="status",
            code=code,
            error="Không tìm thấy góp ý với mã này. Vui lòng kiểm tra lại mã. "
            "(No feedback has this code; please check it.)",
        )
    return _page(ctx, request, "public/status.html", purpose="status", found=found)


def feedback_page_routes() -> list[BaseRoute]:
    return [
        Route(STATUS_PAGE, status, methods=["GET", "POST"]),
        Route(ROOT + "/{unit:str}", form, methods=["GET", "POST"]),
        bundle().mount(),
    ]
