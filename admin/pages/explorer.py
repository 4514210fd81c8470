"""The management API's explorer, from the desk: GraphiQL at ``/api/graphql`` for a signed-in
admin (it sends the session's CSRF token itself), and how to call the API with a token.

GraphiQL on the management API is offered to a signed-in admin session in every
environment, production included (``core.graphql.ide``); anonymous callers never get it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin.page import signed_in

ENDPOINT = "/api/graphql"


async def page(request: Request) -> Response:
    page, _actor = await signed_in(request)
    return page.render(
        "ops/graphql.html",
        title="Khám phá API GraphQL",
        title_en="GraphQL API explorer",
        endpoint=ENDPOINT,
        origin=f"{request.url.scheme}://{request.url.netloc}",
    )


def routes() -> list[BaseRoute]:
    return [Route("/graphql", page)]
