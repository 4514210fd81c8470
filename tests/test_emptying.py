"""Between tests the PostgreSQL database is emptied by deleting the rows of the tables that
have any (``tests/support/emptying.py``), not by ``TRUNCATE`` of every table. Both must leave
the same: every table empty, and the ids the next rows get starting again from 1.

The comparison runs in a schema of its own on the PostgreSQL the run names (on CI's embedded
run, the one named for the PostgreSQL-only tests): cheaper than a new database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakeredis
import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine

from core.auth.models import ApiToken, RoleMembership, User
from core.context import Context, build_context
from core.db import Base, make_engine
from core.secrets import new_key
from core.settings import Secret, Settings
from core.units.models import Unit
from core.units.sync import sync
from tests.conftest import TREE, _test_admin
from tests.support.emptying import empty_postgresql, truncate_postgresql
from tests.support.named_postgresql import named_postgresql


@pytest.fixture
def scratch_postgresql() -> Iterator[Engine]:
    """An engine whose connections use a new schema holding the models' tables; dropped after."""
    base = named_postgresql("the emptying test")
    schema = f"loa_emptying_test_{os.getpid()}"
    engine = make_engine(base)

    @event.listens_for(engine, "connect", insert=True)
    def _search_path(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET SESSION search_path TO {schema}")
        dbapi_connection.autocommit = autocommit

    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        Base.metadata.create_all(engine)
        yield engine
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _context(engine: Engine, var_dir: Path) -> Context:
    settings = Settings(
        env="dev",
        database_url=engine.url.render_as_string(hide_password=False),
        redis_url=None,
        secret_keys=(Secret(new_key()),),
        base_url="http://loa.test",
        var_dir=var_dir,
    )
    redis = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    return build_context(settings, engine=engine, redis=redis)


def _fill(ctx: Context) -> dict[str, list[int]]:
    """Units (each referencing its parent), an admin, its role and token; their ids."""
    with ctx.transaction() as session:
        sync(session, iter(TREE))
    with ctx.sessions() as session:
        national = session.scalar(select(Unit.id).where(Unit.code == "VN"))
    _test_admin(ctx, national)
    with ctx.sessions() as session:
        return {
            model.__tablename__: sorted(session.scalars(select(model.id)))
            for model in (Unit, User, RoleMembership, ApiToken)
        }


def _rows(ctx: Context, tables: list[str]) -> dict[str, int]:
    with ctx.sessions() as session:
        counts = {t: session.scalar(select(func.count()).select_from(text(t))) for t in tables}
    return {t: n for t, n in counts.items() if n}


def test_emptying_leaves_what_truncate_leaves(scratch_postgresql: Engine, tmp_path: Path) -> None:
    ctx = _context(scratch_postgresql, tmp_path)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    after: dict[str, Any] = {}
    for name, empty in (("truncate", truncate_postgresql), ("delete", empty_postgresql)):
        _fill(ctx)
        assert _rows(ctx, tables) != {}
        with ctx.engine.begin() as conn:
            empty(conn, tables)
        assert _rows(ctx, tables) == {}, name
        after[name] = _fill(ctx)  # the ids the rows get after emptying
        with ctx.engine.begin() as conn:
            truncate_postgresql(conn, tables)
    assert after["delete"] == after["truncate"]
    assert after["delete"]["units"] == list(range(1, len(TREE) + 1))
    assert after["delete"]["users"] == [1]
