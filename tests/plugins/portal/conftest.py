"""Fixtures of the portal plugin's tests: a live sandbox, targets pointing at it, items."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from core import Item, Target
from core.outbound import LOOPBACK
from plugins.portal.sandbox import create_sandbox
from tests.support.items import sample_item

SECRET = "whsec_" + base64.b64encode(b"portal-test-secret-32-bytes-long").decode()


@pytest.fixture
def secret() -> str:
    return SECRET


@pytest.fixture
def sandbox(serve: Callable[[Any], Any]) -> Any:
    """The sandbox receiver on a real loopback port; ``.url`` is its base URL."""
    return serve(create_sandbox(SECRET))


@pytest.fixture
def make_target(sandbox: Any) -> Callable[..., Target]:
    def make(site: str = "xa-tan-lap", secret: str = SECRET, timeout: float = 5.0) -> Target:
        return Target(
            id=1,
            name=f"portal {site}",
            settings={"webhook_url": f"{sandbox.url}/sites/{site}/webhook"},
            secrets={"webhook_secret": secret},
            timeout=timeout,
            allow_networks=LOOPBACK,  # the sandbox listens on loopback
        )

    return make


@pytest.fixture
def make_item() -> Callable[..., Item]:
    return sample_item
