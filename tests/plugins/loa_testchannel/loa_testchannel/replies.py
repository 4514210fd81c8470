"""The test channel's replies (``core.Replies``): kept in memory, once per key.

``FAIL_NEXT`` queues errors the next calls raise, so tests can drive retries.
"""

from __future__ import annotations

from core import ChannelError, Remote, Target

SENT: dict[str, dict[str, str]] = {}
CALLS: list[str] = []
FAIL_NEXT: list[ChannelError] = []


class ReplyMixin:
    async def reply(self, target: Target, *, to: str, text: str, key: str) -> Remote:
        CALLS.append(key)
        if FAIL_NEXT:
            raise FAIL_NEXT.pop(0)
        SENT.setdefault(key, {"to": to, "text": text})
        return Remote(f"reply-{key[:8]}")
