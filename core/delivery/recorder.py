"""Group commit: the outcomes of many deliveries in flight written in one transaction.

Every landed delivery appends to the audit log, whose hash chain lets one writer at a time
hold it until commit. With a worker's threads each committing its own outcome, the threads
queue on that lock, and the one holding it waits for the interpreter behind all the others:
64 threads delivered 5 a second. A worker process instead hands its outcomes to one recorder
thread, which writes whatever is waiting (up to :data:`BATCH`) in one transaction, each
outcome still its own compare-and-set on its own row, and wakes each caller after the
commit, with what its write returned. A batch that fails is written again one outcome per
transaction, so one bad outcome fails only its own delivery.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from core.context import Context

log = logging.getLogger("loa.delivery")

T = TypeVar("T")
#: Outcomes written per transaction at most.
BATCH = 200

_Write = tuple[Callable[[Session], Any], "Future[Any]"]


class Recorder:
    """One thread that runs the writes handed to :meth:`write`, many per transaction."""

    def __init__(self, ctx: Context, batch: int = BATCH) -> None:
        self.ctx = ctx
        self.batch = batch
        self._queue: queue.SimpleQueue[_Write | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="loa-recorder", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Write what is waiting, then end the thread."""
        self._queue.put(None)
        self._thread.join(timeout=60)

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in a transaction shared with other outcomes; return after it commits."""
        done: Future[T] = Future()
        self._queue.put((fn, done))
        return done.result()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            writes = [first]
            while len(writes) < self.batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                writes.append(more)
            self._commit(writes)

    def _commit(self, writes: list[_Write]) -> None:
        try:
            with self.ctx.transaction() as session:
                results = [fn(session) for fn, _ in writes]
        except Exception as exc:
            if len(writes) > 1:
                log.warning("a batch of %d outcomes failed; writing them one by one", len(writes))
                for one in writes:
                    self._commit([one])
                return
            writes[0][1].set_exception(exc)
            return
        for (_, done), result in zip(writes, results, strict=True):
            done.set_result(result)


_current: Recorder | None = None


def use(recorder: Recorder | None) -> None:
    """The process's recorder (a worker's), or ``None``: each write its own transaction."""
    global _current
    _current = recorder


def write(ctx: Context, fn: Callable[[Session], T]) -> T:
    """``fn`` in a transaction: the worker's shared one when it runs a recorder."""
    recorder = _current
    if recorder is not None and recorder.ctx is ctx:
        return recorder.write(fn)
    with ctx.transaction() as session:
        return fn(session)
