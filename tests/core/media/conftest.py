"""Fixtures of the media library's tests: a context with a media store, and the whole app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.context import Context
from tests.support.media import install_stand_ins


@pytest.fixture
def library(ctx: Context, tree: dict[str, Any]) -> Any:
    """``ctx`` with a media store (``ctx.extras``) and the test tree; returns the store."""
    install_stand_ins()
    from core.media.storage import make_store

    from core.media.current_store import EXTRA

    store = make_store(ctx.settings)
    ctx.extras[EXTRA] = store
    return store


@pytest.fixture
def web(ctx: Context, library: Any) -> Iterator[Any]:
    """The whole app (edge included) on ``ctx``, with the media store of ``library``."""
    from starlette.testclient import TestClient

    from core.app import create_app

    app = create_app(ctx.settings, ctx=ctx, embedded_worker=False)
    with TestClient(
        app, base_url="http://loa.test", raise_server_exceptions=False, follow_redirects=False
    ) as client:
        yield client
