"""Replies: a channel that can answer a citizen's comment or message, through core.

Core decides whether a reply may go (the replier's permission, moderation of the text,
the audit record) and sends it as a job, exactly once: the reply row is the truth and
``key`` is stable across attempts, so a channel that can passes it on as an idempotency
key. Fits Facebook (``POST /{comment-id}/comments``), YouTube (``comments.insert`` with
``parentId``) and Zalo (``/v3.0/oa/message/cs`` to a user, within its 7-day window).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from core.channels import Remote, Target


@runtime_checkable
class Replies(Protocol):
    """What a channel that can reply also implements.

    ``to``: the channel's id of the comment or message answered. Raise the channel errors
    of ``core.channels`` (``PermanentError`` when the platform refuses, e.g. Zalo's window
    closed; ``OutcomeUnknown`` when the request may have landed).
    """

    async def reply(self, target: Target, *, to: str, text: str, key: str) -> Remote: ...
