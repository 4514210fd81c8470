"""Shared pieces of the Graph API sandbox: the error envelope, parameters, tokens, usage.

Every refusal is Facebook's envelope ``{"error":{"message","type","code","error_subcode",
"fbtrace_id"}}`` with the status Facebook uses (400 for nearly everything, rate limits
included: never 429). See CONTRACT.md for the sources.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse

from plugins.facebook.sandbox_state import GraphState, Token

VERSION = re.compile(r"^v\d+\.\d+$")
#: Parameters every Graph call may carry besides its own.
COMMON = frozenset({"access_token", "appsecret_proof", "fields", "format", "pretty"})


class GraphError(Exception):
    def __init__(
        self,
        message: str,
        code: int,
        *,
        subcode: int | None = None,
        type_: str = "OAuthException",
        status: int = 400,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.subcode = message, code, subcode
        self.type, self.status, self.headers = type_, status, headers or {}

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {
            "message": self.message,
            "type": self.type,
            "code": self.code,
            "fbtrace_id": "A" + secrets.token_hex(10),
        }
        if self.subcode is not None:
            body["error_subcode"] = self.subcode
        return JSONResponse({"error": body}, status_code=self.status, headers=self.headers)


def bad_param(message: str) -> GraphError:
    return GraphError(f"(#100) {message}", 100, type_="GraphMethodException")


def fault_error(doc: dict[str, Any], status: int) -> GraphError:
    return GraphError(
        str(doc.get("message", "injected")),
        int(doc.get("code", 1)),
        subcode=doc.get("error_subcode"),
        type_=str(doc.get("type", "OAuthException")),
        status=status,
    )


async def read_params(request: Request) -> tuple[dict[str, Any], dict[str, UploadFile]]:
    """Query, form, multipart or JSON parameters, as Graph accepts them all."""
    params: dict[str, Any] = dict(request.query_params)
    files: dict[str, UploadFile] = {}
    ctype = request.headers.get("content-type", "")
    if request.method in ("POST", "DELETE") and ctype.startswith("application/json"):
        try:
            doc = json.loads(await request.body() or b"{}")
        except ValueError:
            raise bad_param("The request body is not valid JSON") from None
        if not isinstance(doc, dict):
            raise bad_param("The request body must be a JSON object")
        params.update(doc)
    elif request.method in ("POST", "DELETE") and (
        ctype.startswith("application/x-www-form-urlencoded") or ctype.startswith("multipart/")
    ):
        form = await request.form(max_part_size=50 * 1024 * 1024)
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = value
            else:
                params[key] = value
    return params, files


def only(
    params: dict[str, Any], allowed: set[str], required: frozenset[str] | set[str] = frozenset()
) -> None:
    """Graph refuses a parameter the endpoint does not know, and a missing required one."""
    for name in sorted(set(params) - allowed - COMMON):
        raise bad_param(f"Param {name} is not a valid parameter for this endpoint")
    for name in sorted(required - set(params)):
        raise bad_param(f"The parameter {name} is required")


def as_json(value: Any, name: str) -> Any:
    """A structured parameter: form posts send it as JSON text, JSON bodies as itself."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_param(f"Param {name} must be a JSON object or array") from None
    return value


def as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "1"):
        return True
    if str(value).lower() in ("false", "0"):
        return False
    raise bad_param(f"Param {name} must be a boolean")


def token_of(request: Request, params: dict[str, Any]) -> str:
    header = request.headers.get("authorization", "")
    for scheme in ("Bearer ", "OAuth "):
        if header.startswith(scheme):
            return header[len(scheme) :].strip()
    return str(params.get("access_token", ""))


def proof(app_secret: str, token: str) -> str:
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def authenticate(state: GraphState, request: Request, params: dict[str, Any]) -> Token:
    value = token_of(request, params)
    if not value:
        raise GraphError(
            "An active access token must be used to query information about the current user.",
            2500,
        )
    if value == f"{state.app_id}|{state.app_secret}":
        return Token(value, "APP", state.app_id)
    token = state.tokens.get(value)
    page_id = value[len(state.demo_prefix) :] if state.demo_prefix else ""
    if token is None and page_id.isdigit() and value.startswith(state.demo_prefix):
        state.add_page(page_id, f"Trang {page_id} (demo)", value)
        token = state.tokens[value]
    if token is None:
        raise GraphError("Invalid OAuth access token - Cannot parse access token", 190)
    if token.invalid_subcode is not None:
        raise GraphError(
            "Error validating access token: The session has been invalidated because the user"
            " changed their password or Facebook has changed the session for security reasons.",
            190,
            subcode=token.invalid_subcode,
        )
    if token.expires_at and token.expires_at <= state.now():
        raise GraphError("Error validating access token: Session has expired.", 190, subcode=463)
    if state.require_proof:
        given = str(params.get("appsecret_proof", ""))
        if not given:
            raise bad_param("API calls from the server require an appsecret_proof argument")
        if not hmac.compare_digest(given, proof(state.app_secret, value)):
            raise bad_param("Invalid appsecret_proof provided in the API argument")
    return token


def usage_headers(state: GraphState, token: Token) -> dict[str, str]:
    """The usage headers Facebook adds: BUC for Page tokens, app usage otherwise."""
    if token.type == "PAGE":
        pct = state.usage.get(token.page_id, 1)
        row = {
            "type": "pages",
            "call_count": pct,
            "total_cputime": max(1, pct // 2),
            "total_time": max(1, pct // 2),
            "estimated_time_to_regain_access": state.regain_minutes.get(token.page_id, 0),
        }
        return {"x-business-use-case-usage": json.dumps({token.page_id: [row]})}
    return {"x-app-usage": json.dumps({"call_count": 1, "total_cputime": 1, "total_time": 1})}


def check_usage(state: GraphState, token: Token) -> None:
    """At 100% of the Page's BUC limit Facebook answers code 80001 (4xx), not 429."""
    if token.type == "PAGE" and state.usage.get(token.page_id, 0) >= 100:
        raise GraphError(
            "(#80001) There have been too many calls to this Page account. Wait a bit and"
            " try again.",
            80001,
            headers=usage_headers(state, token),
        )
