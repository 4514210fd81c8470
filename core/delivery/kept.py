"""What a worker keeps between deliveries: values read under one content generation.

A fan-out runs the same reads for each of its thousands of deliveries (issue 19). A value is
kept under its own key plus the content generation (:meth:`core.context.Context.
content_generation`), which every process moves on a committed content change: the generation
is read *before* the value, so a change committed after that read leaves the entry under a
generation no later lookup asks for. Changes no event announces are read again after ``ttl``
seconds at most. One :class:`Kept` per context (``ctx.extras``): never shared between databases.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from core.context import Context

V = TypeVar("V")


class Kept(Generic[V]):
    """Values by key, each trusted for ``ttl`` seconds; the least recently used go first."""

    def __init__(self, size: int, ttl: float) -> None:
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] < time.monotonic():
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def kept(ctx: Context, name: str, key: Hashable, read: Callable[[], V], size: int, ttl: float) -> V:
    """``read()``, or what it returned for ``key`` under the current content generation."""
    cache: Kept[V] = ctx.extras.setdefault(name, Kept(size, ttl))
    try:
        generation = ctx.content_generation()
    except Exception:  # no generation to trust: read, keep nothing
        return read()
    value = cache.get((key, generation))
    if value is None:
        value = read()
        cache.put((key, generation), value)
    return value
