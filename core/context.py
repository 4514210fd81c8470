"""The running system, built once per process: settings, plugins, database, queue.

The web app, the worker and the CLI each build one :class:`Context` and pass
it down; nothing reaches for globals.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pluggy
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.audit_keys import audit_session_info
from core.contract.channels import Channel
from core.contract.declarations import INFO_KEY as POLICY_KEY
from core.contract.declarations import DeclaredPolicy, declared_policy
from core.db import make_engine, make_sessionmaker
from core.plugins import channels as collect_channels
from core.plugins import make_plugin_manager
from core.secrets import Sealer
from core.settings import Settings

log = logging.getLogger("loa")
GENERATION_KEY = "loa:content-generation"


@dataclass
class Context:
    settings: Settings
    pm: pluggy.PluginManager
    engine: Engine
    sessions: sessionmaker[Session]
    redis: Any
    sealer: Sealer
    channels: dict[str, Channel]
    #: What the installed plugins declare (approval gates, accepted topics).
    declared: DeclaredPolicy = field(default_factory=DeclaredPolicy)
    #: Called with delivery ids after a transaction that created them has committed.
    extras: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def channel(self, name: str) -> Channel:
        try:
            return self.channels[name]
        except KeyError:
            raise LookupError(f"no channel plugin named {name!r} is installed") from None

    def content_generation(self) -> int:
        """A counter every process bumps on committed changes (public caches poll it)."""
        return int(self.redis.get(GENERATION_KEY) or 0)

    def emit(self, name: str, payload: dict[str, Any]) -> None:
        """Tell plugins about a committed event; a failing observer never breaks the caller."""
        try:
            self.redis.incr(GENERATION_KEY)
        except Exception as exc:
            log.warning("could not bump the content generation (%s)", type(exc).__name__)
        try:
            self.pm.hook.loa_event(name=name, payload=payload)
        except Exception:
            log.exception("an observer of %s failed", name)

    def close(self) -> None:
        self.engine.dispose()


_FAKE_SERVERS: dict[str, Any] = {}


def make_redis(settings: Settings, max_connections: int = 100) -> Any:
    """Real Redis when configured, otherwise one fakeredis server per process.

    ``max_connections``: redis-py's pool refuses more (``loa worker``'s threads each hold one
    in a blocking wait and another for rq's bookkeeping)."""
    if settings.redis_url:
        import redis

        return redis.Redis.from_url(settings.redis_url, max_connections=max_connections)
    import fakeredis

    server = _FAKE_SERVERS.setdefault("default", fakeredis.FakeServer())
    return fakeredis.FakeRedis(server=server)


def build_context(
    settings: Settings,
    *,
    pm: pluggy.PluginManager | None = None,
    engine: Engine | None = None,
    redis: Any = None,
) -> Context:
    pm = pm or make_plugin_manager(disabled=settings.disabled_plugins)
    engine = engine or make_engine(settings.database_url)
    sealer = Sealer(settings.secret_keys)
    declared = declared_policy(pm)
    info = {**audit_session_info(sealer), POLICY_KEY: declared}
    return Context(
        settings=settings,
        pm=pm,
        engine=engine,
        sessions=make_sessionmaker(engine, info=info),
        redis=redis if redis is not None else make_redis(settings),
        sealer=sealer,
        channels=collect_channels(pm),
        declared=declared,
    )
