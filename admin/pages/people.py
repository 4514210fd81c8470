"""People: the accounts of my units, their roles on the unit tree, last sign-in and second
factor; a new account (its one-time enrolment link shown once); grant and revoke any role
on a unit found by name; reset the TOTP (a new enrolment link); disable and re-enable.
Each change asks for a fresh code of the admin's own (step-up); the checks are the actions'."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin.labels import ROLES
from admin.page import Page, signed_in, signed_in_post, text
from admin.pages.attempt import attempt, stepped
from core.auth import actions, people
from core.auth.permissions import Actor

BASE = "/admin/ops/people"


def _link(page: Page, token: str) -> str:
    return f"{page.ctx.settings.base_url}/admin/enrol/{token}"


async def index(request: Request) -> Response:
    page, actor = await signed_in(request)
    query = request.query_params.get("q", "")[:100]
    found, _, refused = await attempt(page, people.list_accounts, page.ctx, actor, query)
    if refused is not None:
        return refused
    return page.render(
        "ops/people.html",
        title="Người dùng",
        title_en="People",
        accounts=found or [],
        query=query,
        roles=ROLES,
    )


def _new_form(page: Page, status: int = 200, **values: Any) -> Response:
    values.setdefault("v", {})
    return page.render(
        "ops/person_new.html",
        status,
        title="Thêm người dùng",
        title_en="New account",
        roles=ROLES,
        **values,
    )


async def new(request: Request) -> Response:
    page, _actor = await signed_in(request)
    return _new_form(page)


async def create(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    v = {k: text(form, k) for k in ("username", "display_name", "email", "role", "unit_code")}
    acting, error = await stepped(page, actor, form)
    if error:
        return _new_form(page, 400, v=v, error=error)

    def create_it() -> actions.EnrolmentLink:
        return people.create_account(
            page.ctx,
            acting,
            username=v["username"],
            unit_code=v["unit_code"],
            role=v["role"],
            display_name=v["display_name"],
            email=v["email"],
        )

    link, error, refused = await attempt(page, create_it)
    if refused is not None:
        return refused
    if link is None:
        return _new_form(page, 400, v=v, error=error)
    return page.render(
        "ops/enrol_link.html",
        title="Liên kết đăng ký",
        title_en="Enrolment link",
        link=link,
        url=_link(page, link.token),
        notice=f"Đã tạo tài khoản {link.username}. / Account created.",
    )


async def _detail(
    page: Page, actor: Actor, username: str, status: int = 200, **values: Any
) -> Response:
    found, error, refused = await attempt(page, people.account, page.ctx, actor, username)
    if refused is not None:
        return refused
    if found is None:
        return page.render("refused.html", 400, title="Không được", title_en="Refused", error=error)
    return page.render(
        "ops/person.html",
        status,
        title=found.display_name or found.username,
        title_en=found.username,
        account=found,
        roles=ROLES,
        **values,
    )


async def detail(request: Request) -> Response:
    page, actor = await signed_in(request)
    done = DONE.get(request.query_params.get("done", ""))
    return await _detail(page, actor, request.path_params["username"], notice=done)


#: Each change of an account: the action, with the form's fields.
CHANGES = {
    "grant": lambda ctx, a, name, f: actions.grant_role(
        ctx, a, name, text(f, "unit_code"), text(f, "role")
    ),
    "revoke": lambda ctx, a, name, f: actions.revoke_role(
        ctx, a, name, text(f, "unit_code"), text(f, "role")
    ),
    "reset": lambda ctx, a, name, f: actions.reset_totp(ctx, a, name, ""),
    "disable": lambda ctx, a, name, f: people.set_active(ctx, a, name, False, text(f, "reason")),
    "enable": lambda ctx, a, name, f: people.set_active(ctx, a, name, True),
}
DONE = {
    "grant": "Đã cấp vai trò. / Role granted.",
    "revoke": "Đã thu hồi vai trò. / Role revoked.",
    "disable": "Đã khóa tài khoản. / Account disabled.",
    "enable": "Đã mở lại tài khoản. / Account enabled.",
}


async def change(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    username, what = request.path_params["username"], request.path_params["what"]
    act = CHANGES.get(what)
    if act is None:
        return page.render("refused.html", 404, title="Không tìm thấy", title_en="Not found")
    acting, error = await stepped(page, actor, form)
    if error:
        return await _detail(page, actor, username, 400, error=error, failed=what)
    done, error, refused = await attempt(page, act, page.ctx, acting, username, form)
    if refused is not None:
        return refused
    if error:
        return await _detail(page, actor, username, 400, error=error, failed=what)
    if isinstance(done, actions.EnrolmentLink):
        return page.render(
            "ops/enrol_link.html",
            title="Liên kết đăng ký mới",
            title_en="New enrolment link",
            link=done,
            url=_link(page, done.token),
            notice="Đã xóa mã xác thực cũ. / The old second factor is gone.",
        )
    return page.redirect(f"{BASE}/{quote(username)}?done={what}")


def routes() -> list[BaseRoute]:
    return [
        Route("/people", index),
        Route("/people/new", new),
        Route("/people/new", create, methods=["POST"]),
        Route("/people/{username:str}", detail),
        Route("/people/{username:str}/{what:str}", change, methods=["POST"]),
    ]
