"""Citizens' comments on the channel's videos: read, held, rejected, authors banned, replies.

YouTube has no comment webhooks: core polls :meth:`fetch_comments`. Comments that are
``published`` and those YouTube already ``heldForReview`` are both read. What moderation holds
for review is held there too (``heldForReview``) and released (``published``) when a moderator
approves it; hiding a comment rejects it (``comments.setModerationStatus``); a moderator's block
of its author rejects it with ``banAuthor=true``, so YouTube hides what they write next as well.
A reply is ``comments.insert`` under the thread's top-level comment (threads are one level).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from core import CitizenComment, Remote, Target

if TYPE_CHECKING:
    from plugins.youtube.client import YouTubeClient

#: The moderation states read on each poll.
READ_STATES = ("published", "heldForReview")
#: Pages of 100 threads read per state and poll (newest first).
MAX_PAGES = 3


def _citizen(doc: dict[str, Any], owner: str) -> CitizenComment | None:
    snippet = doc.get("snippet") or {}
    author = str((snippet.get("authorChannelId") or {}).get("value", ""))
    if not author or author == owner:  # the office's own replies are not citizens'
        return None
    published = str(snippet.get("publishedAt", ""))
    try:
        created: dt.datetime | None = dt.datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        created = None
    return CitizenComment(
        remote_id=str(doc["id"]),
        remote_item_id=str(snippet.get("videoId", "")),
        author_id=author,
        author_name=str(snippet.get("authorDisplayName", "")),
        text=str(snippet.get("textOriginal") or snippet.get("textDisplay") or ""),
        cursor=published,
        created_at=created,
        hidden=snippet.get("moderationStatus") in ("rejected", "heldForReview"),
    )


class CommentsMixin:
    def client(self, target: Target) -> YouTubeClient:  # pragma: no cover - the channel's
        raise NotImplementedError

    async def fetch_comments(self, target: Target, *, since: str | None) -> list[CitizenComment]:
        """Comments (threads and their replies) published at or after ``since``, oldest first;
        core ignores those it already recorded."""
        owner = str(target.settings.get("channel_id", ""))
        found: dict[str, CitizenComment] = {}
        async with self.client(target) as yt:
            for state in READ_STATES:
                token = ""
                for _ in range(MAX_PAGES):
                    threads, token = await yt.comment_threads(owner, state, token)
                    for thread in threads:
                        top = (thread.get("snippet") or {}).get("topLevelComment") or {}
                        replies = (thread.get("replies") or {}).get("comments") or []
                        for doc in [top, *replies]:
                            c = _citizen(doc, owner) if doc.get("id") else None
                            if c is not None and (not since or c.cursor >= since):
                                found[c.remote_id] = c
                    oldest = threads[-1] if threads else None
                    if not token or (since and oldest and _published(oldest) < since):
                        break
        return sorted(found.values(), key=lambda c: (c.cursor, c.remote_id))

    async def hide_comment(self, target: Target, *, comment_id: str) -> None:
        """Reject the comment: YouTube stops showing it (safe to repeat)."""
        async with self.client(target) as yt:
            await yt.set_moderation(comment_id, "rejected")

    async def hold_comment(self, target: Target, *, comment_id: str) -> None:
        """Hold it for review (moderation was unsure): hidden from viewers until released."""
        async with self.client(target) as yt:
            await yt.set_moderation(comment_id, "heldForReview")

    async def release_comment(self, target: Target, *, comment_id: str) -> None:
        """Publish a held comment again (a moderator approved it)."""
        async with self.client(target) as yt:
            await yt.set_moderation(comment_id, "published")

    async def ban_author(self, target: Target, *, comment_id: str) -> None:
        """Reject the comment and ban its author from the channel's comments."""
        async with self.client(target) as yt:
            await yt.set_moderation(comment_id, "rejected", ban=True)

    async def reply(self, target: Target, *, to: str, text: str, key: str) -> Remote:
        parent = to.split(".", 1)[0]  # a reply's id is "<thread id>.<reply id>"
        async with self.client(target) as yt:
            doc = await yt.reply(parent, text)
        return Remote(str(doc.get("id", "")))


def _published(thread: dict[str, Any]) -> str:
    top = (thread.get("snippet") or {}).get("topLevelComment") or {}
    return str((top.get("snippet") or {}).get("publishedAt", ""))
