"""Many deliveries due at once go on the queue in batches, each exactly once (issue 19).

An item approved for thousands of targets used to put its jobs on the queue one Redis round trip
(or five) at a time. Now free job ids go in pipelined batches; a job id Redis already holds still
goes through the one-by-one path that leaves a waiting job alone and replaces a dead one.
"""

from __future__ import annotations

import datetime as dt

from rq.job import JobStatus

from core.delivery import queue as delivery_queue
from core.workflow.models import ApprovalStep, StepState
from core.workflow.steps import is_open, open_steps


def test_batches_enqueue_every_free_id_once_and_leave_held_ones(ctx, monkeypatch) -> None:
    monkeypatch.setattr(delivery_queue, "BATCH", 4)  # several batches, one partly taken
    q = delivery_queue.rq_queue(ctx)
    waiting = delivery_queue.delivery_job_id(3, 1)
    assert delivery_queue.enqueue_attempts(ctx, [(3, 1)]) == 1  # already queued
    dead = delivery_queue.delivery_job_id(6, 2)
    assert delivery_queue.enqueue_attempts(ctx, [(6, 2)]) == 1
    q.remove(dead)
    q.fetch_job(dead).set_status(JobStatus.FAILED)  # a failed run: it will never run again

    one_by_one: list[str] = []
    single = delivery_queue._enqueue
    monkeypatch.setattr(
        delivery_queue,
        "_enqueue",
        lambda q, func, args, job_id, at, *a: (
            one_by_one.append(job_id) or single(q, func, args, job_id, at, *a)
        ),
    )
    held: list[int] = []
    pairs = [(i, 1) for i in range(1, 11) if i != 6] + [(6, 2)]
    assert delivery_queue.enqueue_attempts(ctx, pairs, held=held) == 9  # all but the waiting one
    assert held == [3]
    assert sorted(one_by_one) == sorted([waiting, dead])  # the free ids went in batches
    ids = q.job_ids
    assert sorted(ids) == sorted(delivery_queue.delivery_job_id(d, a) for d, a in pairs)
    assert len(ids) == len(set(ids)) == 10
    job = q.fetch_job(delivery_queue.delivery_job_id(9, 1))
    assert isinstance(job, delivery_queue.LoaJob)
    assert (job.func_name, job.args) == ("core.delivery.jobs.run_delivery", [9, 1])
    assert job.get_status() == JobStatus.QUEUED
    assert q.fetch_job(dead).get_status() == JobStatus.QUEUED  # replaced, runs again
    assert q.fetch_job(waiting).args == [3, 1]


def test_a_second_call_adds_nothing(ctx) -> None:
    pairs = [(i, 1) for i in range(1, 8)]
    assert delivery_queue.enqueue_attempts(ctx, pairs) == 7
    held: list[int] = []
    assert delivery_queue.enqueue_attempts(ctx, pairs, held=held) == 0
    assert held == [d for d, _ in pairs]
    assert len(delivery_queue.rq_queue(ctx).job_ids) == 7


def test_scheduled_attempts_still_wait_for_their_time(ctx) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert delivery_queue.enqueue_attempts(ctx, [(1, 1), (2, 1)], at=later) == 2
    q = delivery_queue.rq_queue(ctx)
    assert q.job_ids == []
    assert sorted(q.scheduled_job_registry.get_job_ids()) == [
        delivery_queue.delivery_job_id(1, 1),
        delivery_queue.delivery_job_id(2, 1),
    ]


def _step(key: str, state: str = StepState.PENDING, after: tuple[str, ...] = (), source: str = "s"):
    return ApprovalStep(source=source, key=key, state=state, after=list(after))


def test_open_steps_reads_a_chain_as_is_open_does() -> None:
    """Province police, then the Ministry; another source's approval opens nothing here."""
    province = _step("province")
    ministry = _step("ministry", after=("province",))
    elsewhere = _step("province", StepState.APPROVED, source="other")
    board = _step("board", source="portal:1")
    steps = [province, ministry, elsewhere, board]
    assert open_steps(steps) == [province, board]
    assert [s for s in steps if is_open(s, steps)] == [province, board]
    province.state = StepState.APPROVED
    assert open_steps(steps) == [ministry, board]
    assert [s for s in steps if is_open(s, steps)] == [ministry, board]
