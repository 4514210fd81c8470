"""Structure: a unit's agencies (the quarterly quota counts them) and its categories and
sections: list, create, rename, order, deactivate and bring back. The unit's admins only
(the actions check it); bad input is shown beside the form."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin.page import Page, signed_in, signed_in_post, text
from admin.pages.attempt import attempt
from core.actions import structure
from core.auth.permissions import Actor

BASE = "/admin/ops/structure"


async def _page(
    page: Page, actor: Actor, unit_code: str, status: int = 200, **values: Any
) -> Response:
    mine = await run_in_threadpool(structure.admin_units, page.ctx, actor)
    unit_code = unit_code or (mine[0][0] if mine else "")

    def load() -> tuple[list[structure.AgencyRow], list[structure.CategoryRow]]:
        return (
            structure.list_agencies(page.ctx, actor, unit_code),
            structure.list_categories(page.ctx, actor, unit_code),
        )

    lists, error, refused = await attempt(page, load)
    if refused is not None:
        return refused
    agencies, categories = lists or ([], [])
    return page.render(
        "ops/structure.html",
        status if not error else 400,
        title="Cơ quan và chuyên mục",
        title_en="Agencies and categories",
        unit=unit_code,
        mine=mine,
        agencies=agencies,
        categories=categories,
        error=values.pop("error", "") or error,
        **values,
    )


async def index(request: Request) -> Response:
    page, actor = await signed_in(request)
    done = "Đã lưu. / Saved." if request.query_params.get("done") else ""
    return await _page(page, actor, request.query_params.get("unit", "")[:20], notice=done)


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0


#: What a form asks: (action, its arguments from the path's id and the form).
CHANGES = {
    ("agencies", "new"): lambda ctx, a, _, f: structure.create_agency(
        ctx, a, text(f, "unit"), text(f, "name"), text(f, "website")
    ),
    ("agencies", "rename"): lambda ctx, a, i, f: structure.rename_agency(
        ctx, a, i, text(f, "name")
    ),
    ("agencies", "active"): lambda ctx, a, i, f: structure.set_agency_active(
        ctx, a, i, text(f, "active") == "1"
    ),
    ("categories", "new"): lambda ctx, a, _, f: structure.create_category(
        ctx, a, text(f, "unit"), text(f, "name"), _number(text(f, "parent_id")) or None
    ),
    ("categories", "rename"): lambda ctx, a, i, f: structure.rename_category(
        ctx, a, i, text(f, "name")
    ),
    ("categories", "move"): lambda ctx, a, i, f: structure.move_category(
        ctx, a, i, -1 if text(f, "step") == "up" else 1
    ),
    ("categories", "active"): lambda ctx, a, i, f: structure.set_category_active(
        ctx, a, i, text(f, "active") == "1"
    ),
}


async def change(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    params = request.path_params
    act = CHANGES.get((params["kind"], params["what"]))
    if act is None:
        return page.render("refused.html", 404, title="Không tìm thấy", title_en="Not found")
    unit = text(form, "unit")[:20]
    _, error, refused = await attempt(page, act, page.ctx, actor, params.get("id", 0), form)
    if refused is not None:
        return refused
    if error:
        return await _page(page, actor, unit, 400, error=error)
    return page.redirect(f"{BASE}?unit={quote(unit)}&done=1")


def routes() -> list[BaseRoute]:
    return [
        Route("/structure", index),
        Route("/structure/{kind:str}/{what:str}", change, methods=["POST"]),
        Route("/structure/{kind:str}/{id:int}/{what:str}", change, methods=["POST"]),
    ]
