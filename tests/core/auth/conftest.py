"""Accounts made through the real actions, a controllable TOTP clock, and the web app."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyotp
import pytest
from starlette.testclient import TestClient

from core.app import create_app
from core.auth import actions, totp
from core.auth.accounts import create_user
from core.context import Context

PASSWORD = "Cẩm-Thủy-2026-an-toàn"


class Clock:
    """TOTP's notion of now; tests step it forward instead of sleeping."""

    def __init__(self) -> None:
        import time

        self.now = float(int(time.time()) // 30 * 30 + 1)

    def time(self) -> float:
        return self.now

    def step(self, n: int = 1) -> None:
        self.now += 30 * n


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(totp, "time", c)
    return c


@dataclass
class Account:
    username: str
    password: str
    secret: str
    user_id: int
    recovery: list[str] = field(default_factory=list)

    def code(self, clock: Clock) -> str:
        return pyotp.TOTP(self.secret).at(clock.now)


MakeAccount = Callable[..., Account]


@pytest.fixture
def make_account(ctx: Context, tree: dict[str, Any], clock: Clock) -> MakeAccount:
    """``make_account(username, role="editor", unit="14932")``: enrolled through the actions."""

    def make(username: str, role: str = "editor", unit: str = "14932") -> Account:
        token = secrets.token_urlsafe(32)
        user = create_user(ctx, username=username, unit_code=unit, role=role, enrol_token=token)
        actions.redeem_enrolment(ctx, token, PASSWORD, "127.0.0.1")
        secret = totp.new_secret()
        codes = actions.confirm_totp(
            ctx, user.id, secret, pyotp.TOTP(secret).at(clock.now), "127.0.0.1"
        )
        clock.step()  # the enrolment code's step is used
        return Account(username, PASSWORD, secret, user.id, codes)

    return make


@contextmanager
def admin_client(ctx: Context) -> Iterator[TestClient]:
    """A browser on the app: its own cookies, redirects not followed, errors as answers."""
    app = create_app(ctx.settings, ctx=ctx, embedded_worker=False)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


@pytest.fixture
def web(ctx: Context) -> Iterator[TestClient]:
    with admin_client(ctx) as client:
        yield client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def sign_in(web: TestClient, account: Account, clock: Clock) -> None:
    """Password then code through the admin pages; the client ends with a full session."""
    page = web.get("/admin/login")
    r = web.post(
        "/admin/login",
        data={
            "username": account.username,
            "password": account.password,
            "csrf_token": csrf_of(page.text),
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/login/code", r.text
    page = web.get("/admin/login/code")
    r = web.post(
        "/admin/login/code", data={"code": account.code(clock), "csrf_token": csrf_of(page.text)}
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/", r.text
    clock.step()


def audit_rows(ctx: Context, action: str) -> list[Any]:
    from sqlalchemy import select

    from core.audit import AuditEntry

    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )
