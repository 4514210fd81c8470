"""The channel admin's screen: the channel targets of my units.

List them with health, credentials and their expiry; add one for any installed channel
(the form from the channel's own schema, secrets write-only, a fresh second-factor code);
on a target's page: its allowance left and latest deliveries, test the connection, connect
through the platform's consent page, disable or enable, change its settings (a new
destination or new secrets need the code), delete it (the code; refused once it was used).
Every change goes through ``core.actions.targets``, which checks the permission.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from admin.page import Page, signed_in, signed_in_post, text
from admin.pages import channel_form
from admin.pages.refusals import audited, call
from core.actions import target_reads, targets
from core.auth.actions import step_up
from core.auth.errors import LockedOut, SignInFailed
from core.auth.permissions import Actor, StepUpRequired
from core.auth.web import session_id
from core.connections import connect
from core.errors import LoaError, ValidationFailed
from core.secrets import SecretError

LIST = "/admin/channels"
HEALTH = {
    "unknown": ("Chưa kiểm tra", "Not checked"),
    "ok": ("Hoạt động tốt", "Healthy"),
    "expiring": ("Sắp hết hạn", "Expiring"),
    "attention": ("Cần chú ý", "Needs attention"),
    "needs_reauthorisation": ("Cần kết nối lại", "Needs reconnecting"),
}
STEP_UP = ("Cần mã xác thực mới từ ứng dụng.", "A fresh authenticator code is needed.")
BAD_CODE = ("Mã xác thực không đúng hoặc đã dùng.", "The code is wrong or was already used.")
VALUES: dict[str, Any] = {"health_labels": HEALTH, "SETTING": "s_", "SECRET": "k_"}


def _url(target_id: int, tail: str = "") -> str:
    return f"{LIST}/{target_id}{tail}"


async def _stepped(page: Page, actor: Actor, form: FormData) -> Actor | tuple[str, str]:
    """The actor, stepped up when the form carries a code; the error when the code is bad."""
    code = text(form, "code").replace(" ", "")
    if not code:
        return actor
    try:
        return await run_in_threadpool(step_up, page.ctx, actor, code, page.address)
    except (SignInFailed, LockedOut):
        return BAD_CODE


# --- the list --------------------------------------------------------------------------------


async def index(request: Request) -> Response:
    page, actor = await signed_in(request)
    rows = await run_in_threadpool(target_reads.target_views, page.ctx, actor)
    return page.render(
        "ops/channels.html",
        title="Kênh đăng",
        title_en="Channel targets",
        rows=rows,
        notice=_notice(request),
        **VALUES,
    )


def _notice(request: Request) -> str:
    return {
        "deleted": "Đã xoá kênh. / The target was deleted.",
        "created": "Đã thêm kênh. / The target was added.",
    }.get(request.query_params.get("done", ""), "")


# --- add -------------------------------------------------------------------------------------


async def _new_page(
    page: Page,
    actor: Actor,
    plugin_name: str,
    values: dict[str, str] | None = None,
    errors: dict[str, tuple[str, str]] | None = None,
    status: int = 200,
) -> Response:
    plugins = await run_in_threadpool(target_reads.plugins, page.ctx)
    chosen = next((p for p in plugins if p.name == plugin_name), None)
    units = await run_in_threadpool(target_reads.managed_units, page.ctx, actor)
    return page.render(
        "ops/channel_new.html",
        status,
        title="Thêm kênh",
        title_en="Add a channel target",
        plugins=plugins,
        plugin=chosen,
        units=units,
        v=values or {},
        errors=errors or {},
        stored=(),
        **VALUES,
    )


async def new(request: Request) -> Response:
    page, actor = await signed_in(request)
    return await _new_page(page, actor, request.query_params.get("plugin", ""))


def _kept(form: FormData) -> dict[str, str]:
    """What the form showed, to show again after an error: never a secret."""
    return {
        k: v
        for k, v in form.items()
        if isinstance(v, str)
        and not k.startswith(channel_form.SECRET)
        and k not in ("code", "csrf_token", channel_form.RAW_SECRETS)
    }


async def create(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    name = text(form, "plugin")
    plugin = await run_in_threadpool(target_reads.plugin, page.ctx, name)
    if plugin is None:
        return await _new_page(page, actor, "", status=400)
    parsed = channel_form.parse(plugin.schema, form)
    if not text(form, "name").strip():
        parsed.fail("name", "is required")
    if parsed.errors:
        return await _new_page(page, actor, name, _kept(form), parsed.errors, 400)
    deciding = await _stepped(page, actor, form)
    if isinstance(deciding, tuple):
        return await _new_page(page, actor, name, _kept(form), {"code": deciding}, 400)
    data = {
        "name": text(form, "name"),
        "plugin": name,
        "unit_code": text(form, "unit_code"),
        "settings": parsed.settings,
        "secrets": parsed.secrets,
        "enabled": text(form, "enabled") == "on",
    }
    try:
        made, refused = await audited(page, targets.create_target, page.ctx, deciding, data)
    except StepUpRequired:
        return await _new_page(page, actor, name, _kept(form), {"code": STEP_UP}, 400)
    except ValidationFailed as exc:
        errors = channel_form.place(plugin.schema, exc.fields)
        return await _new_page(page, actor, name, _kept(form), errors, 400)
    if refused is not None:
        return refused
    assert made is not None
    return page.redirect(_url(made.id, "?done=created"))


# --- one target ------------------------------------------------------------------------------


async def _detail_page(
    page: Page,
    actor: Actor,
    target_id: int,
    *,
    errors: dict[str, tuple[str, str]] | None = None,
    notice: str = "",
    checked: targets.Checked | None = None,
    consent_url: str = "",
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """``values``: what the settings form sent, shown again after an error (never a secret)."""
    detail = await call(page, target_reads.target_detail, page.ctx, actor, target_id)
    return page.render(
        "ops/channel.html",
        status,
        title=detail.view.name,
        title_en="Channel target",
        d=detail,
        t=detail.view,
        errors=errors or {},
        notice=notice,
        checked=checked,
        consent_url=consent_url,
        kept=values or {},
        **VALUES,
    )


async def show(request: Request) -> Response:
    page, actor = await signed_in(request)
    done = request.query_params.get("done", "")
    notice = {
        "created": "Đã thêm kênh. / The target was added.",
        "saved": "Đã lưu. / Saved.",
        "enabled": "Đã bật kênh. / The target is enabled.",
        "disabled": "Đã tắt kênh. / The target is disabled.",
    }.get(done, "")
    return await _detail_page(page, actor, request.path_params["target_id"], notice=notice)


async def _change(
    request: Request, action: Any, *, done: str = "saved", keep: bool = False
) -> Response:
    """A POST on one target: CSRF, the code if any, the action, its errors by field (with
    ``keep``, the settings form comes back as it was sent, secrets aside)."""
    page, actor, form = await signed_in_post(request)
    target_id = request.path_params["target_id"]
    values = _kept(form) if keep else None

    async def again(errors: dict[str, tuple[str, str]]) -> Response:
        return await _detail_page(page, actor, target_id, errors=errors, values=values, status=400)

    deciding = await _stepped(page, actor, form)
    if isinstance(deciding, tuple):
        return await again({"code": deciding})
    try:
        data = await action(page, deciding, target_id, form)
    except StepUpRequired:
        return await again({"code": STEP_UP})
    except ValidationFailed as exc:
        return await again(channel_form.place(await _schema_of(page, actor, target_id), exc.fields))
    if isinstance(data, Response):
        return data
    return page.redirect(_url(target_id, f"?done={done}") if done else LIST + "?done=deleted")


async def _schema_of(page: Page, actor: Actor, target_id: int) -> Any:
    detail = await run_in_threadpool(target_reads.target_detail, page.ctx, actor, target_id)
    return detail.view.plugin.schema


async def _save(page: Page, actor: Actor, target_id: int, form: FormData) -> Response | None:
    detail = await call(page, target_reads.target_detail, page.ctx, actor, target_id)
    view = detail.view
    parsed = channel_form.parse(view.plugin.schema, form, view.secrets_set)
    if not text(form, "name").strip():
        parsed.fail("name", "is required")
    if parsed.errors:
        return await _detail_page(
            page, actor, target_id, errors=parsed.errors, values=_kept(form), status=400
        )
    data: dict[str, Any] = {"name": text(form, "name"), "settings": _merged(view, parsed)}
    if parsed.secrets:
        data.update(secrets=parsed.secrets, keep_other_secrets=True)
    _, refused = await audited(page, targets.update_target, page.ctx, actor, target_id, data)
    return refused


def _merged(view: target_reads.TargetView, parsed: channel_form.Parsed) -> dict[str, Any]:
    """The form's settings over the stored ones it does not show (e.g. an account id the
    platform's consent chose): saving the form must not drop them."""
    if view.plugin.schema is None:
        return parsed.settings
    shown = {f.key for f in view.plugin.schema}
    return {**{k: v for k, v in view.settings.items() if k not in shown}, **parsed.settings}


async def save(request: Request) -> Response:
    return await _change(request, _save, keep=True)


async def _enable(page: Page, actor: Actor, target_id: int, form: FormData) -> Response | None:
    data = {"enabled": text(form, "enabled") == "1"}
    _, refused = await audited(page, targets.update_target, page.ctx, actor, target_id, data)
    return refused


async def enable(request: Request) -> Response:
    form = await request.form()
    return await _change(
        request, _enable, done="enabled" if form.get("enabled") == "1" else "disabled"
    )


async def _delete(page: Page, actor: Actor, target_id: int, form: FormData) -> Response | None:
    _, refused = await audited(page, targets.delete_target, page.ctx, actor, target_id)
    return refused


async def delete(request: Request) -> Response:
    return await _change(request, _delete, done="")


async def test(request: Request) -> Response:
    page, actor, _ = await signed_in_post(request)
    target_id = request.path_params["target_id"]
    try:
        checked, refused = await audited(page, targets.check_connection, page.ctx, actor, target_id)
    except ValidationFailed as exc:
        errors = channel_form.place(None, exc.fields)
        return await _detail_page(page, actor, target_id, errors=errors, status=400)
    if refused is not None:
        return refused
    return await _detail_page(page, actor, target_id, checked=checked)


async def start_connect(request: Request) -> Response:
    """The platform's consent page, as a link to follow (a form may not send the browser
    to another site: the CSP's ``form-action`` is ``'self'``)."""
    page, actor, form = await signed_in_post(request)
    target_id = request.path_params["target_id"]
    deciding = await _stepped(page, actor, form)
    if isinstance(deciding, tuple):
        return await _detail_page(page, actor, target_id, errors={"code": deciding}, status=400)
    sid = session_id(request, page.ctx.settings) or ""
    try:
        started, refused = await audited(page, connect.start, page.ctx, deciding, sid, target_id)
    except StepUpRequired:
        return await _detail_page(page, actor, target_id, errors={"code": STEP_UP}, status=400)
    except (LoaError, SecretError) as exc:
        message = (
            exc.message if isinstance(exc, LoaError) else "the stored credentials cannot be opened"
        )
        if isinstance(exc, ValidationFailed):
            message = "; ".join(exc.fields.values())
        errors = {"connect": (channel_form.vi(message), message)}
        return await _detail_page(page, actor, target_id, errors=errors, status=400)
    if refused is not None:
        return refused
    assert started is not None
    return await _detail_page(page, actor, target_id, consent_url=started.url)


def routes() -> list[Route]:
    return [
        Route("/channels", index),
        Route("/channels/new", new),
        Route("/channels/new", create, methods=["POST"]),
        Route("/channels/{target_id:int}", show),
        Route("/channels/{target_id:int}", save, methods=["POST"]),
        Route("/channels/{target_id:int}/enabled", enable, methods=["POST"]),
        Route("/channels/{target_id:int}/test", test, methods=["POST"]),
        Route("/channels/{target_id:int}/connect", start_connect, methods=["POST"]),
        Route("/channels/{target_id:int}/delete", delete, methods=["POST"]),
    ]
