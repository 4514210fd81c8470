"""Between tests the PostgreSQL database is emptied by deleting the rows of the tables that
have any (``tests/support/emptying.py``), not by ``TRUNCATE`` of every table. Both must leave
the same: every table empty, and the ids the next rows get starting again from 1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fakeredis
from sqlalchemy import func, select, text

from core.auth.models import ApiToken, RoleMembership, User
from core.context import Context, build_context
from core.db import Base, make_engine
from core.secrets import new_key
from core.settings import Secret, Settings
from core.units.models import Unit
from core.units.sync import sync
from tests.conftest import TREE, _test_admin
from tests.core.test_migrations import fresh_postgresql  # noqa: F401  (the fixture)
from tests.support.emptying import empty_postgresql, truncate_postgresql


def _context(url: str, var_dir: Path) -> Context:
    settings = Settings(
        env="dev",
        database_url=url,
        redis_url=None,
        secret_keys=(Secret(new_key()),),
        base_url="http://loa.test",
        var_dir=var_dir,
    )
    redis = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    return build_context(settings, engine=make_engine(url), redis=redis)


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


def test_emptying_leaves_what_truncate_leaves(fresh_postgresql: str, tmp_path: Path) -> None:  # noqa: F811
    ctx = _context(fresh_postgresql, tmp_path)
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
    ctx.engine.dispose()
