"""Who watches an item's deliveries hears when one of them changes state (the delivery board).

A change is told, once committed, on a Redis pub/sub topic of the item; a :class:`Watch`
subscribes to it. Pub/sub keeps nothing: a watcher reads the rows again whenever it is told,
and also every so often without being told (``recheck``), so a lost message, a Redis without
pub/sub or Redis down only makes the board slower, never wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from core.context import Context
from core.hookspecs import hookimpl

log = logging.getLogger("loa.delivery")

#: Events whose payload's ``id`` is an item whose deliveries may have been written (the
#: outbox rows of a publication, an update or a retraction are committed with them).
ITEM_EVENTS = ("article.",)


def topic(article_id: int) -> str:
    return f"loa:deliveries:{article_id}"


def changed(ctx: Context, article_ids: Iterable[int]) -> None:
    """Tell the item's watchers that its deliveries changed (after the commit)."""
    for article_id in sorted(set(article_ids)):
        try:
            ctx.redis.publish(topic(article_id), "changed")
        except Exception as exc:  # the watchers' periodic check covers it
            log.info("could not tell the board of item %s (%s)", article_id, type(exc).__name__)


class Watch:
    """A subscription to one item's changes. :meth:`told` never waits; :meth:`close` it."""

    def __init__(self, ctx: Context, article_id: int) -> None:
        self._pubsub: Any = None
        try:
            pubsub = ctx.redis.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(topic(article_id))
        except Exception as exc:
            log.info("no pub/sub for the board (%s): periodic checks only", type(exc).__name__)
            return
        self._pubsub = pubsub

    @property
    def subscribed(self) -> bool:
        return self._pubsub is not None

    def told(self) -> bool:
        """Whether a change was told since the last call (reads what arrived, never waits)."""
        if self._pubsub is None:
            return False
        heard = False
        try:
            while (message := self._pubsub.get_message(timeout=0.0)) is not None:
                heard = heard or message.get("type") == "message"
        except Exception as exc:  # Redis went away: periodic checks from now on
            log.info("the board's subscription ended (%s)", type(exc).__name__)
            self.close()
            return True
        return heard

    def close(self) -> None:
        if self._pubsub is not None:
            pubsub, self._pubsub = self._pubsub, None
            try:
                pubsub.close()
            except Exception as exc:
                log.info("could not close the board's subscription (%s)", type(exc).__name__)


class Teller:
    """A plugin-manager observer: an item event tells the item's board (new outbox rows)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @hookimpl
    def loa_event(self, name: str, payload: dict[str, Any]) -> None:
        if name.startswith(ITEM_EVENTS) and isinstance(payload.get("id"), int):
            changed(self.ctx, [payload["id"]])


def install(ctx: Context) -> None:
    """Observe ``ctx``'s events (once per Context)."""
    name = f"loa.delivery.live.{id(ctx)}"
    if ctx.pm.get_plugin(name) is None:
        ctx.pm.register(Teller(ctx), name=name)
