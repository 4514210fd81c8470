"""A ``loa worker`` started as its own process delivers against the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.delivery.models import Delivery, DeliveryState
from tests.support.pipeline import new_article, sandbox_get


def test_separate_worker_process_delivers(ctx, portal_target, sandbox) -> None:
    # On the embedded run the test's own queue is fakeredis: the worker process finds the
    # delivery through its start-up sweep instead, on the real Redis CI names for processes.
    redis_url = ctx.settings.redis_url or os.environ.get("LOA_TEST_REDIS_FOR_PROCESSES")
    if not redis_url:
        if os.environ.get("CI"):
            raise AssertionError("CI must name a real Redis for this test")
        pytest.skip("a separate worker needs a real Redis: set LOA_TEST_REDIS_URL")
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    env = {
        **os.environ,
        "LOA_DATABASE_URL": ctx.settings.database_url,
        "LOA_REDIS_URL": redis_url,
        "LOA_SECRET_KEYS": ctx.settings.secret_keys[0].reveal(),
        "LOA_VAR_DIR": str(ctx.settings.var_dir),
        "LOA_BASE_URL": ctx.settings.base_url,
        "LOA_HTTP_TIMEOUT": "5",
        "LOA_OUTBOUND_ALLOW_NETWORKS": "127.0.0.0/8",
    }
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with ctx.sessions() as session:
        [d] = session.scalars(select(Delivery)).all()
    assert d.state == DeliveryState.DELIVERED
    assert len(sandbox_get(sandbox, "/sites/14932/articles")["articles"]) == 1
