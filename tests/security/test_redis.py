"""Part of attack 5 of security issue 8: Redis with an ACL user, a password and TLS.

Production Redis runs with an ACL user limited to Loa's keys (the README shows the
``ACL SETUSER`` line; :data:`ACL_RULES` is that line, checked against the README) and
often behind TLS (``rediss://``). The app and the workers must work on such a URL,
and its password must never show in a repr, an error message or a log line.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
from click.testing import CliRunner
from rq.connections import parse_connection
from sqlalchemy import select
from starlette.testclient import TestClient

from core.actions import content as actions
from core.actions import targets, workflow
from core.app import create_app
from core.auth import actions as auth_actions
from core.auth.permissions import SYSTEM
from core.cli import main
from core.context import Context, build_context, make_redis
from core.delivery.models import Delivery
from core.delivery.worker import run_worker
from plugins.portal.sandbox import create_sandbox
from tests.conftest import TEST_REDIS_URL as _TEST_REDIS_URL
from tests.support.pipeline import COMMUNE, SECRET, sandbox_get, wait_for
from tests.support.tls_proxy import TlsProxy

#: What the README's ``ACL SETUSER loa ...`` grants: Loa's and rq's keys and channels, and
#: every command but the dangerous ones (INFO excepted: rq reads the server version).
ACL_RULES = "on >{password} resetkeys ~loa:* ~rq:* resetchannels &rq:* +@all -@dangerous +info"


#: A real Redis: the one the run names, or (on CI's embedded run) the one named for processes.
TEST_REDIS_URL = _TEST_REDIS_URL or os.environ.get("LOA_TEST_REDIS_FOR_PROCESSES")


def test_the_readme_shows_this_acl() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"ACL SETUSER loa {ACL_RULES.format(password='<long random password>')}" in readme


@pytest.fixture
def acl_user() -> Iterator[tuple[str, str]]:
    """A Redis ACL user with :data:`ACL_RULES` on the test server, removed afterwards."""
    if not TEST_REDIS_URL:
        if os.environ.get("CI"):
            raise AssertionError("CI must name a real Redis for the ACL tests")
        pytest.skip("needs LOA_TEST_REDIS_URL: fakeredis enforces no ACL")
    admin = redis.Redis.from_url(TEST_REDIS_URL)
    name, password = f"loa-test-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    admin.execute_command("ACL", "SETUSER", name, *ACL_RULES.format(password=password).split())
    yield name, password
    admin.execute_command("ACL", "DELUSER", name)
    admin.close()


@pytest.fixture
def tls_proxy(tmp_path: Path) -> Iterator[TlsProxy]:
    assert TEST_REDIS_URL
    parts = urlsplit(TEST_REDIS_URL)
    proxy = TlsProxy((parts.hostname or "127.0.0.1", parts.port or 6379), tmp_path)
    yield proxy
    proxy.close()


def acl_url(scheme: str, user: tuple[str, str], proxy: TlsProxy | None) -> str:
    assert TEST_REDIS_URL
    parts = urlsplit(TEST_REDIS_URL)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    db = parts.path.lstrip("/") or "0"
    if scheme == "rediss":
        assert proxy is not None
        return (
            f"rediss://{user[0]}:{user[1]}@localhost:{proxy.port}/{db}"
            f"?ssl_cert_reqs=required&ssl_ca_certs={proxy.ca_file}"
        )
    return f"redis://{user[0]}:{user[1]}@{host}:{port}/{db}"


def whoami(conn: Any) -> str:
    return str(conn.execute_command("ACL", "WHOAMI"), "utf-8")


@pytest.mark.parametrize("scheme", ["redis", "rediss"])
def test_an_acl_user_url_runs_the_app_and_the_worker(
    scheme: str,
    ctx: Context,
    tree: Any,
    acl_user: tuple[str, str],
    request: pytest.FixtureRequest,
    serve: Callable[..., Any],
) -> None:
    proxy = request.getfixturevalue("tls_proxy") if scheme == "rediss" else None
    settings = dataclasses.replace(ctx.settings, redis_url=acl_url(scheme, acl_user, proxy))
    app_ctx = build_context(settings, engine=ctx.engine)
    assert whoami(app_ctx.redis) == acl_user[0]
    # `loa worker -c N` hands rq's WorkerPool the connection, rebuilt in each process thus:
    kind, connection_class, kwargs = parse_connection(make_redis(settings))
    pool = redis.ConnectionPool(connection_class=connection_class, **kwargs)
    rebuilt = kind(connection_pool=pool)
    assert whoami(rebuilt) == acl_user[0]
    rebuilt.close()
    # The web app's Redis work: sessions, throttles, the content generation.
    store = auth_actions.sessions(app_ctx)
    session = store.new()
    store.save(session)
    assert store.load(session.id) is not None
    auth_actions.throttle(app_ctx)
    app_ctx.emit("test.event", {})
    with pytest.raises(redis.exceptions.NoPermissionError):
        app_ctx.redis.set("not-loa", "1")  # the ACL holds
    # A delivery enqueued through it, and delivered by `loa worker`'s code on the same URL.
    sandbox = serve(create_sandbox(SECRET))
    target = targets.create_target(
        app_ctx,
        SYSTEM,
        {
            "name": "Cổng thông tin xã Cẩm Thủy",
            "plugin": "portal",
            "unit_code": COMMUNE,
            "settings": {"webhook_url": f"{sandbox.url}/sites/{COMMUNE}/webhook"},
            "secrets": {"webhook_secret": SECRET},
        },
    )
    targets.update_target(app_ctx, SYSTEM, target.id, {"gates": []})
    item = actions.create(
        app_ctx,
        SYSTEM,
        {
            "title": "Thông báo",
            "summary": "Lịch tiêm chủng.",
            "body_html": "<p>Mang theo CCCD.</p>",
            "cover_url": "https://example.org/anh.jpg",
            "cover_caption": "Trạm y tế xã",
            "unit_code": COMMUNE,
            "target_ids": [target.id],
        },
    )
    workflow.approve(app_ctx, SYSTEM, item.id)
    run_worker(settings, concurrency=1, burst=True)
    wait_for(lambda: sandbox_get(sandbox, f"/sites/{COMMUNE}/articles")["articles"])
    with ctx.sessions() as db:
        [delivery] = db.scalars(
            select(Delivery).where(Delivery.article_id == item.id).order_by(Delivery.id)
        )
    assert delivery.state == "delivered"
    app_ctx.redis.close()


def test_the_redis_password_never_shows(
    ctx: Context, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    password = "s3cr3t-" + secrets.token_hex(8)
    with __import__("socket").socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"redis://loa:{password}@127.0.0.1:{port}/0"
    settings = dataclasses.replace(ctx.settings, redis_url=url)
    caplog.set_level(logging.DEBUG)
    seen: list[str] = [repr(settings), str(settings)]
    app_ctx = build_context(settings, engine=ctx.engine)
    seen.append(repr(app_ctx))
    with pytest.raises(redis.exceptions.ConnectionError) as refused:
        app_ctx.redis.ping()
    seen.append("".join(traceback.format_exception(refused.value)))
    with TestClient(create_app(settings, ctx=app_ctx, embedded_worker=False)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503
    seen.append(ready.text)
    env = {
        "LOA_DATABASE_URL": ctx.settings.database_url,
        "LOA_SECRET_KEYS": ctx.settings.secret_keys[0].reveal(),
        "LOA_VAR_DIR": str(tmp_path),
        "LOA_REDIS_URL": url,
    }
    worker = CliRunner().invoke(main, ["worker", "--burst"], env=env)
    assert worker.exit_code != 0
    seen.append(worker.output)
    if worker.exception is not None:
        seen.append("".join(traceback.format_exception(worker.exception)))
    if TEST_REDIS_URL:  # a real server refusing the password says so without repeating it
        parts = urlsplit(TEST_REDIS_URL)
        wrong = dataclasses.replace(
            settings, redis_url=f"redis://nobody:{password}@{parts.hostname}:{parts.port or 6379}"
        )
        with pytest.raises(redis.exceptions.RedisError) as denied:
            make_redis(wrong).ping()
        seen.append("".join(traceback.format_exception(denied.value)))
    seen.append(caplog.text)
    for text in seen:
        assert password not in text, text
    assert "loa:***@127.0.0.1" in repr(settings)
