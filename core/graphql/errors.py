"""From exceptions to answers: expected failures keep their message and get a code; bugs are masked.

* a :class:`~core.errors.LoaError` keeps its safe message and gets ``extensions.code``;
* an error graphql-core raised before execution (syntax, validation, variables, limits)
  is the client's mistake: its message stays, coded ``GRAPHQL_PARSE_FAILED`` /
  ``GRAPHQL_VALIDATION_FAILED`` / ``BAD_USER_INPUT``;
* anything else is a bug: logged with its stack, answered as ``INTERNAL`` with a fixed
  message, so no stack trace, SQL or secret ever reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graphql import GraphQLError
from starlette.responses import JSONResponse
from strawberry import Schema
from strawberry.types import ExecutionContext

from core.errors import LoaError, NotFound, ValidationFailed

log = logging.getLogger("loa.graphql")

INTERNAL_MESSAGE = "Internal error; it has been logged."


def _camel(name: str) -> str:
    """``audience.visible_until`` → ``audience.visibleUntil``: the names clients sent."""
    parts = []
    for segment in name.split("."):
        head, *rest = segment.split("_")
        parts.append(head + "".join(w[:1].upper() + w[1:] for w in rest))
    return ".".join(parts)


def client_fields(exc: ValidationFailed) -> dict[str, str]:
    return {_camel(k): v for k, v in exc.fields.items()}


#: The largest id a row can have (an SQL INTEGER); a larger number names nothing.
MAX_ROW_ID = 2**31 - 1


def row_id(value: object) -> int | None:
    """The row id a client's ``ID`` stands for, or None when it can stand for none.

    Checked here, before any query: ``int()`` refuses huge digit strings, and PostgreSQL
    refuses a parameter beyond its INTEGER range with a raw ``DataError``.
    """
    text = str(value)
    if not (0 < len(text) <= 10 and text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ROW_ID else None


def argument_id(value: object, argument: str) -> int:
    """:func:`row_id`, or BAD_USER_INPUT naming ``argument``."""
    number = row_id(value)
    if number is None:
        raise ValidationFailed({argument: "not an id this API issued"})
    return number


@contextmanager
def names_something(argument: str) -> Iterator[None]:
    """An argument value that names nothing (an unknown unit code, a revision that does not
    exist) is the client's mistake: BAD_USER_INPUT naming the argument, the same in every
    resolver, rather than NOT_FOUND from whichever action looked it up.
    """
    try:
        yield
    except NotFound as exc:
        raise ValidationFailed({argument: exc.message}) from None
    except LookupError as exc:
        if isinstance(exc, KeyError | IndexError):
            raise  # a bug, not a lookup of the client's value
        raise ValidationFailed({argument: str(exc)}) from None


def is_bug(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, (LoaError, GraphQLError)):
        return False
    # Errors without a path arose before execution: coercing the client's variables.
    return error.path is not None


def code_of(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, LoaError):
        return original.code
    if error.path is None:
        given = (error.extensions or {}).get("code")
        if original is None and isinstance(given, str):  # our own limits name their refusal
            return given
        if error.message.startswith("Syntax Error"):
            return "GRAPHQL_PARSE_FAILED"
        if original is not None or error.message.startswith("Variable"):
            return "BAD_USER_INPUT"
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL"


def formatted(error: GraphQLError) -> dict[str, Any]:
    """The JSON of one error as the client may see it."""
    out: dict[str, Any] = {"message": INTERNAL_MESSAGE if is_bug(error) else error.message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path is not None:
        out["path"] = error.path
    extensions: dict[str, Any] = {"code": code_of(error)}
    if isinstance(error.original_error, ValidationFailed):
        extensions["fields"] = client_fields(error.original_error)
    out["extensions"] = extensions
    return out


class LoaSchema(Schema):
    """A strawberry schema that logs bugs with their stack and client mistakes not at all."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if is_bug(error):
                log.error("unhandled error in %s", error.path, exc_info=error.original_error)


def error_response(status: int, message: str, code: str, **headers: str) -> JSONResponse:
    """A GraphQL-shaped answer for failures outside execution (HTTP, auth, body parsing)."""
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers or None)
