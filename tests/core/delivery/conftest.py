"""A portal sandbox on a real port, a portal target pointing at it, and a worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.actions import targets
from core.auth.permissions import SYSTEM
from core.delivery.worker import EmbeddedWorker
from plugins.portal.sandbox import create_sandbox
from tests.support.pipeline import COMMUNE, SECRET


@pytest.fixture
def sandbox(serve: Callable[[Any], Any]) -> Any:
    return serve(create_sandbox(SECRET))


@pytest.fixture
def portal_target(ctx: Any, tree: Any, sandbox: Any) -> Any:
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Cổng thông tin xã Cẩm Thủy",
            "plugin": "portal",
            "unit_code": COMMUNE,
            "settings": {"webhook_url": f"{sandbox.url}/sites/{COMMUNE}/webhook"},
            "secrets": {"webhook_secret": SECRET},
        },
    )


@pytest.fixture
def worker(ctx: Any) -> Iterator[EmbeddedWorker]:
    w = EmbeddedWorker(ctx, threads=2, poll=0.05)
    w.start()
    yield w
    w.stop()
