"""Home, per role: the bell (what waits for me), my drafts, items by state, deliveries in trouble,
items about to expire, the quarter's quota (S0.7); then my account (roles, API tokens, sessions)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from admin.labels import LABELS
from admin.page import Page, signed_in
from core.actions import desk
from core.auth import tokens
from core.auth.models import Role
from core.auth.permissions import Actor, Permission
from core.delivery.assisted import actions as assisted
from core.notices import address
from core.notices.inbox import inbox
from core.units.lookups import units_by_path


async def page(request: Request) -> Response:
    page, actor = await signed_in(request)
    return await render(page, actor)


async def render(
    page: Page,
    actor: Actor,
    *,
    new_token: str = "",
    error: str = "",
    status: int = 200,
    email_note: str = "",
    email_error: str = "",
) -> Response:
    def load() -> dict[str, Any]:
        rows = tokens.list_tokens(page.ctx, actor)
        overview = desk.overview(page.ctx, actor)
        with page.ctx.sessions() as db:
            names = {
                path: u.name
                for path, u in units_by_path(db, [g.unit_path for g in actor.grants]).items()
            }
        grants = [
            {"role": Role(g.role), "unit": names.get(g.unit_path, g.unit_path)}
            for g in actor.grants
        ]
        return {
            "tokens": rows,
            "grants": grants,
            "overview": overview,
            "notices": inbox(page.ctx, actor, overview),
            "tasks": assisted.tasks_for(page.ctx, actor),
            "quota": desk.quota_glance(page.ctx, actor),
            "email": address.current(page.ctx, actor),
            "muted": address.muted(page.ctx, actor),
        }

    values = await run_in_threadpool(load)
    return page.render(
        "home.html",
        status,
        title="Bàn làm việc",
        title_en="Desk",
        username=actor.name,
        **LABELS,
        can_write=bool(actor.paths(Permission.WRITE_CONTENT)),
        scopes=sorted(tokens.SCOPES),
        new_token=new_token,
        error=error,
        email_note=email_note,
        email_error=email_error,
        **values,
    )
