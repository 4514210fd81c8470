"""Errors every interface maps to a clear, typed answer.

``code`` is what GraphQL puts in ``extensions.code`` and what the CLI prints;
the message is safe to show: it never carries a secret or a stack.
"""

from __future__ import annotations

from collections.abc import Mapping


class LoaError(Exception):
    code = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(LoaError):
    """Input was refused; ``fields`` maps each bad field to why."""

    code = "BAD_USER_INPUT"

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        detail = "; ".join(f"{k}: {v}" for k, v in self.fields.items())
        super().__init__(f"invalid input ({detail})")


class NotFound(LoaError):
    code = "NOT_FOUND"


class Forbidden(LoaError):
    code = "FORBIDDEN"


class Unauthenticated(LoaError):
    code = "UNAUTHENTICATED"


class InvalidTransition(LoaError):
    """The item is not in a state that allows this action."""

    code = "INVALID_TRANSITION"


class Conflict(LoaError):
    code = "CONFLICT"


class ModerationBlocked(LoaError):
    """Moderation blocks this text; ``spans`` say where and why (field, offsets, term)."""

    code = "CONTENT_BLOCKED"

    def __init__(self, message: str, spans: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.spans = spans


class ModerationHeld(LoaError):
    """Moderation holds this text for a moderator, who must clear it before it may go out."""

    code = "CONTENT_HELD"

    def __init__(self, message: str, spans: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.spans = spans


class TooManyRequests(LoaError):
    """A client sent more than its share; ``retry_after`` says when to try again (seconds)."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
