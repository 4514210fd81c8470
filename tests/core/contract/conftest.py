"""The channel contract's tests: a test-channel target, a signed-in admin's browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from core.actions import targets
from core.app import create_app
from core.auth import actions as auth_actions
from core.auth.models import User
from core.auth.permissions import SYSTEM
from core.auth.sessions import FULL
from core.auth.web import cookie_name
from core.context import Context
from tests.conftest import TEST_ADMIN, TEST_TOTP_SECRET


@pytest.fixture
def target(ctx: Context, tree: dict[str, Any]) -> Any:
    """A test-channel target of the commune 14932 with webhook secrets."""
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Kênh thử (xã Cẩm Thủy)",
            "plugin": "testchannel",
            "unit_code": "14932",
            "settings": {"app_id": "app-1"},
            "secrets": {"app_secret": "s3cr3t-app", "verify_token": "verify-me"},
        },
    )


@pytest.fixture
def app(ctx: Context) -> Any:
    return create_app(ctx.settings, ctx=ctx, embedded_worker=False)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://loa.test") as client:
        yield client


class Browser:
    """A browser signed in (both factors) as TEST_ADMIN."""

    def __init__(self, ctx: Context, client: TestClient) -> None:
        with ctx.sessions() as session:
            self.user_id = session.scalar(select(User.id).where(User.username == TEST_ADMIN))
        store = auth_actions.sessions(ctx)
        self.session = store.new()
        self.session.stage, self.session.user_id = FULL, self.user_id
        store.save(self.session)
        client.cookies.set(cookie_name(ctx.settings), self.session.id)
        self.client = client

    def code(self) -> str:
        return pyotp.TOTP(TEST_TOTP_SECRET).now()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(path, json=body, headers={"x-csrf-token": self.session.csrf})


@pytest.fixture
def browser(ctx: Context, client: TestClient, tree: dict[str, Any]) -> Browser:
    return Browser(ctx, client)
