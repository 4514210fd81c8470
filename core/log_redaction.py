"""Secrets never reach a log line: uvicorn's access log and Loa's own handlers are redacted.

uvicorn's access log writes every request's path, and a one-time enrolment link
carries its token in the path (``/admin/enrol/<token>``, valid for days): whoever
reads the log could enrol as the account. :class:`AccessLogRedaction` sits on the
``uvicorn.access`` *logger* (not a handler), so every handler of it, uvicorn's or an
operator's, sees the redacted path. :class:`SecretRedaction` is the safety net on
the handlers ``loa serve``/``loa worker``/``loa demo`` install: whatever a library
logs, an API token or a secret query parameter is cut out of the formatted line.

Session ids, CSRF tokens and TOTP secrets have no recognisable shape, so they are
kept out at the source (they travel in cookies, form bodies and sealed fields, which
nothing logs); ``tests/security/test_logs.py`` greps the logs of every flow for them.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

REDACTED = "[redacted]"

#: Path segments that are credentials: the enrolment link's token.
_SECRET_PATHS = re.compile(r"(/admin/enrol/)(?!codes(?:[/?#\s\"]|$))[^/?#\s\"]+")
#: Query parameters that carry credentials (channel APIs take tokens in the query string).
_SECRET_PARAMS = re.compile(
    r"([?&](?:access_token|token|code|csrf_token|secret|client_secret|password|key|sig"
    r"|signature|refresh_token|state|code_verifier|hub\.verify_token|input_token"
    r"|fb_exchange_token)=)[^&#\s\"']*",
    re.IGNORECASE,
)
#: Loa's API tokens (``loa_<12 hex>_<secret>``), wherever they appear.
_API_TOKENS = re.compile(r"\bloa_[0-9a-f]{12}_[A-Za-z0-9_-]{8,}")


def redact(text: str) -> str:
    """``text`` with every credential Loa can recognise replaced by ``[redacted]``."""
    text = _SECRET_PATHS.sub(rf"\g<1>{REDACTED}", text)
    text = _SECRET_PARAMS.sub(rf"\g<1>{REDACTED}", text)
    return _API_TOKENS.sub(REDACTED, text)


class AccessLogRedaction(logging.Filter):
    """Redacts the path of uvicorn's access records, keeping their five-argument shape."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3:
            record.args = (*args[:2], redact(str(args[2])), *args[3:])
        return True


class SecretRedaction(logging.Filter):
    """Redacts a record's message and traceback; on a handler, every record it writes passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Formatters use a cached exc_text as it is: fill it, redacted, before they do.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging config with the access log's paths redacted."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "loa_access": {"()": "core.log_redaction.AccessLogRedaction"},
        "loa_secrets": {"()": "core.log_redaction.SecretRedaction"},
    }
    config["loggers"]["uvicorn.access"]["filters"] = ["loa_access"]
    # Not on the access handler: its formatter needs the record's arguments as they are.
    config["handlers"]["default"]["filters"] = ["loa_secrets"]
    return config


def install(handlers: list[logging.Handler] | None = None) -> None:
    """Put :class:`SecretRedaction` on ``handlers`` (the root logger's by default)."""
    for handler in handlers if handlers is not None else logging.getLogger().handlers:
        if not any(isinstance(f, SecretRedaction) for f in handler.filters):
            handler.addFilter(SecretRedaction())
