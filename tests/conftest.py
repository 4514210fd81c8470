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
    def __init__(self, app: Any) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
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
def serve() -> Iterator[Callable[[Any], LiveServer]]:
    """``serve(app)`` runs an ASGI app on a free loopback port until the test ends."""
    servers: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        server = LiveServer(app)
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

from sqlalchemy import text  # noqa: E402

import core.audit  # noqa: E402  (registers the audit table)
import core.auth.models  # noqa: E402
import core.content.models  # noqa: E402
import core.delivery.models  # noqa: E402
import core.interactions.models  # noqa: E402
import core.screening.models  # noqa: E402,F401
from core.context import Context, build_context  # noqa: E402
from core.db import Base, make_engine  # noqa: E402
from core.secrets import new_key  # noqa: E402
from core.settings import Secret, Settings  # noqa: E402
from core.units.sync import Row, sync  # noqa: E402

TEST_DATABASE_URL = os.environ.get("LOA_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("LOA_TEST_REDIS_URL")
API_TOKEN = "test-api-token-0123456789"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db')}/loa-test.db"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Any]:
    engine = make_engine(database_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Any) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
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
        var_dir=tmp_path,
        http_timeout=1.0,
        job_timeout=20,
        sweep_interval=0.3,
        api_token=Secret(API_TOKEN),
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
        return {u.code: u for u in session.scalars(select(Unit))}
