"""The admin: sign-in, enrolment, second factor, recovery, tokens, sign-out, and the desk.

Server-rendered (Jinja2, Vietnamese first with English), so a new admin can enrol with a
phone's browser. Views parse, call core actions and reads and render; every POST checks
the session's CSRF token first. Pages are never cached. The desk's pages (home, compose,
previews, review, delivery board) live in :mod:`admin.pages`, one module each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from admin import assets
from admin.page import ENROL_PAGE, HOME, LOGIN, Answered, Page, answer, signed_in_post, text
from admin.pages import (
    account,
    audit,
    board,
    board_live,
    calendar,
    channels,
    compose,
    drafts,
    explorer,
    feedback,
    gov,
    home,
    language,
    moderation,
    moderation_live,
    people,
    review,
    structure,
    templates,
    units,
)
from admin.pages import reports as report_pages
from core.auth import actions, tokens, totp
from core.auth.accounts import username_of
from core.auth.errors import LockedOut, SignInFailed
from core.auth.permissions import watch_refusals
from core.auth.sessions import ENROL, FULL, PASSWORD
from core.auth.web import clear_cookie
from core.context import Context
from core.errors import LoaError, ValidationFailed
from core.secrets import SecretError

# --- sign-in ---------------------------------------------------------------------------------


async def login(request: Request) -> Response:
    page = Page(request)
    await page.load(create=True)
    assert page.session is not None
    if request.method == "GET":
        if page.session.stage != "anon":
            return page.by_stage()
        return page.render("login.html", title="Đăng nhập", title_en="Sign in")
    form = await page.form()
    if form is None:
        return page.csrf_refused()
    try:
        step = await run_in_threadpool(
            actions.sign_in_password,
            page.ctx,
            text(form, "username"),
            text(form, "password"),
            page.address,
        )
    except (SignInFailed, LockedOut) as exc:
        status = 429 if isinstance(exc, LockedOut) else 401
        return page.render(
            "login.html", status, title="Đăng nhập", title_en="Sign in", error=exc.message
        )
    page.session.user_id = step.user_id
    page.session.stage = PASSWORD if step.enrolled else ENROL
    await page.rotate()
    return page.by_stage()


async def _second_factor(
    request: Request,
    template: str,
    titles: tuple[str, str],
    check: Callable[[Any, int, str, str], Any],
) -> Response:
    """The code and recovery pages: same session rules, same rotation, another check."""
    page = Page(request)
    session = await page.load()
    if session is None or session.stage != PASSWORD or session.user_id is None:
        return page.by_stage()
    values: dict[str, Any] = {"title": titles[0], "title_en": titles[1]}
    if request.method == "GET":
        return page.render(template, **values)
    form = await page.form()
    if form is None:
        return page.csrf_refused()
    try:
        await run_in_threadpool(check, page.ctx, session.user_id, text(form, "code"), page.address)
    except (SignInFailed, LockedOut) as exc:
        return page.render(template, 401, error=exc.message, **values)
    session.stage = FULL
    await page.rotate()
    return page.redirect(HOME)


async def login_code(request: Request) -> Response:
    titles = ("Xác thực hai lớp", "Two-factor sign-in")
    return await _second_factor(request, "code.html", titles, actions.sign_in_code)


async def login_recovery(request: Request) -> Response:
    titles = ("Mã khôi phục", "Recovery code")
    return await _second_factor(request, "recovery.html", titles, actions.sign_in_recovery)


# --- enrolment -------------------------------------------------------------------------------


async def enrol_link(request: Request) -> Response:
    page = Page(request)
    await page.load(create=True)
    assert page.session is not None
    token = request.path_params["token"]
    values: dict[str, Any] = {"title": "Kích hoạt tài khoản", "title_en": "Activate your account"}
    try:  # a refused link is audited by the action
        user = await run_in_threadpool(actions.enrolment_user, page.ctx, token, page.address)
    except SignInFailed as exc:
        return page.render("refused.html", 404, error=exc.message, **values)
    values.update(username=user.username, token=token)
    if request.method == "GET":
        return page.render("set_password.html", **values)
    form = await page.form()
    if form is None:
        return page.csrf_refused()
    password = text(form, "password")
    if password != text(form, "password2"):
        return page.render(
            "set_password.html",
            400,
            error="Hai mật khẩu không khớp. / The passwords differ.",
            **values,
        )
    try:
        step = await run_in_threadpool(
            actions.redeem_enrolment, page.ctx, token, password, page.address
        )
    except ValidationFailed as exc:
        return page.render("set_password.html", 400, error=exc.fields["password"], **values)
    except SignInFailed as exc:
        return page.render("refused.html", 404, error=exc.message, **values)
    page.session.user_id, page.session.stage = step.user_id, ENROL
    await page.rotate()
    return page.redirect(ENROL_PAGE)


async def enrol(request: Request) -> Response:
    page = Page(request)
    session = await page.load()
    if session is None or session.stage != ENROL or session.user_id is None:
        return page.by_stage()
    sealer = page.ctx.sealer
    secret = ""
    if session.pending_totp:
        try:
            secret = sealer.open(session.pending_totp).get("secret", "")
        except SecretError:
            secret = ""
    if not secret:
        secret = totp.new_secret()
        session.pending_totp = sealer.seal({"secret": secret})
        await page.save()

    def name() -> str:
        with page.ctx.sessions() as db:
            return username_of(db, session.user_id)

    username = await run_in_threadpool(name)
    uri = totp.provisioning_uri(secret, username)
    values: dict[str, Any] = {
        "title": "Đăng ký xác thực hai lớp",
        "title_en": "Set up two-factor sign-in",
        "qr": totp.qr_svg(uri),
        "key": totp.grouped(secret),
    }
    if request.method == "GET":
        return page.render("enrol.html", **values)
    form = await page.form()
    if form is None:
        return page.csrf_refused()
    try:
        codes = await run_in_threadpool(
            actions.confirm_totp,
            page.ctx,
            session.user_id,
            secret,
            text(form, "code"),
            page.address,
        )
    except (SignInFailed, ValidationFailed) as exc:
        return page.render("enrol.html", 400, error=exc.message, **values)
    session.stage, session.pending_totp, session.show_once = FULL, "", codes
    await page.rotate()
    return page.redirect("/admin/enrol/codes")


async def enrol_codes(request: Request) -> Response:
    page = Page(request)
    session = await page.load()
    if session is None or not session.complete or not session.show_once:
        return page.by_stage()
    codes, session.show_once = session.show_once, []
    await page.save()
    return page.render("codes.html", title="Mã khôi phục", title_en="Recovery codes", codes=codes)


# --- signed in -------------------------------------------------------------------------------


async def create_token(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    days = text(form, "days").strip()
    scopes = [s for s in form.getlist("scopes") if isinstance(s, str)]
    try:
        made = await run_in_threadpool(
            tokens.create_token,
            page.ctx,
            actor,
            text(form, "name"),
            scopes,
            int(days) if days.isdigit() else 0,
            page.address,
        )
    except LoaError as exc:
        return await home.render(page, actor, error=exc.message, status=400)
    return await home.render(page, actor, new_token=made.plaintext)


async def revoke_token(request: Request) -> Response:
    page, actor, _ = await signed_in_post(request)
    token_id = request.path_params["token_id"]
    with watch_refusals() as refused:
        try:
            await run_in_threadpool(tokens.revoke_token, page.ctx, actor, token_id, page.address)
        except LoaError as exc:
            return await home.render(page, actor, error=exc.message, status=404)
        finally:
            if refused:
                await run_in_threadpool(
                    actions.record_forbidden, page.ctx, refused, address=page.address, via="admin"
                )
    return page.redirect(HOME)


async def logout(request: Request) -> Response:
    page = Page(request)
    session = await page.load()
    if session is None:
        return page.redirect(LOGIN)
    form = await page.form()
    if form is None:
        return page.csrf_refused()
    if session.user_id is not None:
        await run_in_threadpool(actions.sign_out, page.ctx, session.user_id, page.address)
    await run_in_threadpool(page.store.destroy, session)
    response = page.redirect(LOGIN)
    clear_cookie(response, page.ctx.settings)
    return response


async def logout_everywhere(request: Request) -> Response:
    page, actor, _ = await signed_in_post(request)
    await run_in_threadpool(actions.sign_out_everywhere, page.ctx, actor, page.address)
    response = page.redirect(LOGIN)
    clear_cookie(response, page.ctx.settings)
    return response


def admin_app(ctx: Context) -> Starlette:
    """The admin, mounted at ``/admin`` by ``core.app``."""
    routes = [
        Route("/", home.page),
        Route("/lang/{lang:str}", language.switch),
        Route("/calendar", calendar.page),
        Route("/compose", compose.new),
        Route("/compose", compose.save, methods=["POST"]),
        Route("/compose/moderation", moderation_live.check, methods=["POST"]),
        Route("/targets", compose.targets),
        Route("/autosave", drafts.autosave, methods=["POST"]),
        Route("/items/{uid:str}/autosave", drafts.autosave, methods=["POST"]),
        Route("/templates", templates.index),
        Route("/templates", templates.save, methods=["POST"]),
        Route("/templates/{template_id:int}/use", templates.use),
        Route("/templates/{template_id:int}/rename", templates.rename, methods=["POST"]),
        Route("/templates/{template_id:int}/delete", templates.delete, methods=["POST"]),
        Route("/units/search", units.search),
        Route("/items/{uid:str}", board.board),
        Route("/items/{uid:str}/deliveries", board.deliveries),
        Route("/items/{uid:str}/stream", board_live.stream),
        Route(
            "/items/{uid:str}/deliveries/{delivery_id:int}/retry",
            board.retry_now,
            methods=["POST"],
        ),
        Route("/items/{uid:str}/retract", board.retract, methods=["POST"]),
        Route(
            "/items/{uid:str}/targets/{target_id:int}/retract",
            board.retract_from,
            methods=["POST"],
        ),
        Route(
            "/items/{uid:str}/tasks/{task_id:int}/complete",
            board.complete_task,
            methods=["POST"],
        ),
        Route("/items/{uid:str}/edit", compose.edit),
        Route("/items/{uid:str}/edit", compose.save, methods=["POST"]),
        Route("/items/{uid:str}/previews", review.previews),
        Route("/items/{uid:str}/submit", review.submit, methods=["POST"]),
        Route("/items/{uid:str}/review", review.review),
        Route("/items/{uid:str}/steps/{step_id:int}", review.decide, methods=["POST"]),
        *feedback.routes(),  # /feedback: the citizens' feedback inbox
        *audit.routes(),
        *report_pages.routes(),
        *explorer.routes(),
        Route("/gov", gov.index),
        Route("/gov/{kind:str}", gov.listing),
        Route("/gov/{kind:str}/new", gov.new),
        Route("/gov/{kind:str}/new", gov.save, methods=["POST"]),
        Route("/gov/{kind:str}/{uid:str}", gov.edit),
        Route("/gov/{kind:str}/{uid:str}", gov.save, methods=["POST"]),
        Route("/gov/{kind:str}/{uid:str}/publish", gov.publish, methods=["POST"]),
        Route("/gov/{kind:str}/{uid:str}/withdraw", gov.withdraw, methods=["POST"]),
        Mount("/ops", routes=[*people.routes(), *structure.routes()]),
        *moderation.routes(),
        *channels.routes(),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/login/code", login_code, methods=["GET", "POST"]),
        Route("/login/recovery", login_recovery, methods=["GET", "POST"]),
        Route("/enrol", enrol, methods=["GET", "POST"]),
        Route("/enrol/codes", enrol_codes),
        Route("/enrol/{token}", enrol_link, methods=["GET", "POST"]),
        Route("/tokens", create_token, methods=["POST"]),
        Route("/account/email", account.change_email, methods=["POST"]),
        Route("/account/email/{token:str}", account.confirm_email),
        Route("/account/notices", account.choose_notices, methods=["POST"]),
        Route("/tokens/{token_id:int}/revoke", revoke_token, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/logout-everywhere", logout_everywhere, methods=["POST"]),
        assets.bundle().mount(at="/static"),  # stylesheet and scripts, at versioned URLs
    ]
    # A page's early answer (sign in first, a refusal) is raised, and answered here.
    app = Starlette(routes=routes, exception_handlers={Answered: answer})
    app.state.loa = ctx
    return app
