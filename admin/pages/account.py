"""The account's notification address on the home page's account screen: changed with a
fresh code, confirmed by the link mailed to it (``core.notices.address``)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from admin.messages import explain
from admin.page import signed_in, signed_in_post, text
from admin.pages import home
from core.auth.actions import step_up
from core.auth.errors import SignInFailed
from core.errors import LoaError
from core.notices import address


async def change_email(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    code = text(form, "code").replace(" ", "")
    try:
        stepped = await run_in_threadpool(step_up, page.ctx, actor, code, page.address)
        change = await run_in_threadpool(
            address.request_change, page.ctx, stepped, text(form, "email"), page.address
        )
    except SignInFailed:
        error = "Mã xác thực không đúng. / The authenticator code is wrong."
        return await home.render(page, actor, email_error=error, status=400)
    except LoaError as exc:
        return await home.render(page, actor, email_error=explain(exc), status=400)
    if change.mailed:
        note = (
            f"Đã gửi thư xác nhận tới {change.email}: mở liên kết trong thư để hoàn tất. / "
            f"A confirmation letter went to {change.email}: open its link to finish."
        )
    elif change.email:
        note = f"Đã lưu địa chỉ {change.email}. / Address saved."
    else:
        note = "Đã bỏ địa chỉ thư: không nhận thông báo qua thư. / Address removed."
    return await home.render(page, actor, email_note=note)


async def confirm_email(request: Request) -> Response:
    """The link of the confirmation letter, opened signed in as the same account."""
    page, actor = await signed_in(request)
    token = request.path_params["token"]
    try:
        email = await run_in_threadpool(address.confirm, page.ctx, actor, token, page.address)
    except LoaError as exc:
        return await home.render(page, actor, email_error=explain(exc), status=400)
    note = f"Đã xác nhận địa chỉ {email}. / Address {email} confirmed."
    return await home.render(page, actor, email_note=note)


async def choose_notices(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    wanted = [v for v in form.getlist("notices") if isinstance(v, str)]
    try:
        await run_in_threadpool(address.choose_notices, page.ctx, actor, wanted, page.address)
    except LoaError as exc:
        return await home.render(page, actor, email_error=explain(exc), status=400)
    note = "Đã lưu lựa chọn thông báo qua thư. / Your e-mail notices are saved."
    return await home.render(page, actor, email_note=note)
