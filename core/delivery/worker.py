"""Running workers: ``loa worker``'s process pool, and the embedded worker of ``loa serve``.

A worker serves the delivery queue (:mod:`core.delivery.queue`) with the job entry points of
:mod:`core.delivery.jobs`, and sweeps (:mod:`core.delivery.sweeper`) at start and on an
interval, so whatever Redis lost is found again.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from typing import TYPE_CHECKING, Any

from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty
from rq.worker import SimpleWorker
from rq.worker_pool import WorkerPool

from core.context import build_context, make_redis
from core.delivery import sweeper
from core.delivery.jobs import set_worker_context
from core.delivery.queue import LoaJob, rq_queue
from core.moderation import Lexicon
from core.settings import Settings

if TYPE_CHECKING:
    from core.context import Context

log = logging.getLogger("loa.delivery")


def _simple_worker(ctx: Context, *, in_thread: bool) -> Any:
    worker = SimpleWorker(
        [rq_queue(ctx)],
        connection=ctx.redis,
        serializer=JSONSerializer,
        job_class=LoaJob,
        maintenance_interval=30,
        worker_ttl=60,
        job_monitoring_interval=10,
    )
    if in_thread:
        # Signals belong to the main thread; a thread worker is stopped by its loop instead.
        worker._install_signal_handlers = lambda: None  # type: ignore[method-assign]
        worker.death_penalty_class = TimerDeathPenalty
    return worker


def _sweep_loop(settings: Settings, stop: threading.Event | None = None) -> None:
    ctx = build_context(settings)
    while stop is None or not stop.is_set():
        try:
            sweeper.sweep(ctx)
        except Exception:
            log.exception("sweep failed; trying again next interval")
        if stop is not None:
            stop.wait(settings.sweep_interval)
        else:
            time.sleep(settings.sweep_interval)


def run_worker(settings: Settings, concurrency: int | None = None, burst: bool = False) -> None:
    """``loa worker``: sweep, then serve the delivery queue with N worker processes.

    Each process holds one delivery in flight; channel calls are I/O-bound, so
    run several per core (``LOA_WORKER_CONCURRENCY``).
    """
    n = concurrency or settings.worker_concurrency
    ctx = build_context(settings)
    set_worker_context(ctx)
    sweeper.sweep(ctx)
    if burst or n <= 1:
        _simple_worker(ctx, in_thread=False).work(burst=burst, with_scheduler=True)
        return
    ctx.close()
    set_worker_context(None)
    # Compile the moderation lexicon once, here: forked workers share it instead of each
    # spending half a second of CPU on it at start (32 workers on 2 cores: 16 s).
    Lexicon.default()
    sweeper_process = multiprocessing.get_context("fork").Process(
        target=_sweep_loop, args=(settings,), name="loa-sweeper", daemon=True
    )
    sweeper_process.start()
    try:
        pool = WorkerPool(
            [settings.queue_name],
            connection=make_redis(settings),
            num_workers=n,
            worker_class=SimpleWorker,
            job_class=LoaJob,
            serializer=JSONSerializer,
        )
        pool.start(burst=False, logging_level=settings.log_level)
    finally:
        sweeper_process.terminate()


class EmbeddedWorker:
    """Threads that stand in for ``loa worker`` when no Redis is configured.

    They serve the fakeredis queue of this process, move scheduled jobs when
    due and sweep; for a demo or a laptop, not for production.

    Idle, they sleep: between bursts each worker thread blocks in a BRPOPLPUSH of the
    queue onto itself (it returns as soon as the queue holds a job, leaving a one-job
    queue as it was; fakeredis wakes it from another thread on the push; fakeredis's
    BLMOVE does not block), for at most a second so a stop is prompt.
    The scheduler thread looks once per ``poll``, as rq's own scheduler does. Restarting
    burst mode every 0.1 s instead cost a third of a core doing nothing (issue 19).
    rq's non-burst ``work()`` cannot be used: its dequeue loop never checks for a stop.
    """

    def __init__(self, ctx: Context, threads: int = 4, poll: float = 1.0) -> None:
        self.ctx = ctx
        self.poll = poll
        self.stop_event = threading.Event()
        self.threads = [
            threading.Thread(target=self._serve, name=f"loa-worker-{i}", daemon=True)
            for i in range(threads)
        ]
        self.threads.append(threading.Thread(target=self._schedule, name="loa-sched", daemon=True))

    def start(self) -> None:
        set_worker_context(self.ctx)
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _serve(self) -> None:
        worker = _simple_worker(self.ctx, in_thread=True)
        key = rq_queue(self.ctx).key
        while not self.stop_event.is_set():
            try:
                worker.work(burst=True, logging_level="WARNING")
                while not self.stop_event.is_set():
                    if self.ctx.redis.brpoplpush(key, key, 1) is not None:
                        break
            except Exception:
                log.exception("embedded worker loop failed; continuing")
                self.stop_event.wait(1)

    def _schedule(self) -> None:
        scheduler = RQScheduler(
            [self.ctx.settings.queue_name], connection=self.ctx.redis, serializer=JSONSerializer
        )
        last_sweep = 0.0
        while not self.stop_event.is_set():
            try:
                scheduler.acquire_locks()
                scheduler.enqueue_scheduled_jobs()
                if time.monotonic() - last_sweep >= self.ctx.settings.sweep_interval:
                    sweeper.sweep(self.ctx)
                    last_sweep = time.monotonic()
            except Exception:
                log.exception("embedded scheduler failed; continuing")
            self.stop_event.wait(self.poll)
