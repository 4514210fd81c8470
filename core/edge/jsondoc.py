"""Strict JSON for request bodies: UTF-8 only, bounded nesting, an object where one is expected.

``json.loads`` alone accepts UTF-16 and UTF-32 bodies, and answers a deeply nested
document with ``RecursionError``; either way a client's mistake must be a clear 400,
never a 500 with a logged traceback.
"""

from __future__ import annotations

import json
from typing import Any


class NotJson(ValueError):
    """The body is not the JSON asked for; ``str(exc)`` is safe to show the client."""


def decode(data: bytes | str) -> Any:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise NotJson("The body must be JSON encoded as UTF-8.") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise NotJson("The JSON is nested too deeply.") from None
    except ValueError:
        raise NotJson("The body is not valid JSON.") from None


def decode_object(data: bytes | str) -> dict[str, Any]:
    value = decode(data)
    if not isinstance(value, dict):
        raise NotJson("The body must be a JSON object.")
    return value
