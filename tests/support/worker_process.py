"""A ``loa worker`` (or ``loa serve``) as its own process, on a real Redis.

A separate process cannot see the test's fakeredis, so on CI's embedded run these tests use the
Redis CI names for processes (``LOA_TEST_REDIS_FOR_PROCESSES``). Without any real Redis they
fail under CI and skip elsewhere: CI never skips them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import redis

#: The command line of ``loa`` in a child process.
LOA = [sys.executable, "-m", "core.cli"]


def real_redis(ctx: Any = None) -> str:
    """The real Redis a child process uses: the run's own, else the one named for processes.

    The one named for processes is emptied first: rq's job ids are made of delivery ids, which
    start again at 1 in every test, so a job an earlier test (or an earlier run) left there
    would be taken for this test's and never run. (The run's own is emptied by ``redis_conn``.)
    """
    own = (ctx.settings.redis_url if ctx is not None else None) or os.environ.get(
        "LOA_TEST_REDIS_URL"
    )
    if own:
        return str(own)
    url = os.environ.get("LOA_TEST_REDIS_FOR_PROCESSES")
    if not url:
        if os.environ.get("CI"):
            raise AssertionError("CI must name a real Redis for a test of a separate process")
        pytest.skip("a separate process needs a real Redis: set LOA_TEST_REDIS_URL")
    conn = redis.Redis.from_url(url)
    conn.flushdb()
    conn.close()
    return url


def worker_env(ctx: Any, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a ``loa worker`` that shares the test's database, keys and sandboxes."""
    return {
        **os.environ,
        "LOA_DATABASE_URL": ctx.settings.database_url,
        "LOA_REDIS_URL": redis_url,
        "LOA_SECRET_KEYS": ctx.settings.secret_keys[0].reveal(),
        "LOA_VAR_DIR": str(ctx.settings.var_dir),
        "LOA_BASE_URL": ctx.settings.base_url,
        "LOA_HTTP_TIMEOUT": "5",
        "LOA_OUTBOUND_ALLOW_NETWORKS": "127.0.0.0/8",
        **extra,
    }


def start_worker(ctx: Any, redis_url: str, *args: str) -> subprocess.Popen[bytes]:
    """``loa worker ARGS`` in its own session (so a test can kill its whole process group)."""
    return subprocess.Popen(
        [*LOA, "worker", *args],
        env=worker_env(ctx, redis_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def run_worker_burst(ctx: Any, redis_url: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``loa worker --burst``: works off the queue (and the start-up sweep), then exits."""
    return subprocess.run(
        [*LOA, "worker", "--burst"],
        env=worker_env(ctx, redis_url, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
