"""The admin's first pages: sign-in, enrolment, second factor, recovery, tokens, sign-out.

Server-rendered (Jinja2, Vietnamese first with English), no script needed, so a new
admin can enrol with a phone's browser. Views parse, call ``core.auth`` actions and
render; every POST checks the session's CSRF token first. Pages are never cached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from admin import assets
from core.auth import actions, tokens, totp
from core.auth.accounts import username_of
from core.auth.errors import LockedOut, SignInFailed
from core.auth.models import Role
from core.auth.permissions import Actor, watch_refusals
from core.auth.sessions import ENROL, FULL, PASSWORD, Session
from core.auth.web import CSRF_FIELD, clear_cookie, client_address, csrf_ok, session_id, set_cookie
from core.context import Context
from core.errors import LoaError, ValidationFailed
from core.secrets import SecretError
from core.units.lookups import units_by_path

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _local(value: dt.datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%d/%m/%Y %H:%M") if value else "—"


env = Environment(
    loader=PackageLoader("admin", "templates"),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)
env.filters["local"] = _local
env.globals["asset"] = assets.asset

HOME, LOGIN, CODE, ENROL_PAGE = "/admin/", "/admin/login", "/admin/login/code", "/admin/enrol"


class Page:
    """One request to the admin: its Context, session and the answer being built."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.ctx: Context = request.app.state.loa
        self.store = actions.sessions(self.ctx)
        self.address = client_address(request)
        self.session: Session | None = None
        self.set_cookie = False

    async def load(self, create: bool = False) -> Session | None:
        sid = session_id(self.request, self.ctx.settings)
        self.session = await run_in_threadpool(self.store.load, sid)
        if self.session is None and sid and await run_in_threadpool(self.store.was_rotated, sid):
            await run_in_threadpool(
                actions.record_refusal,
                self.ctx,
                "auth.session_reused",
                address=self.address,
                via="admin",
            )
        if self.session is None and create:
            self.session = await run_in_threadpool(self.store.new)
            self.set_cookie = True
        return self.session

    async def rotate(self) -> None:
        assert self.session is not None
        await run_in_threadpool(self.store.rotate, self.session)
        self.set_cookie = True

    async def save(self) -> None:
        assert self.session is not None
        await run_in_threadpool(self.store.save, self.session)

    def _finish(self, response: Response) -> Response:
        response.headers["cache-control"] = "no-store"
        if self.set_cookie and self.session is not None:
            set_cookie(response, self.session, self.ctx.settings)
        return response

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        values.setdefault("csrf", self.session.csrf if self.session else "")
        html = env.get_template(template).render(**values)
        return self._finish(HTMLResponse(html, status_code=status))

    def redirect(self, url: str) -> Response:
        return self._finish(RedirectResponse(url, status_code=303))

    async def form(self) -> FormData | None:
        """The posted form when its CSRF token matches the session's; None (audited) if not."""
        form = await self.request.form()
        token = form.get(CSRF_FIELD)
        if csrf_ok(self.session, token if isinstance(token, str) else None):
            return form
        await run_in_threadpool(
            actions.record_refusal,
            self.ctx,
            "auth.csrf_refused",
            address=self.address,
            user_id=self.session.user_id if self.session else None,
            via="admin",
            path=self.request.url.path,
        )
        return None

    def csrf_refused(self) -> Response:
        return self.render(
            "refused.html",
            403,
            title="Yêu cầu bị từ chối",
            title_en="Request refused",
            error="Biểu mẫu đã hết hạn hoặc thiếu mã chống giả mạo (CSRF); hãy tải lại trang. / "
            "The form expired or lacks its CSRF token; reload the page.",
        )

    def by_stage(self) -> Response:
        """Where the session belongs now."""
        stage = self.session.stage if self.session else None
        return self.redirect(
            {FULL: HOME, PASSWORD: CODE, ENROL: ENROL_PAGE}.get(stage or "", LOGIN)
        )

    async def actor(self) -> Actor | None:
        if self.session is None or not self.session.complete or self.session.user_id is None:
            return None

        def load() -> Actor | None:
            with self.ctx.sessions() as db:
                return actions.actor_for(db, self.session.user_id)  # type: ignore[union-attr,arg-type]

        return await run_in_threadpool(load)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


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
            _text(form, "username"),
            _text(form, "password"),
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
        await run_in_threadpool(check, page.ctx, session.user_id, _text(form, "code"), page.address)
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
    password = _text(form, "password")
    if password != _text(form, "password2"):
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
            _text(form, "code"),
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


async def home(request: Request, new_token: str = "", error: str = "") -> Response:
    page = Page(request)
    await page.load()
    actor = await page.actor()
    if actor is None:
        return page.by_stage()
    return await _home(page, actor, new_token=new_token, error=error)


async def _home(
    page: Page, actor: Actor, *, new_token: str = "", error: str = "", status: int = 200
) -> Response:

    def load() -> tuple[list[Any], list[dict[str, Any]]]:
        rows = tokens.list_tokens(page.ctx, actor)
        with page.ctx.sessions() as db:
            names = {
                path: u.name
                for path, u in units_by_path(db, [g.unit_path for g in actor.grants]).items()
            }
        grants = [
            {"role": Role(g.role), "unit": names.get(g.unit_path, g.unit_path)}
            for g in actor.grants
        ]
        return rows, grants

    rows, grants = await run_in_threadpool(load)
    return page.render(
        "home.html",
        status,
        title="Quản trị Loa",
        title_en="Loa admin",
        username=actor.name,
        grants=grants,
        tokens=rows,
        scopes=sorted(tokens.SCOPES),
        new_token=new_token,
        error=error,
    )


async def _signed_in_post(request: Request) -> tuple[Page, Actor | Response, FormData]:
    """A POST from a fully signed-in account with a valid CSRF token, or the page to answer."""
    page = Page(request)
    await page.load()
    actor = await page.actor()
    if actor is None:
        return page, page.by_stage(), FormData()
    form = await page.form()
    if form is None:
        return page, page.csrf_refused(), FormData()
    return page, actor, form


async def create_token(request: Request) -> Response:
    page, actor, form = await _signed_in_post(request)
    if isinstance(actor, Response):
        return actor
    days = _text(form, "days").strip()
    scopes = [s for s in form.getlist("scopes") if isinstance(s, str)]
    try:
        made = await run_in_threadpool(
            tokens.create_token,
            page.ctx,
            actor,
            _text(form, "name"),
            scopes,
            int(days) if days.isdigit() else 0,
            page.address,
        )
    except LoaError as exc:
        return await _home(page, actor, error=exc.message, status=400)
    return await _home(page, actor, new_token=made.plaintext)


async def revoke_token(request: Request) -> Response:
    page, actor, _ = await _signed_in_post(request)
    if isinstance(actor, Response):
        return actor
    token_id = request.path_params["token_id"]
    with watch_refusals() as refused:
        try:
            await run_in_threadpool(tokens.revoke_token, page.ctx, actor, token_id, page.address)
        except LoaError as exc:
            return await _home(page, actor, error=exc.message, status=404)
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
    page, actor, _ = await _signed_in_post(request)
    if isinstance(actor, Response):
        return actor
    await run_in_threadpool(actions.sign_out_everywhere, page.ctx, actor, page.address)
    response = page.redirect(LOGIN)
    clear_cookie(response, page.ctx.settings)
    return response


def admin_app(ctx: Context) -> Starlette:
    """The admin, mounted at ``/admin`` by ``core.app``."""
    routes = [
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/login/code", login_code, methods=["GET", "POST"]),
        Route("/login/recovery", login_recovery, methods=["GET", "POST"]),
        Route("/enrol", enrol, methods=["GET", "POST"]),
        Route("/enrol/codes", enrol_codes),
        Route("/enrol/{token}", enrol_link, methods=["GET", "POST"]),
        Route("/tokens", create_token, methods=["POST"]),
        Route("/tokens/{token_id:int}/revoke", revoke_token, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/logout-everywhere", logout_everywhere, methods=["POST"]),
        assets.bundle().mount(at="/static"),  # the stylesheet, at a versioned URL
    ]
    app = Starlette(routes=routes)
    app.state.loa = ctx
    return app
