"""Replies: a channel that can answer a citizen's comment or message, through core.

Core decides whether a reply may go (the replier's permission, moderation of the text,
the audit record) and sends it as a job, exactly once: the reply row is the truth and
``key`` is stable across attempts, so a channel that can passes it on as an idempotency
key. Fits a reply posted under a comment, a reply inserted with its parent's id, and a
message to a user allowed only within a window after their last one (``docs/plugins.md``).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from core.contract.channels import Remote, Target


@runtime_checkable
class Replies(Protocol):
    """What a channel that can reply also implements.

    ``to``: the channel's id of the comment or message answered. Raise the channel errors
    of ``core.contract.channels`` (``PermanentError`` when the platform refuses, e.g. its reply
    window closed; ``OutcomeUnknown`` when the request may have landed).
    """

    async def reply(self, target: Target, *, to: str, text: str, key: str) -> Remote: ...
