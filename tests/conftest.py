"""Fixtures shared by every test: a live HTTP server for ASGI apps.

Channel sandboxes run as real HTTP servers on loopback so that clients,
timeouts and worker processes meet them exactly as they would a real API.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, app: Any, log_level: str = "warning") -> None:
        from core.cli import uvicorn_config  # what `loa serve` and `loa demo` run

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn_config(
            app, host="127.0.0.1", port=self.port, log_level=log_level, lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("live server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def serve() -> Iterator[Callable[..., LiveServer]]:
    """``serve(app, log_level="warning")`` runs an ASGI app on a free loopback port until the
    test ends, with the uvicorn config of ``loa serve``."""
    servers: list[LiveServer] = []

    def start(app: Any, log_level: str = "warning") -> LiveServer:
        server = LiveServer(app, log_level)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# --- the system under test: database, Redis and a Context ------------------------------------
#
# LOA_TEST_DATABASE_URL and LOA_TEST_REDIS_URL name real services (CI sets both); unset, the
# tests use the embedded defaults (a SQLite file, fakeredis). A named service that is down
# fails the run: nothing here skips.

import os  # noqa: E402

from alembic import command  # noqa: E402
from sqlalchemy import text  # noqa: E402

import core.audit  # noqa: E402  (registers the audit table)
import core.auth.models  # noqa: E402
import core.content.item_templates  # noqa: E402
import core.content.models  # noqa: E402
import core.delivery.models  # noqa: E402
import core.delivery.tasks  # noqa: E402
import core.govcontent.models  # noqa: E402
import core.interactions.models  # noqa: E402
import core.media.models  # noqa: E402
import core.screening.models  # noqa: E402
import core.targets.models  # noqa: E402
import core.webhooks.models  # noqa: E402
import core.workflow.models  # noqa: E402,F401
from core.context import Context, build_context  # noqa: E402
from core.db import Base, make_engine  # noqa: E402
from core.migrate import alembic_config  # noqa: E402
from core.outbound import LOOPBACK  # noqa: E402
from core.secrets import new_key  # noqa: E402
from core.settings import Secret, Settings  # noqa: E402
from core.units.sync import Row, sync  # noqa: E402
from core.wiring import wire  # noqa: E402
from tests.support.emptying import empty_postgresql  # noqa: E402

# Jobs and sweeps call up into content and workflow through the upcalls the app wires at start.
wire()

TEST_DATABASE_URL = os.environ.get("LOA_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("LOA_TEST_REDIS_URL")
#: A real API token (all scopes) of TEST_ADMIN, an admin on VN; the ``tree`` fixture stores it.
API_TOKEN = "loa_0123456789ab_" + "t" * 43
TEST_ADMIN = "test-admin"
#: TEST_ADMIN's TOTP secret, so tests can compute codes (``pyotp.TOTP(TEST_TOTP_SECRET).now()``).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db')}/loa-test.db"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Any]:
    engine = make_engine(database_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    command.stamp(alembic_config(database_url), "head")  # the models are the head's schema
    yield engine
    engine.dispose()


def _truncate(engine: Any) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            empty_postgresql(conn, tables)  # what TRUNCATE ... RESTART IDENTITY leaves
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def redis_conn() -> Iterator[Any]:
    if TEST_REDIS_URL:
        import redis

        conn = redis.Redis.from_url(TEST_REDIS_URL)
        conn.flushdb()
        yield conn
        conn.flushdb()
        conn.close()
    else:
        import fakeredis

        yield fakeredis.FakeRedis(server=fakeredis.FakeServer())


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    return Settings(
        env="dev",
        database_url=database_url,
        redis_url=TEST_REDIS_URL,
        secret_keys=(Secret(new_key()),),
        base_url="http://loa.test",
        trusted_hosts=("loa.test", "testserver", "127.0.0.1", "localhost"),
        var_dir=tmp_path,
        http_timeout=1.0,
        job_timeout=20,
        sweep_interval=0.3,
        # The sandboxes run on loopback; tests of the refusal replace this with ().
        outbound_allow_networks=LOOPBACK,
    )


@pytest.fixture
def ctx(settings: Settings, engine: Any, redis_conn: Any) -> Iterator[Context]:
    _truncate(engine)
    context = build_context(settings, engine=engine, redis=redis_conn)
    yield context
    _truncate(engine)


#: A small real tree: Thanh Hóa (38) with three communes, and Hà Nội (01) with one ward.
TREE = [
    Row("2025", "VN", "national", "", "Việt Nam", "Việt Nam", None),
    Row("2025", "38", "province", "Tỉnh", "Tỉnh Thanh Hóa", "Thanh Hóa", "VN"),
    Row("2025", "14932", "commune", "Xã", "Xã Cẩm Thủy", "Cẩm Thủy", "38"),
    Row("2025", "14950", "commune", "Xã", "Xã Cẩm Thạch", "Cẩm Thạch", "38"),
    Row("2025", "15112", "commune", "Phường", "Phường Hạc Thành", "Hạc Thành", "38"),
    Row("2025", "01", "province", "Thành phố", "Thành phố Hà Nội", "Hà Nội", "VN"),
    Row("2025", "00004", "commune", "Phường", "Phường Ba Đình", "Ba Đình", "01"),
]


@pytest.fixture
def tree(ctx: Context) -> dict[str, Any]:
    """Units of :data:`TREE` by code, loaded through the real sync."""
    from sqlalchemy import select

    from core.units.models import Unit

    with ctx.transaction() as session:
        sync(session, iter(TREE))
    with ctx.sessions() as session:
        units = {u.code: u for u in session.scalars(select(Unit).order_by(Unit.id))}
    _test_admin(ctx, units["VN"].id)
    return units


def _test_admin(ctx: Context, unit_id: int) -> None:
    """TEST_ADMIN with an enrolled TOTP and API_TOKEN (read, write, publish), without argon2."""
    import datetime as dt

    from core.auth.models import ApiToken, Role, RoleMembership, User
    from core.auth.tokens import DIGEST_PURPOSE
    from core.db import utcnow

    with ctx.transaction() as session:
        user = User(
            username=TEST_ADMIN,
            display_name=TEST_ADMIN,
            totp_sealed=ctx.sealer.seal({"secret": TEST_TOTP_SECRET}),
            totp_enabled_at=utcnow(),
            last_login_at=utcnow(),
        )
        session.add(user)
        session.flush()
        session.add(RoleMembership(user_id=user.id, unit_id=unit_id, role=Role.ADMIN))
        session.add(
            ApiToken(
                user_id=user.id,
                name="tests",
                prefix=API_TOKEN.split("_")[1],
                digest=ctx.sealer.digest(DIGEST_PURPOSE, API_TOKEN),
                scopes=["publish", "read", "write"],
                expires_at=utcnow() + dt.timedelta(days=1),
            )
        )


@pytest.fixture
def admin_token(tree: dict[str, Any]) -> str:
    """The bearer token of TEST_ADMIN (admin on VN; scopes read, write, publish)."""
    return API_TOKEN


# --- a real browser ------------------------------------------------------------------------------

from tests.support.browser import _chromium, browser  # noqa: E402,F401  (the fixtures, for every test)
