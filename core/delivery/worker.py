"""Running workers: ``loa worker``'s threads, and the embedded worker of ``loa serve``.

A worker serves the delivery queue (:mod:`core.delivery.queue`) with the job entry points of
:mod:`core.delivery.jobs`, and sweeps (:mod:`core.delivery.sweeper`) at start and on an
interval, so whatever Redis lost is found again.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import TYPE_CHECKING, Any

from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty
from rq.worker import SimpleWorker

from core.context import build_context, make_redis
from core.delivery import recorder, sweeper
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


def run_worker(settings: Settings, concurrency: int | None = None, burst: bool = False) -> None:
    """``loa worker``: sweep, then serve the delivery queue with N threads in this one process.

    A delivery spends nearly all its time waiting for the channel, so one process keeps N
    deliveries in flight (``--concurrency`` / ``LOA_WORKER_CONCURRENCY``), each thread an rq
    worker of its own (its key, heartbeat and started registry, as the sweeper expects).
    More processes (one per core) are more ``loa worker`` commands. SIGTERM or Ctrl-C stops
    taking jobs and lets the deliveries in flight finish; a second one leaves at once (the
    sweeper and the reconcile before any re-send cover what was cut short).
    """
    n = concurrency or settings.worker_concurrency
    # A thread holds a database connection only for its short reads and claim (outcomes go
    # through the recorder), so the engine's own pool serves N threads: a connection per thread
    # would take PostgreSQL past its max_connections. Redis connections are held while a thread
    # waits for jobs, and redis-py's pool refuses past its size.
    ctx = build_context(settings, redis=make_redis(settings, max_connections=max(100, 3 * n + 20)))
    set_worker_context(ctx)
    sweeper.sweep(ctx)
    if burst or n <= 1:
        _simple_worker(ctx, in_thread=False).work(burst=burst, with_scheduler=True)
        return
    # Compiled once, before the threads need it (half a second of CPU).
    Lexicon.default()
    pool = ThreadedWorker(ctx, threads=n)
    stops = 0

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stops
        stops += 1
        if stops > 1:
            raise SystemExit(128 + signum)
        log.info("stopping: taking no more jobs, finishing the deliveries in flight")
        pool.request_stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pool.start()
    try:
        while not pool.stop_event.wait(1.0):
            pass
        pool.stop(timeout=settings.job_timeout + 5)
    finally:
        ctx.close()


class ThreadedWorker:
    """Threads, each an rq ``SimpleWorker`` on the delivery queue, plus a scheduler and sweeper.

    ``loa worker`` runs one per process; ``loa serve`` / ``loa demo`` embed one (there on the
    fakeredis queue of the process, for a demo or a laptop). Each thread works the queue in
    rq's burst mode while it holds jobs, so rq's bookkeeping (started registry, heartbeats,
    results, failures, job timeouts) is rq's own; a stop is requested of each rq worker and
    taken between jobs, never in the middle of one.

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
        self.recorder = recorder.Recorder(ctx)
        self.workers = [_simple_worker(ctx, in_thread=True) for _ in range(threads)]
        self.threads = [
            threading.Thread(target=self._serve, args=(w,), name=f"loa-worker-{i}", daemon=True)
            for i, w in enumerate(self.workers)
        ]
        self.threads.append(threading.Thread(target=self._schedule, name="loa-sched", daemon=True))

    def start(self) -> None:
        set_worker_context(self.ctx)
        self.recorder.start()
        recorder.use(self.recorder)
        for thread in self.threads:
            thread.start()

    def request_stop(self) -> None:
        """Take no more jobs; the ones running finish (rq checks between jobs)."""
        for worker in self.workers:
            worker._stop_requested = True
        self.stop_event.set()

    def stop(self, timeout: float = 30) -> None:
        self.request_stop()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        recorder.use(None)
        self.recorder.stop()

    def _serve(self, worker: Any) -> None:
        key = rq_queue(self.ctx).key
        while not self.stop_event.is_set():
            try:
                worker.work(burst=True, logging_level="WARNING")
                while not self.stop_event.is_set():
                    if self.ctx.redis.brpoplpush(key, key, 1) is not None:
                        break
            except Exception:
                log.exception("worker thread loop failed; continuing")
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
                log.exception("scheduler failed; continuing")
            self.stop_event.wait(self.poll)


#: ``loa serve``'s in-process worker is the same thing.
EmbeddedWorker = ThreadedWorker
