"""One request to the admin: its session, CSRF check, rendering and where to send it next.

Every admin page goes through :class:`Page`: it loads the session, checks the CSRF token
of a POST (a refusal is audited), renders a template in Vietnamese first (English on the
``loa_lang`` switch) and marks every answer ``no-store``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from admin import assets
from admin.nav import nav_for
from core.auth import actions
from core.auth.permissions import Actor
from core.auth.sessions import ENROL, FULL, PASSWORD, Session
from core.auth.web import CSRF_FIELD, client_address, csrf_ok, session_id, set_cookie
from core.context import Context

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
#: The cookie of the language switch: ``en`` shows the English beside the Vietnamese.
LANG_COOKIE = "loa_lang"


def _local(value: dt.datetime | str | None) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if value else None
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # stored in UTC (SQLite drops the zone)
    return value.astimezone(LOCAL).strftime("%d/%m/%Y %H:%M")


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
        #: The signed-in account once :meth:`actor` found it: the navigation is drawn for it.
        self.who: Actor | None = None

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

    @property
    def english(self) -> bool:
        return self.request.cookies.get(LANG_COOKIE) == "en"

    def html(self, template: str, **values: Any) -> str:
        values.setdefault("csrf", self.session.csrf if self.session else "")
        values.setdefault("english", self.english)
        values.setdefault("here", self.request.url.path)
        values.setdefault("nav", nav_for(self.who, values["here"]) if self.who else ())
        return env.get_template(template).render(**values)

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        return self._finish(HTMLResponse(self.html(template, **values), status_code=status))

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

        self.who = await run_in_threadpool(load)
        return self.who


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


class Answered(Exception):
    """The answer to send now (sign in first, a refused CSRF token or action), in place of the
    page's: raised by :func:`signed_in`, :func:`signed_in_post` and
    :func:`admin.pages.refusals.call`, answered once by the admin app's exception handler."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def answer(request: Request, exc: Exception) -> Response:
    """The admin app's handler of :class:`Answered`: the answer it carries."""
    assert isinstance(exc, Answered)
    return exc.response


async def signed_in(request: Request) -> tuple[Page, Actor]:
    """A GET from a fully signed-in account; otherwise :class:`Answered` by where it belongs."""
    page = Page(request)
    await page.load()
    actor = await page.actor()
    if actor is None:
        raise Answered(page.by_stage())
    return page, actor


async def signed_in_post(request: Request) -> tuple[Page, Actor, FormData]:
    """A POST from a fully signed-in account with a valid CSRF token; otherwise
    :class:`Answered` (where the session belongs, or the CSRF refusal, audited)."""
    page, actor = await signed_in(request)
    form = await page.form()
    if form is None:
        raise Answered(page.csrf_refused())
    return page, actor, form
