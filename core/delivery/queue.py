"""The delivery queue: job ids, enqueueing, and the job class workers load (rq lives here).

Jobs take ids, never objects, and use the JSON serializer (pickle would let
anyone who can write to Redis run code on workers). Job ids are deterministic
and carry the attempt number, so a sweeper's re-enqueue of a job that is still
queued is refused by Redis, while the next attempt always gets a fresh id.

Workers load jobs as :class:`LoaJob`: rq imports whatever function a job
names, so a job that names anything but one of :data:`JOB_FUNCTIONS` (the entry
points in :mod:`core.delivery.jobs`) is refused, logged and never run. A job id
whose job can no longer run (finished, failed, or started by a worker that has
since died) is replaced when the sweeper asks for it again, so a delivery never
waits on a dead job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.results import Result
from rq.serializers import JSONSerializer
from rq.worker import Worker

if TYPE_CHECKING:
    from core.context import Context

log = logging.getLogger("loa.delivery")

RESULT_TTL = 3600
FAILURE_TTL = 7 * 24 * 3600


#: The only functions a Loa worker runs (the entry points in :mod:`core.delivery.jobs`; their
#: names are what jobs already waiting in Redis hold, so they do not move).
JOB_FUNCTIONS = frozenset(
    f"core.delivery.jobs.{name}"
    for name in (
        "run_delivery",
        "run_expiry",
        "run_publish",
        "run_interactions",
        "run_sweep",
        "run_reply",
        "run_notice",
        "run_fanout",
    )
)


class RefusedJob(Exception):
    """A job on Loa's queue that names something other than a Loa job function."""


class LoaJob(Job):
    """rq's job, resolving only Loa's own job functions and no callbacks.

    rq imports and calls whatever ``func_name`` (and callback names) a job hash
    in Redis holds; with this class, workers refuse anything else before it is
    imported. The refusal is logged and the job fails (rq keeps it in the failed
    registry for inspection). Loa enqueues no callbacks, so any named callback
    is dropped, logged.
    """

    @property
    def func(self) -> Any:
        name = self.func_name
        if name not in JOB_FUNCTIONS or self.instance is not None:
            log.error("refused job %s: %r is not one of Loa's job functions", self.id, name)
            raise RefusedJob(f"{name!r} is not one of Loa's job functions")
        return super().func

    def _no_callback(self, which: str, name: str | None) -> None:
        if name:
            log.error("refused the %s callback %r of job %s", which, name, self.id)

    @property
    def success_callback(self) -> Any:
        self._no_callback("success", self._success_callback_name)
        return None

    @property
    def failure_callback(self) -> Any:
        self._no_callback("failure", self._failure_callback_name)
        return None

    @property
    def stopped_callback(self) -> Any:
        self._no_callback("stopped", self._stopped_callback_name)
        return None


def delivery_job_id(delivery_id: int, attempt: int) -> str:
    return f"loa-delivery-{delivery_id}-{attempt}"


def rq_queue(ctx: Context) -> Queue:
    return Queue(
        ctx.settings.queue_name,
        connection=ctx.redis,
        serializer=JSONSerializer,
        job_class=LoaJob,
        default_timeout=ctx.settings.job_timeout,
    )


#: Job states in which the job will still run without anyone's help.
_WAITING = frozenset(
    {
        JobStatus.CREATED,
        JobStatus.QUEUED,
        JobStatus.DEFERRED,
        JobStatus.RATE_LIMITED,
        JobStatus.READY_TO_ENQUEUE,
    }
)
#: How long past its time a scheduled job may wait for rq's scheduler. A worker that held the
#: scheduler lock and was killed leaves no scheduler until another worker's maintenance takes
#: the lock (up to its maintenance interval, 10 minutes by default).
SCHEDULER_GRACE = dt.timedelta(seconds=30)


#: A worker takes a job off the queue a moment before it marks it started; with many threads
#: on a busy machine that moment grows. A job seen queued but out of the queue is dead only
#: once it has been so for this long (first seen kept in Redis, so every sweeper agrees).
DEQUEUED_GRACE = 30.0
_DEQUEUED_SEEN = "loa:dequeued-seen:"


def clock() -> float:
    """Seconds since the epoch (tests move it)."""
    return time.time()


def _long_dequeued(q: Queue, job_id: str) -> bool:
    """Whether ``job_id`` has been seen out of its queue, still queued, for the grace."""
    key, now = _DEQUEUED_SEEN + job_id, clock()
    q.connection.set(key, repr(now), nx=True, ex=int(DEQUEUED_GRACE * 20) + 60)
    first = q.connection.get(key)
    return first is not None and now - float(first) >= DEQUEUED_GRACE


def _dead(q: Queue, job_id: str) -> tuple[str, str] | None:
    """Why the job under ``job_id`` will never run (again), with its worker; ``None`` if it will.

    Finished, failed, stopped or cancelled jobs are done; a started job is dead when its
    worker's key has expired (a worker refreshes it while it lives, for the job's timeout
    plus a minute while it runs one); a queued job is dead when it is no longer in the
    queue (taken by a worker that died before starting it) for :data:`DEQUEUED_GRACE`; a
    scheduled job is dead when no scheduler moved it within :data:`SCHEDULER_GRACE` of its
    time; a hash that is not a whole job (what a worker's heartbeat writes back after a
    ``FLUSHDB``) never runs. rq refuses the id as long as any of
    them is kept (a started job's, for ever).
    """
    try:
        job = LoaJob.fetch(job_id, connection=q.connection, serializer=JSONSerializer)
    except Exception:  # NoSuchJobError for a partial hash too; gone meanwhile is fine as well
        return "not a whole job", "-"
    status = job.get_status(refresh=False)
    worker = job.worker_name or "-"
    if status == JobStatus.QUEUED and q.connection.lpos(q.key, job_id) is None:
        # Dequeued, then its worker died before it started it (rq#580): no one will run it —
        # unless a worker is starting it right now, so only after the grace.
        if not _long_dequeued(q, job_id):
            return None
        return "queued but not in the queue", worker
    if status in _WAITING:
        return None
    if status == JobStatus.SCHEDULED:
        score = q.connection.zscore(q.scheduled_job_registry.key, job_id)
        due = dt.datetime.fromtimestamp(score, dt.UTC) if score else None
        if due is not None and due > dt.datetime.now(dt.UTC) - SCHEDULER_GRACE:
            return None
        return "scheduled but never moved", worker
    alive = Worker.redis_worker_namespace_prefix + (job.worker_name or "")
    if status == JobStatus.STARTED and job.worker_name and q.connection.exists(alive):
        return None
    return str(getattr(status, "value", status) or "without a status"), worker


def _discard(q: Queue, job_id: str) -> None:
    """Remove every trace rq keeps of a dead job, so its id can be enqueued afresh.

    Plain key operations, not ``Job.delete``: that one needs the job's execution records,
    which a flush or a killed worker may have left half written.
    """
    conn = q.connection
    started = q.started_job_registry.key  # members are "<job id>:<execution id>"
    stale = [m for m in conn.zscan_iter(started, match=f"{job_id}:*")]
    with conn.pipeline() as pipe:
        pipe.lrem(q.key, 0, job_id)
        for registry in (
            q.scheduled_job_registry,
            q.finished_job_registry,
            q.failed_job_registry,
            q.deferred_job_registry,
            q.canceled_job_registry,
        ):
            pipe.zrem(registry.key, job_id)
        for member, _score in stale:
            pipe.zrem(started, member)
        pipe.delete(LoaJob.key_for(job_id), Result.get_key(job_id))
        pipe.execute()


def _enqueue(
    q: Queue,
    func: str,
    args: tuple[int | str, ...],
    job_id: str,
    at: dt.datetime | None,
    result_ttl: int = RESULT_TTL,
    failure_ttl: int = FAILURE_TTL,
) -> bool:
    options = {
        "args": args,
        "job_id": job_id,
        "unique": True,
        "result_ttl": result_ttl,
        "failure_ttl": failure_ttl,
    }
    for _ in range(2):
        try:
            if at is not None and at > dt.datetime.now(dt.UTC):
                q.enqueue_at(at, func, **options)
            else:
                q.enqueue(func, **options)
        except DuplicateJobError:
            dead = _dead(q, job_id)
            if dead is None:
                return False  # it is waiting or running: that run does the work
            why, worker = dead
            # A finished run is usually a sweep that read the row just before that run
            # moved it on; a job left started by a dead worker, or failed, is news.
            log.log(
                logging.INFO if why == JobStatus.FINISHED.value else logging.WARNING,
                "job %s was %s (worker %s) and will never run; replacing it",
                job_id,
                why,
                worker,
            )
            # Two sweepers may both replace it: the row's compare-and-set lets one run act.
            _discard(q, job_id)
            continue
        return True
    # Still taken: another sweep replaced it meanwhile, or a live worker's heartbeat wrote a
    # flushed hash back; the next sweep looks again.
    log.warning("job %s could not be replaced yet; the next sweep looks again", job_id)
    return False


#: Jobs put on the queue per Redis round trip when many are due at once (an item approved for
#: thousands of targets): one pipeline reads which job ids are taken, one writes the rest.
BATCH = 500


def _enqueue_batch(q: Queue, pairs: list[tuple[int, int]]) -> tuple[int, list[tuple[int, int]]]:
    """Enqueue the pairs whose job id is free in two round trips; return how many, and the rest.

    The rest (a job id already in Redis) go through :func:`_enqueue` one by one, which tells a
    waiting job (leave it) from a dead one (replace it). A sweep may take a free id between the
    two round trips; the job then runs twice and the delivery row's compare-and-set lets one act.
    """
    ids = [delivery_job_id(d, a) for d, a in pairs]
    with q.connection.pipeline(transaction=False) as pipe:
        for job_id in ids:
            pipe.exists(LoaJob.key_for(job_id))
        taken = pipe.execute()
    free = [(pair, job_id) for pair, job_id, t in zip(pairs, ids, taken, strict=True) if not t]
    if free:
        datas = [
            Queue.prepare_data(
                "core.delivery.jobs.run_delivery",
                args=pair,
                job_id=job_id,
                result_ttl=RESULT_TTL,
                failure_ttl=FAILURE_TTL,
            )
            for pair, job_id in free
        ]
        with q.connection.pipeline(transaction=False) as pipe:  # a sweep mends a partial batch
            q.enqueue_many(datas, pipeline=pipe)
            pipe.execute()
    return len(free), [pair for pair, t in zip(pairs, taken, strict=True) if t]


def enqueue_attempts(
    ctx: Context,
    attempts: Iterable[tuple[int, int]],
    at: dt.datetime | None = None,
    held: list[int] | None = None,
) -> int:
    """Enqueue ``(delivery_id, attempt)`` pairs; Redis being down is survivable (the sweeper).

    Due now, they go in batches of :data:`BATCH` per pipeline; scheduled ones one by one.
    ``held`` collects the deliveries whose job id a waiting or running job already holds.
    """
    q = rq_queue(ctx)
    done = 0
    pairs = list(attempts)
    one_by_one = pairs
    try:
        if at is None or at <= dt.datetime.now(dt.UTC):
            one_by_one = []
            for start in range(0, len(pairs), BATCH):
                added, taken = _enqueue_batch(q, pairs[start : start + BATCH])
                done += added
                one_by_one += taken
        for delivery_id, attempt in one_by_one:
            job_id = delivery_job_id(delivery_id, attempt)
            if _enqueue(q, "core.delivery.jobs.run_delivery", (delivery_id, attempt), job_id, at):
                done += 1
            elif held is not None:
                held.append(delivery_id)
    except RedisError as exc:
        log.warning("could not enqueue deliveries (%s); the sweeper will retry", type(exc).__name__)
    return done


def hurry_attempt(ctx: Context, delivery_id: int, attempt: int) -> bool:
    """Have ``attempt`` of the delivery run now: its job scheduled for later is moved to the
    queue, as rq's scheduler would at its time; with no job, one is enqueued. A job already
    queued or running is left alone (its id is the attempt's: never a second one). False when
    Redis could not be reached (the sweeper enqueues the attempt once it is due)."""
    q = rq_queue(ctx)
    job_id = delivery_job_id(delivery_id, attempt)
    try:
        registry = q.scheduled_job_registry
        if q.connection.zrem(registry.key, job_id) == 1:  # ours to move, not the scheduler's
            with contextlib.suppress(NoSuchJobError):  # a partial hash: enqueued afresh below
                job = LoaJob.fetch(job_id, connection=q.connection, serializer=JSONSerializer)
                q._enqueue_job(job)  # what rq's scheduler does at the job's time
                return True
        _enqueue(q, "core.delivery.jobs.run_delivery", (delivery_id, attempt), job_id, None)
    except RedisError as exc:
        log.warning("could not hurry delivery %s (%s)", delivery_id, type(exc).__name__)
        return False
    return True


def enqueue_deliveries(ctx: Context, ids: Iterable[int], at: dt.datetime | None = None) -> int:
    """Enqueue the first attempt of freshly written deliveries."""
    return enqueue_attempts(ctx, ((i, 1) for i in ids), at)


#: Above this many deliveries released at once, the approving request puts one fan-out job on
#: the queue instead of one job per delivery (:func:`enqueue_release`).
FANOUT_AT = BATCH


def fanout_job_id(article_id: int, last_delivery_id: int) -> str:
    """One fan-out per release of an item: its newest delivery names the release."""
    return f"loa-fanout-{article_id}-{last_delivery_id}"


def enqueue_release(
    ctx: Context, article_id: int, ids: Iterable[int], at: dt.datetime | None = None
) -> int:
    """Put an item's freshly released deliveries on the queue, or hand them to a fan-out job.

    An item approved for thousands of targets would keep its approver waiting while tens of
    thousands of Redis commands are packed; above :data:`FANOUT_AT` deliveries one job
    (``run_fanout``, at ``at`` when scheduled) enqueues them from a worker instead. The rows are
    committed first, so a lost fan-out job costs nothing: the sweeper finds them due. Returns
    the jobs put on the queue (the fan-out job counts one).
    """
    ids = list(ids)
    if len(ids) <= FANOUT_AT:
        return enqueue_deliveries(ctx, ids, at)
    job_id = fanout_job_id(article_id, max(ids))
    try:
        return int(
            _enqueue(rq_queue(ctx), "core.delivery.jobs.run_fanout", (article_id,), job_id, at)
        )
    except RedisError as exc:
        log.warning("could not enqueue %s (%s); the sweeper will", job_id, type(exc).__name__)
        return 0


def fanouts_waiting(ctx: Context, newest: Mapping[int, int]) -> set[int]:
    """Of the items ``newest`` names (item id: its newest delivery's id), those whose fan-out job
    is still to run, or running: the deliveries it is about to enqueue are its to enqueue.

    A release's fan-out job is named by its newest delivery (:func:`fanout_job_id`); an item
    released again since, or whose job is lost or dead, is not among them. Redis being down
    counts as none waiting (the sweep then enqueues, as it would anyway).
    """
    q = rq_queue(ctx)
    named = {article_id: fanout_job_id(article_id, last) for article_id, last in newest.items()}
    try:
        with q.connection.pipeline(transaction=False) as pipe:
            for job_id in named.values():
                pipe.exists(LoaJob.key_for(job_id))
            held = pipe.execute()
        return {
            article_id
            for (article_id, job_id), there in zip(named.items(), held, strict=True)
            if there and _dead(q, job_id) is None
        }
    except RedisError as exc:
        log.warning("could not look for fan-out jobs (%s)", type(exc).__name__)
        return set()


def _schedule(ctx: Context, what: str, entry: str, article_id: int, at: dt.datetime) -> None:
    """One job for the item at ``at``; Redis being down is logged (the sweeper covers it)."""
    job_id = f"loa-{what}-{article_id}-{int(at.timestamp())}"
    try:
        _enqueue(rq_queue(ctx), f"core.delivery.jobs.{entry}", (article_id,), job_id, at)
    except RedisError as exc:
        log.warning("could not schedule %s (%s); the sweeper will", job_id, type(exc).__name__)


def schedule_expiry(ctx: Context, article_id: int, at: dt.datetime) -> None:
    """Take the item down at ``at``; the sweeper covers it if Redis loses this job."""
    _schedule(ctx, "expire", "run_expiry", article_id, at)


def schedule_publish(ctx: Context, article_id: int, at: dt.datetime) -> None:
    """Publish a scheduled item at ``at``; the sweeper covers it after downtime."""
    _schedule(ctx, "publish", "run_publish", article_id, at)


def interactions_job_id(target_id: int) -> str:
    return f"loa-interactions-{target_id}"


def enqueue_interactions(ctx: Context, target_ids: Iterable[int]) -> int:
    """Read (and push hides to) each target's comments once more.

    One id per target: while a run is queued or running, another is refused (that run does
    the work). No result is kept and a failure is kept briefly, so the id is free again at
    once; the sweeper enqueues every target periodically anyway.
    """
    q = rq_queue(ctx)
    done = 0
    try:
        for target_id in target_ids:
            done += _enqueue(
                q,
                "core.delivery.jobs.run_interactions",
                (target_id,),
                interactions_job_id(target_id),
                None,
                result_ttl=0,
                failure_ttl=60,
            )
    except RedisError as exc:
        log.warning("could not enqueue comment reads (%s); the sweeper will", type(exc).__name__)
    return done


def enqueue_reply(ctx: Context, reply_id: int, attempt: int, at: dt.datetime | None = None) -> bool:
    """Send a citizen reply's attempt (``core.interactions.replies.send``); one job id each."""
    try:
        return _enqueue(
            rq_queue(ctx),
            "core.delivery.jobs.run_reply",
            (reply_id, attempt),
            f"reply-{reply_id}-{attempt}",
            at,
        )
    except RedisError as exc:
        log.warning("could not enqueue a reply (%s)", type(exc).__name__)
        return False


def enqueue_notice(ctx: Context, event: str, subject_id: int) -> bool:
    """Mail the people an event concerns (``core.notices.mail.send``); one job per event and
    subject, whose letters are each claimed before they go."""
    try:
        return _enqueue(
            rq_queue(ctx),
            "core.delivery.jobs.run_notice",
            (event, subject_id),
            f"notice-{event.replace('.', '_')}-{subject_id}",
            None,
            result_ttl=0,
            failure_ttl=FAILURE_TTL,
        )
    except RedisError as exc:
        log.warning("could not enqueue a notice (%s)", type(exc).__name__)
        return False
