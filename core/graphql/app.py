"""The ASGI apps: strawberry's HTTP view with Loa's context, errors, auth and response cache.

Every answer is JSON in the GraphQL shape, failures included: a malformed
body or document is a 400 with ``errors``, a missing token a 401, a body over
the limit a 413, a client over its rate a 429, and an unexpected exception a
logged, masked 500, never a stack trace.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

from cross_web import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from core.auth.actions import record_forbidden
from core.auth.permissions import watch_refusals
from core.auth.requests import authenticate
from core.auth.web import CSRF_HEADER, client_address
from core.content.lookups import Lookups
from core.context import Context
from core.edge import jsondoc
from core.edge.body import BodyTooLarge
from core.errors import Forbidden, TooManyRequests, Unauthenticated
from core.graphql import http_cache, persisted
from core.graphql import ide as graphiql
from core.graphql.cache import Invalidator, ResponseCache, cache_key
from core.graphql.errors import INTERNAL_MESSAGE, LoaSchema, error_response, formatted
from core.graphql.management import management_schema
from core.graphql.public import public_schema
from core.graphql.request import RequestContext
from core.ratelimit import SharedLimit

RATE_WINDOW = 60

log = logging.getLogger("loa.graphql")


def _status(data: GraphQLHTTPResponse) -> int:
    """400 when the request never executed (syntax, validation, variables); 200 otherwise."""
    errors: list[dict[str, Any]] = data.get("errors") or []  # type: ignore[assignment]
    if errors and data.get("data") is None and all("path" not in e for e in errors):
        return 400
    return 200


class LoaView(GraphQL[RequestContext, None]):
    """One GraphQL endpoint of Loa; ``authenticated`` endpoints require an actor."""

    def __init__(
        self,
        schema: LoaSchema,
        ctx: Context,
        *,
        authenticated: bool,
        ide: bool,
        cache: ResponseCache | None = None,
        rate_limit: int = 0,
        uploads: bool = False,
        persisted_queries: persisted.PersistedQueries | None = None,
    ) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if ide else None, multipart_uploads_enabled=uploads
        )
        self.ctx = ctx
        self.authenticated = authenticated
        self.cache = cache
        #: Unit subtrees and category ids, kept while the cache's content generation holds.
        self.lookups = Lookups(lambda: cache.generation) if cache is not None else None
        #: Requests per minute per client address; 0: none (the management API is signed in).
        self.limiter = (
            SharedLimit(
                ctx,
                "graphql",
                limit=rate_limit,
                window=RATE_WINDOW,
                message="Too many requests from this address; try again later.",
            )
            if rate_limit
            else None
        )
        #: Automatic persisted queries (public endpoint only).
        self.persisted = persisted_queries

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # nothing to start: the Context is built by the caller
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":  # no subscriptions: refuse a websocket handshake
            await send({"type": "websocket.close", "code": 1008})
            return
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
        except ClientDisconnect:
            return  # the client left while sending its body: nobody to answer, nothing broken
        except HTTPException as exc:
            response = error_response(exc.status_code, exc.reason, "BAD_REQUEST")
        except BodyTooLarge as exc:
            response = error_response(413, exc.message, exc.code)
        except TooManyRequests as exc:
            response = error_response(
                429, exc.message, exc.code, **{"Retry-After": str(exc.retry_after)}
            )
        except Unauthenticated as exc:
            response = error_response(401, exc.message, exc.code, **{"WWW-Authenticate": "Bearer"})
        except Forbidden as exc:
            response = error_response(403, exc.message, exc.code)
        except Exception:
            log.exception("unhandled error serving %s %s", request.method, request.url.path)
            response = error_response(500, INTERNAL_MESSAGE, "INTERNAL")
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        if self.limiter is not None:
            await self.throttle(client_address(request))
        actor = None
        if self.authenticated:
            actor = await run_in_threadpool(authenticate, request, self.ctx)
        cache, key = self.cache, None
        if cache is not None and "text/html" not in request.headers.get("accept", ""):
            # Keyed on the request as sent (a persisted query's hash, not its text): a hit
            # needs neither the persisted store nor a parse of the body.
            query_string = request.scope["query_string"].decode("latin-1")  # no URL built
            key = cache_key(request.method, query_string, await request.body())
            body = cache.get(key)
            if body is None:
                body = await cache.joined(key)  # the same request already being answered
            if body is not None:
                cached = Response(body, media_type="application/json")
                return http_cache.finish(request, cached, cacheable=True)
        if cache is None or key is None:
            response, cacheable = await self.answer(request, actor)
        else:
            with cache.computing(key) as flight:
                response, cacheable = await self.answer(request, actor)
                if cacheable:
                    cache.put(key, flight.generation, bytes(response.body))
                    flight.share(bytes(response.body))
        if cache is None:
            return response  # the management API: never cached by anyone (NoStore)
        return http_cache.finish(request, response, cacheable=cacheable)

    async def answer(self, request: Request, actor: Any) -> tuple[Response, bool]:
        """The answer of the persisted store and GraphQL, and whether others may reuse it."""
        ask = None
        if self.persisted is not None:
            request, ask, early = await self.persisted_request(request)
            if early is not None:
                return early, False
        with watch_refusals() as refused:
            response = await self.run(
                request,
                context=RequestContext(
                    self.ctx, actor, client_address(request), lookups=self.lookups
                ),
            )
        if refused:
            await run_in_threadpool(
                record_forbidden, self.ctx, refused, address=client_address(request), via="api"
            )
        # A query sent with its hash is stored once it parsed, validated and ran.
        if ask and ask.query and self.persisted is not None and response.status_code == 200:
            await run_in_threadpool(self.persisted.put, ask.sha256, ask.query)
        return response, getattr(request.state, "cacheable", False)

    async def persisted_request(
        self, request: Request
    ) -> tuple[Request, persisted.Ask | None, Response | None]:
        """The request with a persisted query's text filled in, its ask, or an early answer."""
        if request.method == "GET":
            params: dict[str, Any] = dict(request.query_params)
            if not params.get("extensions"):
                return request, None, None
            try:
                params["extensions"] = jsondoc.decode(params["extensions"])
            except jsondoc.NotJson as exc:
                return request, None, error_response(400, str(exc), "BAD_REQUEST")
        elif "json" in request.headers.get("content-type", ""):
            try:
                params = jsondoc.decode_object(await request.body())
            except jsondoc.NotJson:
                return request, None, None  # strawberry answers the malformed body
        else:
            return request, None, None
        try:
            ask = persisted.ask_of(params)
        except persisted.BadPersistedQuery as exc:
            return request, None, error_response(400, str(exc), "BAD_USER_INPUT")
        if ask is None or ask.query is not None or self.persisted is None:
            return request, ask, None
        query = await run_in_threadpool(self.persisted.get, ask.sha256)
        if query is None:
            # Apollo's clients switch on this message and code, then send the query once.
            missing = error_response(200, "PersistedQueryNotFound", persisted.NOT_FOUND)
            missing.headers["cache-control"] = "no-store"
            return request, None, missing
        if request.method == "GET":
            query_string = f"{request.url.query}&{urlencode({'query': query})}"
            scope = {**request.scope, "query_string": query_string.encode()}
            return Request(scope, request.receive), ask, None
        body = json.dumps({**params, "query": query}).encode()

        async def receive() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        return Request(request.scope, receive), ask, None

    async def render_graphql_ide(self, request: Request) -> Response:
        """Loa's own GraphiQL page (see :mod:`core.graphql.ide`), never strawberry's CDN one.

        On the management API (reached signed in: ``handle`` authenticated the request) the
        page sends the session's CSRF token with every query, as the API demands of a cookie.
        """
        headers = None
        if self.authenticated:
            session = await run_in_threadpool(graphiql.signed_in_session, request, self.ctx)
            if session is None and not graphiql.enabled(self.ctx.settings):
                # An API token in production: GraphiQL is for a signed-in browser only.
                return error_response(
                    404, "GraphiQL is offered to a signed-in session", "NOT_FOUND"
                )
            headers = {CSRF_HEADER: session.csrf} if session is not None else None
        return graphiql.page(request.url.path, headers)

    async def throttle(self, address: str) -> None:
        """Count the request; past the rate, TooManyRequests. Redis down: serve (reads stay up).

        Counted in the process; the shared Redis counter hears of it in batches (one thread
        hop per batch, see :class:`SharedLimit` for how far several processes may overshoot).
        """
        assert self.limiter is not None
        batch = self.limiter.count(address)
        if batch is None:
            return
        answer = None
        try:
            answer = await run_in_threadpool(self.limiter.send, batch)
        except Exception as exc:
            log.warning("rate limit not counted (%s)", type(exc).__name__)
        self.limiter.sent(batch, answer)

    def parse_json(self, data: str | bytes) -> Any:
        """Strict JSON: a body (bytes) is one request, a UTF-8 JSON object; GET params any JSON."""
        try:
            return jsondoc.decode_object(data) if isinstance(data, bytes) else jsondoc.decode(data)
        except jsondoc.NotJson as exc:
            raise HTTPException(400, str(exc)) from None

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            data["errors"] = [formatted(e) for e in result.errors]
        elif result.data is not None:
            request.state.cacheable = True
        if result.extensions:
            data["extensions"] = result.extensions
        return data

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if isinstance(response_data, dict) and response.status_code == 200:
            response.status_code = _status(response_data)
        return response


def public_app(ctx: Context) -> ASGIApp:
    """``/graphql``: anonymous, read-only, cached; GraphiQL in development."""
    cache = ResponseCache(shared=ctx.content_generation)
    ctx.pm.register(Invalidator(cache), name=f"loa.graphql.cache.{id(cache)}")
    schema = public_schema(ctx.settings)
    return LoaView(
        schema,
        ctx,
        authenticated=False,
        ide=graphiql.enabled(ctx.settings),
        cache=cache,
        rate_limit=ctx.settings.graphql_rate_limit,
        persisted_queries=persisted.PersistedQueries(ctx.redis),
    )


def management_app(ctx: Context) -> ASGIApp:
    """``/api/graphql``: a session with both factors or an API token (see :func:`authenticate`);
    GraphiQL for a signed-in admin session, production included (never anonymous: ``handle``
    authenticates first)."""
    schema = management_schema(ctx.settings)
    # The GraphQL multipart request spec (uploadMedia); session callers still need CSRF.
    return LoaView(schema, ctx, authenticated=True, ide=True, uploads=True)
