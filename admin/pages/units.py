"""The unit picker's search (an htmx fragment): names with or without diacritics."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from admin.page import signed_in
from core.actions import desk


async def search(request: Request) -> Response:
    page, _actor = await signed_in(request)
    query = request.query_params.get("q", "")[:100]
    found = await run_in_threadpool(desk.search_units, page.ctx, query)
    one = request.query_params.get("pick") == "one"  # a radio: one unit (the operator's forms)
    template = "ops/unit_pick.html" if one else "desk/unit_choices.html"
    return page.render(template, units=found, query=query)
