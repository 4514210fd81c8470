"""A typed failure as a JSON answer, for the plain HTTP endpoints beside GraphQL.

``{"error": {"message", "code", "fields"?}}`` with the status its class means, the same
shape the CSV reports and the connect flow answer with.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from core.errors import Forbidden, LoaError, NotFound, Unauthenticated, ValidationFailed

STATUS: dict[type[LoaError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    ValidationFailed: 400,
}


def error_response(exc: LoaError) -> JSONResponse:
    status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
    error: dict[str, Any] = {"message": exc.message, "code": exc.code}
    if isinstance(exc, ValidationFailed):
        error["fields"] = exc.fields
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": error}, status_code=status, headers=headers)
