"""Security issue 8, attack 5: code execution through Redis.

Anyone who can write to Redis can put a job on the delivery queue, and rq
imports and calls whatever function a job names. Workers must run only Loa's
own job functions: anything else is refused, logged and not run.
"""

from __future__ import annotations

import logging

from rq import Queue
from rq.job import JobStatus
from rq.serializers import JSONSerializer

from core.delivery import jobs
from core.delivery import queue as delivery_queue
from core.delivery import worker as workers
from tests.support.worker_process import real_redis, run_worker_burst


def _plant(ctx, func: str, *args: str, job_id: str = "planted", **options) -> None:
    """What an attacker with Redis access does: a plain rq enqueue on Loa's queue."""
    Queue(ctx.settings.queue_name, connection=ctx.redis, serializer=JSONSerializer).enqueue(
        func, *args, job_id=job_id, **options
    )


def test_worker_refuses_a_job_naming_os_system(ctx, tmp_path, caplog) -> None:
    trace = tmp_path / "pwned"
    _plant(ctx, "os.system", f"touch {trace}")
    caplog.set_level(logging.ERROR, logger="loa.delivery")
    worker = workers._simple_worker(ctx, in_thread=True)  # as `loa worker` builds it
    worker.work(burst=True, logging_level="WARNING")
    assert not trace.exists(), "the planted job ran"
    job = delivery_queue.rq_queue(ctx).fetch_job("planted")
    assert job is not None and job.get_status() == JobStatus.FAILED
    assert "RefusedJob" in (job.latest_result().exc_string or "")
    assert "refused job planted: 'os.system' is not one of Loa's job functions" in caplog.text


def test_worker_refuses_a_planted_callback(ctx, tmp_path, caplog) -> None:
    """A Loa function whose job names callbacks: rq would import and call them; not run."""
    from rq import Callback

    trace = tmp_path / "callback"
    _plant(
        ctx,
        "core.delivery.jobs.run_publish",
        "0",
        job_id="with-callback",
        meta={"trace": str(trace)},
        on_success=Callback("tests.security.test_jobs.leave_trace"),
        on_failure=Callback("tests.security.test_jobs.leave_trace"),
    )
    caplog.set_level(logging.ERROR, logger="loa.delivery")
    jobs.set_worker_context(ctx)
    try:
        workers._simple_worker(ctx, in_thread=True).work(burst=True, logging_level="WARNING")
    finally:
        jobs.set_worker_context(None)
    assert not trace.exists(), "the planted callback ran"
    assert "callback 'tests.security.test_jobs.leave_trace' of job with-callback" in caplog.text


def leave_trace(job, *args: object) -> None:
    """Stands for any importable callable an attacker might name as a callback."""
    open(job.meta["trace"], "w").close()


def test_loa_worker_process_refuses_os_system(ctx, tmp_path) -> None:
    """The same against `loa worker --burst`, its own process, on a real Redis."""
    redis_url = real_redis(ctx)
    import redis

    conn = redis.Redis.from_url(redis_url)
    trace = tmp_path / "pwned"
    Queue(ctx.settings.queue_name, connection=conn, serializer=JSONSerializer).enqueue(
        "os.system", f"touch {trace}", job_id="planted-process"
    )
    done = run_worker_burst(ctx, redis_url)
    try:
        assert done.returncode == 0, done.stderr[-2000:]
        assert not trace.exists(), "the planted job ran in `loa worker`"
        assert "refused job planted-process: 'os.system'" in done.stderr + done.stdout
    finally:
        planted = Queue(ctx.settings.queue_name, connection=conn).fetch_job("planted-process")
        if planted is not None:
            planted.delete()
        conn.close()
